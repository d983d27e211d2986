#include "ResultsPanel.h"

#include "NoModelGuide.h"

#include <QEvent>
#include <QHeaderView>
#include <QStackedLayout>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace geolens {

ResultsPanel::ResultsPanel(QWidget *parent)
    : QWidget(parent), tree_(new QTreeWidget(this)), guide_(new NoModelGuide(this)), pages_(new QStackedLayout(this))
{
    pages_->addWidget(guide_);
    pages_->addWidget(tree_);
    connect(guide_, &NoModelGuide::loadModelRequested, this, &ResultsPanel::loadModelRequested);
    tree_->setColumnCount(5);
    tree_->setRootIsDecorated(false);
    tree_->setAlternatingRowColors(true);
    tree_->setSortingEnabled(true);
    tree_->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const int row = item->data(0, Qt::UserRole).toInt();
        if (row >= 0 && row < static_cast<int>(rows_.size()))
            emit zoomRequested(rows_[row].bounds);
    });
    retranslate();
}

void ResultsPanel::setModelLoaded(bool loaded)
{
    // Results already there stay in view: they outlive the model that made them.
    pages_->setCurrentWidget(loaded || !rows_.empty() ? static_cast<QWidget *>(tree_) : guide_);
}

bool ResultsPanel::showsGuide() const
{
    return pages_->currentWidget() == guide_;
}

void ResultsPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void ResultsPanel::retranslate()
{
    tree_->setHeaderLabels({tr("Task"), tr("Label"), tr("Score"), tr("Tile"), tr("Answer")});
    tree_->setToolTip(tr("Double-click a result to zoom to it"));
}

void ResultsPanel::setResults(std::vector<ResultRow> rows)
{
    rows_ = std::move(rows);
    if (!rows_.empty())
        pages_->setCurrentWidget(tree_);
    tree_->setSortingEnabled(false);
    tree_->clear();
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        const ResultRow &r = rows_[i];
        auto *item = new QTreeWidgetItem(tree_, {r.task, r.label, QString::number(r.score, 'f', 3),
                                                 r.tileId >= 0 ? QString::number(r.tileId) : QStringLiteral("-")});
        item->setData(0, Qt::UserRole, static_cast<int>(i));
        // The model's own words stay with every row, whatever was (or was not) read from them.
        item->setText(4, QString(r.answer).replace(QLatin1Char('\n'), QLatin1Char(' ')));
        QString tip = tr("Asked: %1\nAnswer: %2").arg(r.prompt, r.answer);
        if (!r.details.isEmpty())
            tip += QLatin1Char('\n') + tr("Details: %1").arg(r.details);
        for (int column = 0; column < 5; ++column)
            item->setToolTip(column, tip);
    }
    tree_->setSortingEnabled(true);
}

int ResultsPanel::count() const
{
    return tree_->topLevelItemCount();
}

} // namespace geolens
