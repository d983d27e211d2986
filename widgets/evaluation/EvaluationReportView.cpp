#include "EvaluationReportView.h"

#include "ConfusionMatrixView.h"

#include <qcustomplot.h>

#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageReader>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>
#include <cmath>
#include <limits>

namespace geolens {

namespace {

// Thumbnails beyond this many in one cell would make a click on a big diagonal cell slow.
const int MaxThumbnails = 120;
const int ThumbnailSize = 72;
const int ScoresTab = 0;
const int ConfusionTab = 1;

QColor modelColour(int index)
{
    static const QList<QColor> colours{QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                       QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                                       QColor(227, 119, 194), QColor(127, 127, 127)};
    return colours.at(index % colours.size());
}

QString percent(const QJsonValue &value)
{
    return value.isDouble() ? QStringLiteral("%1%").arg(100.0 * value.toDouble(), 0, 'f', 1) : QStringLiteral("–");
}

// A category of the chart and the metric read for it from one model's metrics.
struct Category {
    QString label;
    std::function<QJsonValue(const QJsonObject &)> value;
};

QStringList unionOfKeys(const EvaluationReportData &data, const QString &key)
{
    QStringList keys;
    for (const QString &model : data.models())
        for (const QString &k : data.metrics(model).value(key).toObject().keys())
            if (!keys.contains(k))
                keys << k;
    return keys;
}

} // namespace

EvaluationReportView::EvaluationReportView(QWidget *parent)
    : QWidget(parent), title_(new QLabel(this)), summary_(new QLabel(this)), problems_(new QLabel(this)),
      reload_(new QPushButton(this)), openHtml_(new QPushButton(this)), openFolder_(new QPushButton(this)),
      tabs_(new QTabWidget(this)), splitter_(new QSplitter(Qt::Vertical, this)), table_(new QTableWidget(this)), chartTitle_(new QLabel(this)),
      plot_(new QCustomPlot(this)), bars_(new QCPBarsGroup(plot_)), confusionPanel_(new QWidget(this)),
      confusionRow_(new QHBoxLayout(confusionPanel_)), cellPanel_(new QWidget(this)), cellTitle_(new QLabel(this)),
      cellList_(new QListWidget(this)), watcher_(new QFileSystemWatcher(this)), reloadTimer_(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);

    auto *header = new QHBoxLayout;
    auto *headerText = new QVBoxLayout;
    QFont titleFont = title_->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    title_->setFont(titleFont);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    headerText->addWidget(title_);
    headerText->addWidget(summary_);
    header->addLayout(headerText, 1);
    for (QPushButton *b : {reload_, openHtml_, openFolder_})
        header->addWidget(b, 0, Qt::AlignTop);
    layout->addLayout(header);

    problems_->setWordWrap(true);
    problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    problems_->setStyleSheet(QStringLiteral("color: #b00020;"));
    problems_->hide();
    layout->addWidget(problems_);

    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setWordWrap(false);
    table_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    table_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    layout->addWidget(table_);

    auto *chartPanel = new QWidget(this);
    auto *chartLayout = new QVBoxLayout(chartPanel);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    QFont bold = chartTitle_->font();
    bold.setBold(true);
    chartTitle_->setFont(bold);
    chartLayout->addWidget(chartTitle_);
    plot_->setMinimumHeight(240);
    plot_->legend->setVisible(true);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setBorderPen(Qt::NoPen);
    // The legend in a row of its own above the axes, where it never covers a bar, packed to the
    // left by an empty element that takes the rest of the row.
    auto *legendRow = new QCPLayoutGrid;
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(0, 0, legendRow);
    plot_->plotLayout()->setRowStretchFactor(0, 0.001);
    legendRow->addElement(0, 0, plot_->legend);
    legendRow->addElement(0, 1, new QCPLayoutElement(plot_));
    legendRow->setColumnStretchFactor(0, 0.001);
    plot_->yAxis->grid()->setSubGridVisible(true);
    plot_->xAxis->grid()->setVisible(false);
    bars_->setSpacingType(QCPBarsGroup::stAbsolute);
    bars_->setSpacing(1);
    chartLayout->addWidget(plot_, 1);
    tabs_->addTab(chartPanel, QString());

