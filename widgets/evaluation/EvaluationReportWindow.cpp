#include "EvaluationReportWindow.h"

#include "EvaluationReportView.h"

#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QVBoxLayout>

namespace geolens {

EvaluationReportWindow::EvaluationReportWindow(const QString &folder, QWidget *parent)
    : QWidget(parent, Qt::Window), view_(new EvaluationReportView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(view_);
    resize(1280, 900);
    if (!folder.isEmpty())
        view_->setFolder(folder);
    retranslate();
}

bool EvaluationReportWindow::setFolder(const QString &folder)
{
    const bool ok = view_->setFolder(folder);
    retranslate();
    return ok;
}

QString EvaluationReportWindow::folder() const
{
    return view_->folder();
}

void EvaluationReportWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void EvaluationReportWindow::retranslate()
{
    const QString folder = view_->folder();
    setWindowTitle(folder.isEmpty() ? tr("Evaluation Report")
                                    : tr("Evaluation Report: %1").arg(QDir::toNativeSeparators(folder)));
}

} // namespace geolens
