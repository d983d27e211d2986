#include "DistillWizardPage.h"

#include "DistillWizard.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

#include <climits>

namespace geolens {

DistillWizardPage::DistillWizardPage(DistillWizard *wizard)
    : wizard_(wizard), problemLabel_(new QLabel)
{
    problemLabel_->setObjectName(QStringLiteral("problem"));
    problemLabel_->setWordWrap(true);
    problemLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    problemLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
    problemLabel_->hide();
}

bool DistillWizardPage::refuse(const QString &message)
{
    problemLabel_->setText(message);
    problemLabel_->show();
    return false;
}

void DistillWizardPage::clearProblem()
{
    problemLabel_->clear();
    problemLabel_->hide();
}

bool DistillWizardPage::checkNumbers()
{
    for (const auto &[edit, name] : numbers_) {
        bool ok = false;
        edit->text().trimmed().toDouble(&ok);
        if (!ok)
            return refuse(DistillWizard::tr("%1 is not a number: “%2”.").arg(name, edit->text()));
    }
    return true;
}

double DistillWizardPage::number(const QLineEdit *edit, double fallback)
{
    bool ok = false;
    const double value = edit->text().trimmed().toDouble(&ok);
    return ok ? value : fallback;
}

QString DistillWizardPage::problem() const
{
    return problemLabel_->text();
}

QString DistillWizardPage::qs(const std::string &text)
{
    return QString::fromStdString(text);
}

QString DistillWizardPage::numberText(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QString DistillWizardPage::parameterCountText(std::uint64_t n)
{
    if (n >= 1000000000)
        return QString::number(n / 1e9, 'f', 2) + QStringLiteral(" B");
    if (n >= 1000000)
        return QString::number(n / 1e6, 'f', 1) + QStringLiteral(" M");
    if (n >= 1000)
        return QString::number(n / 1e3, 'f', 1) + QStringLiteral(" k");
    return QString::number(n);
}

QLineEdit *DistillWizardPage::numberEdit(const QString &toolTip)
{
    auto *edit = new QLineEdit;
    edit->setToolTip(toolTip);
    edit->setMaximumWidth(120);
    return edit;
}

QSpinBox *DistillWizardPage::countBox(int minimum, const QString &toolTip)
{
    auto *box = new QSpinBox;
    box->setRange(minimum, INT_MAX);
    box->setToolTip(toolTip);
    return box;
}

QCheckBox *DistillWizardPage::checkBox(const QString &text, const QString &toolTip)
{
    auto *box = new QCheckBox(text);
    box->setToolTip(toolTip);
    return box;
}

QWidget *DistillWizardPage::pathRow(QLineEdit *edit, bool directory, const char *settingsKey, const QString &filter,
                                    QWidget *parent)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *browse = new QPushButton(DistillWizard::tr("Browse..."), row);
    browse->setToolTip(DistillWizard::tr("Choose with a file dialog"));
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, row, [=] {
        QString start = edit->text();
        if (start.isEmpty())
            start = QSettings().value(QLatin1String(settingsKey)).toString();
        const QString chosen = directory
                                   ? QFileDialog::getExistingDirectory(row, DistillWizard::tr("Choose a folder"), start)
                                   : QFileDialog::getOpenFileName(row, DistillWizard::tr("Choose a file"), start, filter);
        if (chosen.isEmpty())
            return;
        edit->setText(QDir::toNativeSeparators(chosen));
        const QFileInfo info(chosen);
        QSettings().setValue(QLatin1String(settingsKey), directory ? info.absoluteFilePath() : info.absolutePath());
    });
    return row;
}

} // namespace geolens