    confusionRow_->setContentsMargins(0, 0, 0, 0);
    splitter_->addWidget(confusionPanel_);

    auto *cellLayout = new QVBoxLayout(cellPanel_);
    cellLayout->setContentsMargins(0, 0, 0, 0);
    cellTitle_->setWordWrap(true);
    cellLayout->addWidget(cellTitle_);
    // Side by side in rows, so that a cell of many questions shows many at once.
    cellList_->setIconSize(QSize(ThumbnailSize, ThumbnailSize));
    cellList_->setFlow(QListView::LeftToRight);
    cellList_->setWrapping(true);
    cellList_->setResizeMode(QListView::Adjust);
    cellList_->setGridSize(QSize(300, ThumbnailSize + 12));
    cellList_->setUniformItemSizes(true);
    cellList_->setTextElideMode(Qt::ElideRight);
    cellLayout->addWidget(cellList_, 1);
    splitter_->addWidget(cellPanel_);
    splitter_->setChildrenCollapsible(false);
    splitter_->setStretchFactor(0, 3);
    splitter_->setStretchFactor(1, 1);
    tabs_->addTab(splitter_, QString());
    layout->addWidget(tabs_, 1);

    connect(reload_, &QPushButton::clicked, this, [this] { reload(); });
    connect(openHtml_, &QPushButton::clicked, this, [this] {
        const QString path = data_.htmlReportPath();
        if (!path.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(path));
    });
    connect(openFolder_, &QPushButton::clicked, this, [this] {
        if (!data_.folder().isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(data_.folder()));
    });

    reloadTimer_->setSingleShot(true);
    reloadTimer_->setInterval(1000);
    connect(reloadTimer_, &QTimer::timeout, this, [this] { reload(); });
    connect(watcher_, &QFileSystemWatcher::directoryChanged, reloadTimer_, qOverload<>(&QTimer::start));
    connect(watcher_, &QFileSystemWatcher::fileChanged, reloadTimer_, qOverload<>(&QTimer::start));

    retranslate();
    showData();
}

void EvaluationReportView::setReloadDelay(int milliseconds)
{
    reloadTimer_->setInterval(std::max(0, milliseconds));
}

void EvaluationReportView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void EvaluationReportView::retranslate()
{
    reload_->setText(tr("Reload"));
    reload_->setToolTip(tr("Read the report folder again (it is also read whenever its files change)"));
    openHtml_->setText(tr("Open HTML Report"));
    openHtml_->setToolTip(tr("Open report.html, the self-contained report of this evaluation, in the browser"));
    openFolder_->setText(tr("Open Folder"));
    openFolder_->setToolTip(tr("Show the report's files in the file manager"));
    tabs_->setTabText(ScoresTab, tr("Scores"));
    tabs_->setTabText(ConfusionTab, tr("Confusion Matrices"));
    tabs_->setTabToolTip(ConfusionTab, tr("Which class each model read from its answers, per true class; click a cell "
                                          "to see its questions"));
    cellList_->setToolTip(tr("The questions of the confusion cell clicked: the image, the answer and the true class"));
    if (!data_.folder().isEmpty())
        showData();
}

bool EvaluationReportView::setFolder(const QString &folder)
{
    cellModel_.clear();
    cellRow_ = cellColumn_ = -1;
    const bool ok = data_.load(folder);
    watch();
    showData();
    emit reloaded(ok);
    return ok;
}

bool EvaluationReportView::reload()
{
    if (data_.folder().isEmpty())
        return false;
    const QString model = cellModel_;
    const int row = cellRow_, column = cellColumn_;
    const bool ok = data_.load(data_.folder());
    watch();
    showData();
    if (!model.isEmpty() && data_.models().contains(model))
        showCell(model, row, column);
    emit reloaded(ok);
    return ok;
}

void EvaluationReportView::watch()
{
    const QStringList watched = watcher_->files() + watcher_->directories();
    if (!watched.isEmpty())
        watcher_->removePaths(watched);
    if (QFileInfo(data_.folder()).isDir())
        watcher_->addPath(data_.folder());
    // The CLI replaces its files by renaming, which ends a file's watch: each reading adds them again.
    const QStringList files = data_.reportFiles();
    if (!files.isEmpty())
        watcher_->addPaths(files);
}

QString EvaluationReportView::taskTitle() const
{
    switch (data_.task()) {
    case EvaluationReportData::Task::Scene:
        return tr("Scene classification");
    case EvaluationReportData::Task::Vqa:
        return tr("Visual question answering");
    case EvaluationReportData::Task::Referring:
        return tr("Referring expressions");
    case EvaluationReportData::Task::Grounding:
        return tr("Grounding");
    case EvaluationReportData::Task::Caption:
        return tr("Captioning");
    case EvaluationReportData::Task::Unknown:
        break;
    }
    return data_.benchmark().isEmpty() ? tr("Evaluation") : data_.benchmark();
}

void EvaluationReportView::showData()
{
    updateHeader();
    fillTable();
    fillChart();
    fillConfusion();
    clearCell();
    openHtml_->setEnabled(!data_.htmlReportPath().isEmpty());
    openFolder_->setEnabled(!data_.folder().isEmpty());
    reload_->setEnabled(!data_.folder().isEmpty());
}

void EvaluationReportView::updateHeader()
{
    if (data_.folder().isEmpty()) {
        title_->setText(tr("No evaluation report"));
        summary_->clear();
        problems_->hide();
        return;
    }
    const QString dataset = data_.dataset();
    title_->setText(dataset.isEmpty() ? taskTitle() : tr("%1 on %2").arg(taskTitle(), dataset));

    QStringList lines;
    const QJsonObject evaluation = data_.evaluation();
    const int inBenchmark = evaluation.value(QLatin1String("questions_in_benchmark")).toInt();
    if (data_.questions() > 0 && inBenchmark > data_.questions())
        lines << tr("%1 of the benchmark's %2 questions, %3 model(s): %4")
                     .arg(data_.questions())
                     .arg(inBenchmark)
                     .arg(data_.models().size())
                     .arg(data_.models().join(QStringLiteral(", ")));
    else if (data_.questions() > 0)
        lines << tr("%1 questions, %2 model(s): %3")
                     .arg(data_.questions())
                     .arg(data_.models().size())
                     .arg(data_.models().join(QStringLiteral(", ")));
    QStringList issues;
    const QJsonObject datasetIssues = evaluation.value(QLatin1String("dataset_issues")).toObject();
    for (auto it = datasetIssues.begin(); it != datasetIssues.end(); ++it)
        issues << QStringLiteral("%1: %2").arg(it.key()).arg(it.value().toInt());
    if (!issues.isEmpty())
        lines << tr("Left out of the benchmark: %1").arg(issues.join(QStringLiteral(", ")));
    if (!data_.isComplete() && !data_.evaluation().isEmpty())
        lines << tr("Under way: the scores appear when the models have answered.");
    lines << QDir::toNativeSeparators(data_.folder());
    summary_->setText(lines.join(QLatin1Char('\n')));

    problems_->setText(data_.errorString());
    problems_->setVisible(!data_.problems().isEmpty());
}

QString EvaluationReportView::columnTitle(const QString &header) const
{
    // tables.csv is written in English for scripts; the window shows its headers in the user's
    // language, the dataset names in them as they are.
    const QList<QPair<QString, QString>> exact{
        {QStringLiteral("model"), tr("Model")},
        {QStringLiteral("Params (M)"), tr("Params (M)")},
        {QStringLiteral("GFLOPs per answer"), tr("GFLOPs per answer")},
        {QStringLiteral("Seconds per question"), tr("Seconds per question")},
        {QStringLiteral("Time outside the model (%)"), tr("Time outside the model (%)")},
        {QStringLiteral("Answered"), tr("Answered")},
        {QStringLiteral("Presence"), tr("Presence")},
        {QStringLiteral("Comparison"), tr("Comparison")},
        {QStringLiteral("Rural/urban"), tr("Rural/urban")},
        {QStringLiteral("Count"), tr("Count")},
        {QStringLiteral("Area"), tr("Area")},
        {QStringLiteral("Overall (paper's mOA)"), tr("Overall (paper's mOA)")},
        {QStringLiteral("Mean of types"), tr("Mean of types")},
    };
    for (const auto &[english, shown] : exact)
        if (header == english)
            return shown;
    const QList<QPair<QString, QString>> prefixed{
        {QStringLiteral("OA "), tr("OA %1")},
        {QStringLiteral("AA "), tr("AA %1")},
        {QStringLiteral("acc@0.5 "), tr("acc@0.5 %1")},
    };
    for (const auto &[prefix, shown] : prefixed)
        if (header.startsWith(prefix))
            return shown.arg(header.mid(prefix.size()));
    return header;
}

void EvaluationReportView::fillTable()
{
    table_->clear();
    QStringList columns;
    for (const QString &header : data_.tableColumns())
        columns << columnTitle(header);
    const QList<QStringList> rows = data_.tableRows();
    table_->setColumnCount(static_cast<int>(columns.size()));
    table_->setRowCount(static_cast<int>(rows.size()));
    table_->setHorizontalHeaderLabels(columns);
    for (int r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < std::min(rows.at(r).size(), columns.size()); ++c) {
            auto *item = new QTableWidgetItem(rows.at(r).at(c));
            item->setTextAlignment(c == 0 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
            if (c == 0)
                item->setForeground(modelColour(std::max<int>(0, static_cast<int>(data_.models().indexOf(rows.at(r).at(0))))));
            table_->setItem(r, c, item);
        }
    }
    table_->setVisible(!columns.isEmpty());
    table_->resizeRowsToContents();
    fitTableHeight();
}

void EvaluationReportView::fitTableHeight()
{
    // Exactly as tall as its rows (one per model), with room for the horizontal scroll bar only
    // when the columns are wider than the view.
    int height = table_->horizontalHeader()->sizeHint().height() + table_->verticalHeader()->length() +
                 2 * table_->frameWidth();
    if (table_->horizontalHeader()->length() > table_->width() - 2 * table_->frameWidth())
        height += table_->horizontalScrollBar()->sizeHint().height();
    table_->setFixedHeight(height);
}

void EvaluationReportView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitTableHeight();
}

void EvaluationReportView::fillChart()
{
    plot_->clearPlottables();
    QList<Category> categories;
    QString axisLabel = tr("Accuracy (%)");
    switch (data_.task()) {
    case EvaluationReportData::Task::Scene: {
        QStringList classes = data_.classes();
        if (classes.isEmpty())
            classes = unionOfKeys(data_, QStringLiteral("per_class"));
        for (const QString &name : std::as_const(classes))
            categories.append({name, [name](const QJsonObject &m) {
                                   return m.value(QLatin1String("per_class")).toObject().value(name);
                               }});
        chartTitle_->setText(tr("Accuracy per class"));
        break;
    }
    case EvaluationReportData::Task::Vqa:
        for (const QString &type : unionOfKeys(data_, QStringLiteral("accuracy_by_type")))
            categories.append({type, [type](const QJsonObject &m) {
                                   return m.value(QLatin1String("accuracy_by_type")).toObject().value(type);
                               }});
        chartTitle_->setText(tr("Accuracy per question type"));
        break;
    case EvaluationReportData::Task::Referring:
    case EvaluationReportData::Task::Grounding: {
        QStringList groups;
        const QStringList found = unionOfKeys(data_, QStringLiteral("by_size_group"));
        for (const char *known : {"small", "medium", "large"})
            if (found.contains(QLatin1String(known)))
                groups << QLatin1String(known);
        for (const QString &g : found)
            if (!groups.contains(g))
                groups << g;
        for (const QString &group : std::as_const(groups))
            for (const char *metric : {"acc@0.5", "acc@0.25"}) {
                const QString key = QLatin1String(metric);
                categories.append({QStringLiteral("%1\n%2").arg(group, key), [group, key](const QJsonObject &m) {
                                       return m.value(QLatin1String("by_size_group")).toObject().value(group).toObject().value(key);
                                   }});
            }
        chartTitle_->setText(tr("Boxes found per object size (IoU at least 0.5 and 0.25)"));
        break;
    }
    case EvaluationReportData::Task::Caption:
        for (const auto &[key, label] : {std::pair{"rouge1", "ROUGE-1"}, std::pair{"rougeL", "ROUGE-L"},
                                         std::pair{"meteor", "METEOR"}, std::pair{"cider", "CIDEr"}}) {
            const QString k = QLatin1String(key);
            categories.append({QLatin1String(label), [k](const QJsonObject &m) { return m.value(k); }});
        }
        chartTitle_->setText(tr("Caption scores"));
        axisLabel = tr("Score (%)");
        break;
    case EvaluationReportData::Task::Unknown:
        chartTitle_->clear();
        break;
    }

    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int i = 0; i < categories.size(); ++i)
        ticker->addTick(i + 1, categories.at(i).label);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setTickLabelRotation(categories.size() > 10 ? 60 : 0);
    plot_->xAxis->setRange(0.4, categories.size() + 0.6);
    plot_->yAxis->setLabel(axisLabel);

    double top = 100.0;
    const QStringList models = data_.models();
    const double width = 0.8 / std::max<qsizetype>(1, models.size());
    for (int m = 0; m < models.size(); ++m) {
        const QJsonObject metrics = data_.metrics(models.at(m));
        if (metrics.isEmpty())
            continue;
        auto *bars = new QCPBars(plot_->xAxis, plot_->yAxis);
        bars->setName(models.at(m));
        bars->setWidth(width);
        const QColor colour = modelColour(m);
        bars->setPen(QPen(colour.darker(130)));
        bars->setBrush(colour);
        bars->setBarsGroup(bars_);
        for (int i = 0; i < categories.size(); ++i) {
            const QJsonValue value = categories.at(i).value(metrics);
            // A class without images has null: no bar rather than a bar at zero.
            if (value.isDouble()) {
                bars->addData(i + 1, 100.0 * value.toDouble());
                top = std::max(top, 100.0 * value.toDouble());
            }
        }
    }
    plot_->yAxis->setRange(0, top * 1.05);
    plot_->legend->setVisible(plot_->plottableCount() > 0);
    plot_->setVisible(!categories.isEmpty());
    chartTitle_->setVisible(!categories.isEmpty());
    plot_->replot();
}

void EvaluationReportView::fillConfusion()
{
    const bool scene = data_.task() == EvaluationReportData::Task::Scene;
    tabs_->setTabVisible(ConfusionTab, scene);
    const QStringList models = scene ? data_.models() : QStringList();
    // The views stay while the models do, so that a report filling in keeps where each matrix
    // was scrolled to.
    if (models != confusionModels_) {
        while (QLayoutItem *item = confusionRow_->takeAt(0)) {
            delete item->widget();
            delete item;
        }
        confusionViews_.clear();
        confusionTitles_.clear();
        confusionModels_ = models;
        for (const QString &model : models) {
            auto *column = new QWidget(confusionPanel_);
            auto *columnLayout = new QVBoxLayout(column);
            columnLayout->setContentsMargins(0, 0, 0, 0);
            auto *title = new QLabel(column);
            title->setTextFormat(Qt::RichText);
            columnLayout->addWidget(title);
            auto *view = new ConfusionMatrixView;
            view->setObjectName(QStringLiteral("confusion-%1").arg(model));
            auto *area = new QScrollArea(column);
            area->setWidget(view);
            area->setWidgetResizable(false);
            area->setAlignment(Qt::AlignLeft | Qt::AlignTop);
            area->setBackgroundRole(QPalette::Base);
            columnLayout->addWidget(area, 1);
            connect(view, &ConfusionMatrixView::cellClicked, this,
                    [this, model](int row, int column) { showCell(model, row, column); });
            confusionRow_->addWidget(column, 1);
            confusionViews_.append(view);
            confusionTitles_.append(title);
        }
    }
    for (int m = 0; m < models.size(); ++m) {
        const QString &model = models.at(m);
        const QJsonObject metrics = data_.metrics(model);
        QString text = QStringLiteral("<b style=\"color:%1\">%2</b>").arg(modelColour(m).name(), model.toHtmlEscaped());
        if (!metrics.isEmpty())
            text += QStringLiteral(" &nbsp; ") +
                    tr("OA %1, AA %2, answers without a class: %3")
                        .arg(percent(metrics.value(QLatin1String("oa"))), percent(metrics.value(QLatin1String("aa"))))
                        .arg(metrics.value(QLatin1String("no_class_answers")).toInt())
                        .toHtmlEscaped();
        confusionTitles_.at(m)->setText(text);
        confusionViews_.at(m)->setMatrix(data_.confusion(model));
        confusionViews_.at(m)->setAccessibleName(tr("Confusion matrix of %1").arg(model));
    }
}

void EvaluationReportView::clearCell()
{
    cellList_->clear();
    cellTitle_->setText(tr("Click a cell of a confusion matrix to list its questions."));
}

void EvaluationReportView::showCell(const QString &model, int row, int column)
{
    const qsizetype index = data_.models().indexOf(model);
    if (index < 0 || index >= confusionViews_.size())
        return;
    const ConfusionMatrix &matrix = confusionViews_.at(index)->matrix();
    if (row < 0 || row >= matrix.classes.size() || column < 0 || column >= matrix.columns.size())
        return;
    cellModel_ = model;
    cellRow_ = row;
    cellColumn_ = column;
    // The same cell marked in every model's matrix, to compare them at a glance.
    for (ConfusionMatrixView *view : std::as_const(confusionViews_))
        view->setCurrentCell(row, column);

    const QString trueClass = matrix.classes.at(row);
    const QString predicted = matrix.columns.at(column);
    const QList<ScoredQuestion> questions = data_.questionsInCell(model, trueClass, predicted);
    cellTitle_->setText(tr("%1: true class %2, read as %3: %n question(s)", nullptr, static_cast<int>(questions.size()))
                            .arg(model, trueClass, predicted));
    cellList_->clear();
    int thumbnails = 0;
    for (const ScoredQuestion &q : questions) {
        auto *item = new QListWidgetItem(cellList_);
        item->setText(tr("%1\nAnswer: %2\nTrue class: %3").arg(q.id, q.answer.simplified(), q.truth));
        item->setData(Qt::UserRole, q.id);
        item->setToolTip(QStringLiteral("%1\n%2").arg(QDir::toNativeSeparators(q.image), q.question));
        if (thumbnails < MaxThumbnails && !q.image.isEmpty()) {
            QImageReader reader(q.image);
            reader.setAutoTransform(true);
            if (reader.canRead()) {
                const QSize size = reader.size();
                if (size.isValid())
                    reader.setScaledSize(size.scaled(ThumbnailSize, ThumbnailSize, Qt::KeepAspectRatio));
                const QImage image = reader.read();
                if (!image.isNull()) {
                    item->setIcon(QIcon(QPixmap::fromImage(image)));
                    ++thumbnails;
                }
            }
        }
    }
}

} // namespace geolens
