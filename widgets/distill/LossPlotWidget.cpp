#include "LossPlotWidget.h"

#include "common/AtomicFile.h"

#include <qcustomplot.h>

#include <QBuffer>
#include <QCheckBox>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSignalBlocker>
#include <QSlider>
#include <QTemporaryDir>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>

namespace geolens {

namespace {

const char *const SmoothingKey = "lossPlot/smoothing";
const char *const LogScaleKey = "lossPlot/logScale";

constexpr double MaxSmoothing = MetricsSeriesModel::MaxSmoothing;
constexpr double DefaultSmoothing = 0.6;
// How far from the cursor, in pixels, a point still counts as hovered.
constexpr double HoverReach = 24.0;

enum ExportFormat { ExportPng, ExportPdf, ExportCsv };

bool writeAtomically(const QString &path, const QByteArray &data, QString *error)
{
    try {
        writeFileAtomically(QFile::encodeName(path).toStdString(), data.toStdString());
        return true;
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
}

} // namespace

LossPlotWidget::LossPlotWidget(QWidget *parent)
    : QWidget(parent), plot_(new QCustomPlot(this)), list_(new QListWidget(this)), seriesTitle_(new QLabel(this)),
      smoothingLabel_(new QLabel(this)), smoothingValue_(new QLabel(this)),
      smoothingSlider_(new QSlider(Qt::Horizontal, this)), logScaleBox_(new QCheckBox(this)),
      export_(new QToolButton(this))
{
    QSettings settings;
    model_.setSmoothing(settings.value(SmoothingKey, DefaultSmoothing).toDouble());
    logScale_ = settings.value(LogScaleKey, false).toBool();
    connect(&model_, &MetricsSeriesModel::seriesCleared, this, &LossPlotWidget::clearSeries);
    connect(&model_, &MetricsSeriesModel::seriesInserted, this, &LossPlotWidget::seriesInserted);
    connect(&model_, &MetricsSeriesModel::comparisonRemoved, this, &LossPlotWidget::comparisonRemoved);
    connect(&model_, &MetricsSeriesModel::logsChanged, this, &LossPlotWidget::refresh);

    buildPlot();
    buildControls();
    applyLogScale();
    retranslate();
}

LossPlotWidget::~LossPlotWidget()
{
    // The model outlives this destructor's body; nothing it says may reach a half-destroyed widget.
    model_.disconnect(this);
}

void LossPlotWidget::buildPlot()
{
    lossRect_ = plot_->axisRect();
    resourceRect_ = new QCPAxisRect(plot_);
    plot_->plotLayout()->addElement(1, 0, resourceRect_);
    plot_->plotLayout()->setRowStretchFactor(0, 3.0);
    plot_->plotLayout()->setRowStretchFactor(1, 1.2);
    // Both rects line up their plotting areas so that one step is at the same x in both.
    auto *margins = new QCPMarginGroup(plot_);
    lossRect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    resourceRect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);

    for (QCPAxisRect *rect : {lossRect_, resourceRect_}) {
        QCPAxis *x = rect->axis(QCPAxis::atBottom);
        QCPAxis *left = rect->axis(QCPAxis::atLeft);
        QCPAxis *right = rect->axis(QCPAxis::atRight);
        right->setVisible(true);
        right->setTickLabels(true);
        rect->setRangeDragAxes({x}, {left, right});
        rect->setRangeZoomAxes({x}, {left, right});
        x->setRange(0, 1);
    }
    auto follow = [this](QCPAxis *to) {
        return [this, to](const QCPRange &range) {
            if (syncingRanges_ || to->range() == range)
                return;
            syncingRanges_ = true;
            to->setRange(range);
            syncingRanges_ = false;
        };
    };
    QCPAxis *lossX = lossRect_->axis(QCPAxis::atBottom);
    QCPAxis *resourceX = resourceRect_->axis(QCPAxis::atBottom);
    connect(lossX, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, follow(resourceX));
    connect(resourceX, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this, follow(lossX));

    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // The legend sits in a row of its own above the plots: with compared runs it is long enough
    // to hide the curves it names if it sat inside.
    plot_->setAutoAddPlottableToLegend(false);
    plot_->legend->setVisible(true);
    QFont legendFont = font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    plot_->legend->setFont(legendFont);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot_->legend->setWrap(5);
    lossRect_->insetLayout()->take(plot_->legend);
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(0, 0, plot_->legend);
    plot_->plotLayout()->setRowStretchFactor(0, 0.001);
    plot_->setMouseTracking(true);
    plot_->installEventFilter(this);

    tracer_ = new QCPItemTracer(plot_);
    tracer_->setStyle(QCPItemTracer::tsCircle);
    tracer_->setSize(9);
    tracer_->setInterpolating(false);
    tracer_->setPen(QPen(Qt::black, 1.5));
    tracer_->setLayer(QStringLiteral("overlay"));
    tracer_->setVisible(false);
    hoverLabel_ = new QCPItemText(plot_);
    hoverLabel_->position->setType(QCPItemPosition::ptAbsolute);
    hoverLabel_->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    hoverLabel_->setTextAlignment(Qt::AlignLeft);
    hoverLabel_->setClipToAxisRect(false);
    hoverLabel_->setPadding(QMargins(5, 3, 5, 3));
    hoverLabel_->setBrush(QColor(255, 255, 240, 235));
    hoverLabel_->setPen(QPen(QColor(120, 120, 120)));
    hoverLabel_->setLayer(QStringLiteral("overlay"));
    hoverLabel_->setVisible(false);

    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent *event) {
        if (event->buttons() != Qt::NoButton) {
            following_ = false;
            hideHover();
            return;
        }
        updateHover(event->position());
    });
    connect(plot_, &QCustomPlot::mouseWheel, this, [this] { following_ = false; });
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] {
        following_ = true;
        rescaleIfFollowing();
        plot_->replot();
    });
}

void LossPlotWidget::buildControls()
{
    list_->setSelectionMode(QAbstractItemView::NoSelection);
    connect(list_, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        setSeriesVisible(item->data(Qt::UserRole).toString(), item->checkState() == Qt::Checked);
    });

    smoothingSlider_->setRange(0, qRound(MaxSmoothing * 100));
    smoothingSlider_->setValue(qRound(model_.smoothing() * 100));
    connect(smoothingSlider_, &QSlider::valueChanged, this, [this](int value) { setSmoothing(value / 100.0); });
    smoothingValue_->setText(QString::number(model_.smoothing(), 'f', 2));
    smoothingValue_->setMinimumWidth(smoothingValue_->fontMetrics().horizontalAdvance(QStringLiteral("0.00 ")));

    logScaleBox_->setChecked(logScale_);
    connect(logScaleBox_, &QCheckBox::toggled, this, &LossPlotWidget::setLogScale);

    export_->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(export_);
    for (int format : {ExportPng, ExportPdf, ExportCsv})
        menu->addAction(QString())->setData(format);
    connect(menu, &QMenu::triggered, this, [this](QAction *action) { exportWithDialog(action->data().toInt()); });
    export_->setMenu(menu);

    auto *side = new QVBoxLayout;
    side->addWidget(seriesTitle_);
    side->addWidget(list_, 1);
    side->addWidget(smoothingLabel_);
    auto *smoothingRow = new QHBoxLayout;
    smoothingRow->addWidget(smoothingSlider_, 1);
    smoothingRow->addWidget(smoothingValue_);
    side->addLayout(smoothingRow);
    side->addWidget(logScaleBox_);
    side->addWidget(export_);

    auto *sidePanel = new QWidget(this);
    sidePanel->setLayout(side);
    sidePanel->setMaximumWidth(260);
    side->setContentsMargins(0, 0, 0, 0);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_, 1);
    layout->addWidget(sidePanel);
}

void LossPlotWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

bool LossPlotWidget::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == plot_ && event->type() == QEvent::Leave)
        hideHover();
    if (watched == plot_ && event->type() == QEvent::Resize) {
        fitLegendColumns();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
    if (watched == plot_ && event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString entry = legendEntryAt(help->pos());
        if (!entry.isEmpty()) {
            QToolTip::showText(help->globalPos(), entry, plot_);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LossPlotWidget::nameComparisonGraph(QCPGraph *graph, const QString &label, const QString &name)
{
    constexpr int MaxLabelWidth = 110;
    const QFontMetrics metrics(plot_->legend->font());
    const QString full = tr("%1: %2").arg(label, seriesTitle(name));
    graph->setName(tr("%1: %2").arg(metrics.elidedText(label, Qt::ElideMiddle, MaxLabelWidth), seriesTitle(name)));
    graph->setProperty("fullName", full);
}

void LossPlotWidget::fitLegendColumns()
{
    const QFontMetrics metrics(plot_->legend->font());
    int widest = 0;
    for (int i = 0; i < plot_->legend->itemCount(); ++i)
        if (auto *item = qobject_cast<QCPPlottableLegendItem *>(plot_->legend->item(i)))
            widest = std::max(widest, metrics.horizontalAdvance(item->plottable()->name()));
    if (widest == 0)
        return;
    const QMargins margins = plot_->legend->margins();
    const int entry = widest + plot_->legend->iconSize().width() + plot_->legend->iconTextPadding() + 12 +
                      plot_->legend->columnSpacing();
    const int width = std::max(1, plot_->width() - margins.left() - margins.right());
    const int columns = std::clamp(width / entry, 1, 5);
    if (plot_->legend->wrap() != columns) {
        plot_->legend->setWrap(columns);
        plot_->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true); // re-flow the entries
    }
}

QString LossPlotWidget::legendEntryAt(const QPointF &pos) const
{
    for (int i = 0; i < plot_->legend->itemCount(); ++i) {
        auto *item = qobject_cast<QCPPlottableLegendItem *>(plot_->legend->item(i));
        if (!item || !item->outerRect().contains(pos.toPoint()))
            continue;
        const QVariant full = item->plottable()->property("fullName");
        return full.isValid() ? full.toString() : item->plottable()->name();
    }
    return {};
}

void LossPlotWidget::retranslate()
{
    seriesTitle_->setText(tr("Series"));
    list_->setToolTip(tr("Tick the curves to show; a double-click in the plot fits the view to them again"));
    smoothingLabel_->setText(tr("Smoothing"));
    smoothingSlider_->setToolTip(tr("Weight of the past in the moving average of the training curves (0: none); "
                                    "the raw points stay drawn faintly"));
    smoothingValue_->setToolTip(smoothingSlider_->toolTip());
    logScaleBox_->setText(tr("Logarithmic loss axis"));
    logScaleBox_->setToolTip(tr("Draw the losses on a logarithmic scale (values at or below zero are not shown)"));
    export_->setText(tr("Export"));
    export_->setToolTip(tr("Save the plot as an image or PDF, or its data as CSV"));
    const QList<QAction *> actions = export_->menu()->actions();
    actions.at(ExportPng)->setText(tr("Plot as PNG image..."));
    actions.at(ExportPdf)->setText(tr("Plot as PDF..."));
    actions.at(ExportCsv)->setText(tr("Data as CSV..."));
    plot_->setToolTip(QString()); // hover shows its own label

    lossRect_->axis(QCPAxis::atLeft)->setLabel(tr("Loss"));
    lossRect_->axis(QCPAxis::atRight)->setLabel(tr("Learning rate"));
    resourceRect_->axis(QCPAxis::atLeft)->setLabel(tr("Tokens per second"));
    resourceRect_->axis(QCPAxis::atRight)->setLabel(tr("Memory (GB)"));
    resourceRect_->axis(QCPAxis::atBottom)->setLabel(tr("Step"));

    QSignalBlocker blocker(list_);
    for (int row = 0; row < model_.count(); ++row) {
        const MetricsSeriesModel::Series &s = model_.at(row);
        const SeriesGraphs &g = series_[static_cast<std::size_t>(row)];
        const QString title = seriesTitle(s.name);
        g.item->setText(title);
        g.item->setToolTip(model_.toolTip(s));
        g.line->setName(title);
        g.raw->setName(title);
    }
    for (ComparisonGraphs &c : comparisons_)
        for (auto &[name, graph] : c.graphs)
            nameComparisonGraph(graph, c.label, name);
    fitLegendColumns();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QCPAxis *LossPlotWidget::axis(Axis which) const
{
    switch (which) {
    case Axis::Loss:
        return lossRect_->axis(QCPAxis::atLeft);
    case Axis::LearningRate:
        return lossRect_->axis(QCPAxis::atRight);
    case Axis::Throughput:
        return resourceRect_->axis(QCPAxis::atLeft);
    case Axis::Memory:
        return resourceRect_->axis(QCPAxis::atRight);
    }
    return nullptr;
}

// ---- logs and series -----------------------------------------------------------------------

void LossPlotWidget::setMetricsLog(MetricsLog *log)
{
    model_.setMetricsLog(log);
    following_ = true;
    refresh();
}

void LossPlotWidget::addComparisonRun(const QString &label, MetricsLog *log)
{
    model_.addComparisonRun(label, log);
}

void LossPlotWidget::removeComparisonRun(const QString &label)
{
    model_.removeComparisonRun(label);
}

void LossPlotWidget::comparisonRemoved(const QString &label)
{
    const auto it = std::find_if(comparisons_.begin(), comparisons_.end(),
                                 [&](const ComparisonGraphs &c) { return c.label == label; });
    if (it == comparisons_.end())
        return;
    hideHover();
    for (auto &[name, graph] : it->graphs)
        plot_->removeGraph(graph);
    comparisons_.erase(it);
}

void LossPlotWidget::setSeriesVisible(const QString &name, bool visible)
{
    if (!model_.setSeriesVisible(name, visible))
        return;
    const int row = model_.indexOf(name);
    {
        QSignalBlocker blocker(list_);
        series_[static_cast<std::size_t>(row)].item->setCheckState(visible ? Qt::Checked : Qt::Unchecked);
    }
    hideHover();
    applyVisibility(row);
    rebuildLegend();
    rescaleIfFollowing();
    plot_->replot(QCustomPlot::rpQueuedReplot);
    emit seriesVisibilityChanged(name, visible);
}

const LossPlotWidget::SeriesGraphs *LossPlotWidget::graphsOf(const QString &name) const
{
    const int row = model_.indexOf(name);
    return row < 0 ? nullptr : &series_[static_cast<std::size_t>(row)];
}

void LossPlotWidget::clearSeries()
{
    hideHover();
    for (ComparisonGraphs &c : comparisons_) {
        for (auto &[name, graph] : c.graphs)
            plot_->removeGraph(graph);
        c.graphs.clear();
    }
    for (SeriesGraphs &g : series_) {
        plot_->removeGraph(g.raw);
        plot_->removeGraph(g.line);
    }
    series_.clear();
    QSignalBlocker blocker(list_);
    list_->clear();
}

QCPGraph *LossPlotWidget::newGraph(Axis which)
{
    QCPAxis *value = axis(which);
    return plot_->addGraph(value->axisRect()->axis(QCPAxis::atBottom), value);
}

void LossPlotWidget::seriesInserted(int row)
{
    const MetricsSeriesModel::Series &s = model_.at(row);
    const QColor colour = QColor::fromRgb(static_cast<QRgb>(s.colour));
    SeriesGraphs g;
    const Axis which = axisFor(s.name);
    g.raw = newGraph(which);
    QColor faint = colour;
    faint.setAlpha(70);
    g.raw->setPen(QPen(faint, 1.0));
    g.line = newGraph(which);
    if (s.kind == MetricsLog::RecordKind::Evaluation) {
        g.line->setPen(QPen(colour, 1.5));
        g.line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
    } else {
        g.line->setPen(QPen(colour, 2.0));
    }
    const QString title = seriesTitle(s.name);
    g.raw->setName(title);
    g.line->setName(title);

    g.item = new QListWidgetItem(title);
    g.item->setData(Qt::UserRole, s.name);
    g.item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    g.item->setCheckState(s.visible ? Qt::Checked : Qt::Unchecked);
    g.item->setToolTip(model_.toolTip(s));
    QPixmap swatch(12, 12);
    swatch.fill(colour);
    g.item->setIcon(QIcon(swatch));
    {
        QSignalBlocker blocker(list_);
        list_->insertItem(row, g.item);
    }
    series_.insert(series_.begin() + row, g);
}

void LossPlotWidget::syncSeries()
{
    model_.sync();
    for (const QString &label : model_.comparisonRuns()) {
        auto c = std::find_if(comparisons_.begin(), comparisons_.end(),
                              [&](const ComparisonGraphs &g) { return g.label == label; });
        if (c == comparisons_.end()) {
            comparisons_.push_back(ComparisonGraphs{label, {}});
            c = comparisons_.end() - 1;
        }
        for (const auto &[name, kind] : MetricsSeriesModel::plottableSeries(model_.comparisonLog(label))) {
            const bool present = std::any_of(c->graphs.begin(), c->graphs.end(),
                                             [&](const auto &g) { return g.first == name; });
            if (present)
                continue;
            const MetricsSeriesModel::Series &s = model_.at(model_.indexOf(name));
            QCPGraph *graph = newGraph(axisFor(name));
            QPen pen(QColor::fromRgb(static_cast<QRgb>(s.colour)), 1.6, Qt::DashLine);
            graph->setPen(pen);
            if (kind == MetricsLog::RecordKind::Evaluation)
                graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
            nameComparisonGraph(graph, label, name);
            c->graphs.emplace_back(name, graph);
        }
    }
    updateItems();
    for (int row = 0; row < model_.count(); ++row)
        applyVisibility(row);
    rebuildLegend();
}

void LossPlotWidget::updateItems()
{
    QSignalBlocker blocker(list_);
    for (int row = 0; row < model_.count(); ++row) {
        const MetricsSeriesModel::Series &s = model_.at(row);
        QListWidgetItem *item = series_[static_cast<std::size_t>(row)].item;
        item->setToolTip(model_.toolTip(s));
        if (!s.userChosen)
            item->setCheckState(s.visible ? Qt::Checked : Qt::Unchecked);
    }
}

void LossPlotWidget::applyVisibility(int row)
{
    const MetricsSeriesModel::Series &s = model_.at(row);
    const SeriesGraphs &g = series_[static_cast<std::size_t>(row)];
    // Without smoothing the line is the raw points, so they would only be drawn twice.
    const bool rawShown = s.visible && s.kind == MetricsLog::RecordKind::Step && model_.smoothing() > 0.0;
    g.raw->setVisible(rawShown);
    g.line->setVisible(s.visible);
    for (ComparisonGraphs &c : comparisons_)
        for (auto &[name, graph] : c.graphs)
            if (name == s.name)
                graph->setVisible(s.visible);
}

void LossPlotWidget::rebuildLegend()
{
    // In list order, this run first, whatever order the series were met or toggled in.
    plot_->legend->clearItems();
    for (int row = 0; row < model_.count(); ++row)
        if (model_.at(row).visible)
            series_[static_cast<std::size_t>(row)].line->addToLegend();
    for (const ComparisonGraphs &c : comparisons_)
        for (int row = 0; row < model_.count(); ++row)
            for (const auto &[name, graph] : c.graphs)
                if (model_.at(row).visible && name == model_.at(row).name)
                    graph->addToLegend();
    fitLegendColumns();
}

void LossPlotWidget::refresh()
{
    syncSeries();
    updateData();
    rescaleIfFollowing();
    plot_->replot();
}

void LossPlotWidget::updateData()
{
    auto fill = [](QCPGraph *graph, const QVector<QPointF> &points, double factor) {
        QVector<double> keys, values;
        keys.reserve(points.size());
        values.reserve(points.size());
        for (const QPointF &p : points) {
            keys.append(p.x());
            values.append(p.y());
        }
        // The average runs in the order of the file, which is the order of the steps.
        if (factor > 0.0)
            values = MetricsSeriesModel::exponentialMovingAverage(values, factor);
        graph->setData(keys, values);
    };
    const MetricsLog *log = model_.metricsLog();
    const double smoothing = model_.smoothing();
    for (int row = 0; row < model_.count(); ++row) {
        const MetricsSeriesModel::Series &s = model_.at(row);
        const SeriesGraphs &g = series_[static_cast<std::size_t>(row)];
        const QVector<QPointF> &points = log ? log->points(s.name, s.kind) : QVector<QPointF>();
        if (s.kind == MetricsLog::RecordKind::Step) {
            fill(g.raw, points, 0.0);
            fill(g.line, points, smoothing);
        } else {
            g.raw->data()->clear();
            fill(g.line, points, 0.0);
        }
    }
    for (ComparisonGraphs &c : comparisons_) {
        const MetricsLog *compared = model_.comparisonLog(c.label);
        if (!compared)
            continue;
        for (auto &[name, graph] : c.graphs) {
            const auto kind = MetricsSeriesModel::kindIn(compared, name);
            fill(graph, compared->points(name, kind), kind == MetricsLog::RecordKind::Step ? smoothing : 0.0);
        }
    }
}

void LossPlotWidget::rescaleIfFollowing()
{
    if (!following_)
        return;
    bool anyX = false;
    QCPRange steps;
    for (QCPAxisRect *rect : {lossRect_, resourceRect_}) {
        for (QCPAxis::AxisType type : {QCPAxis::atLeft, QCPAxis::atRight}) {
            QCPAxis *value = rect->axis(type);
            bool found = false;
            QCPRange range;
            for (QCPAbstractPlottable *p : value->plottables()) {
                if (!p->visible())
                    continue;
                bool ok = false;
                const QCPRange r = p->getValueRange(ok, value->scaleType() == QCPAxis::stLogarithmic
                                                            ? QCP::sdPositive : QCP::sdBoth);
                if (ok) {
                    range = found ? QCPRange(std::min(range.lower, r.lower), std::max(range.upper, r.upper)) : r;
                    found = true;
                }
                const QCPRange k = p->getKeyRange(ok);
                if (ok) {
                    steps = anyX ? QCPRange(std::min(steps.lower, k.lower), std::max(steps.upper, k.upper)) : k;
                    anyX = true;
                }
            }
            if (!found)
                continue;
            if (value->scaleType() == QCPAxis::stLogarithmic) {
                value->setRange(range.lower / 1.3, range.upper * 1.3);
            } else {
                // A flat line sits in the middle of a range of its own size, or of +-1 at zero.
                const double pad = range.size() > 0 ? range.size() * 0.05
                                   : range.upper != 0.0 ? std::fabs(range.upper) * 0.1
                                                        : 1.0;
                value->setRange(range.lower - pad, range.upper + pad);
            }
        }
    }
    if (anyX) {
        if (steps.size() <= 0)
            steps = QCPRange(steps.lower - 1, steps.upper + 1);
        lossRect_->axis(QCPAxis::atBottom)->setRange(steps);
        resourceRect_->axis(QCPAxis::atBottom)->setRange(steps);
    }
}

// ---- smoothing and scale -------------------------------------------------------------------

void LossPlotWidget::setSmoothing(double factor)
{
    if (!model_.setSmoothing(factor))
        return;
    const double smoothing = model_.smoothing();
    QSettings().setValue(SmoothingKey, smoothing);
    {
        QSignalBlocker blocker(smoothingSlider_);
        smoothingSlider_->setValue(qRound(smoothing * 100));
    }
    smoothingValue_->setText(QString::number(smoothing, 'f', 2));
    hideHover();
    for (int row = 0; row < model_.count(); ++row)
        applyVisibility(row);
    updateData();
    rescaleIfFollowing();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlotWidget::setLogScale(bool on)
{
    if (on == logScale_)
        return;
    logScale_ = on;
    QSettings().setValue(LogScaleKey, logScale_);
    {
        QSignalBlocker blocker(logScaleBox_);
        logScaleBox_->setChecked(on);
    }
    applyLogScale();
    following_ = true; // a linear range is meaningless on a log axis and back
    rescaleIfFollowing();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlotWidget::applyLogScale()
{
    QCPAxis *loss = axis(Axis::Loss);
    if (logScale_) {
        loss->setScaleType(QCPAxis::stLogarithmic);
        loss->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        loss->setNumberFormat(QStringLiteral("gb"));
    } else {
        loss->setScaleType(QCPAxis::stLinear);
        loss->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        loss->setNumberFormat(QStringLiteral("g"));
    }
}

// ---- hover ---------------------------------------------------------------------------------

std::optional<LossPlotWidget::Nearest> LossPlotWidget::nearestPoint(const QPointF &pos) const
{
    std::optional<Nearest> best;
    double bestDistance = HoverReach * HoverReach;
    auto consider = [&](QCPGraph *graph) {
        if (!graph->visible() || graph->data()->isEmpty())
            return;
        QCPAxis *key = graph->keyAxis();
        QCPAxis *value = graph->valueAxis();
        // The last step sits on the rect's edge, so the cursor may be just outside it.
        const QRectF area = key->axisRect()->rect();
        if (!area.adjusted(-HoverReach, -HoverReach, HoverReach, HoverReach).contains(pos))
            return;
        const double from = key->pixelToCoord(pos.x() - HoverReach);
        const double to = key->pixelToCoord(pos.x() + HoverReach);
        auto data = graph->data();
        for (auto it = data->findBegin(std::min(from, to)); it != data->findEnd(std::max(from, to)); ++it) {
            const QPointF point(key->coordToPixel(it->key), value->coordToPixel(it->value));
            if (!area.adjusted(-1, -1, 1, 1).contains(point))
                continue;
            const double dx = point.x() - pos.x();
            const double dy = point.y() - pos.y();
            const double d = dx * dx + dy * dy;
            if (d < bestDistance) {
                bestDistance = d;
                best = Nearest{graph, it->key, it->value, QString()};
            }
        }
    };
    for (const SeriesGraphs &g : series_)
        consider(g.raw->visible() ? g.raw : g.line);
    for (const ComparisonGraphs &c : comparisons_)
        for (const auto &entry : c.graphs)
            consider(entry.second);
    if (!best)
        return best;

    QString value = MetricsSeriesModel::formatNumber(best->value);
    for (const SeriesGraphs &g : series_) {
        if (g.raw != best->graph)
            continue;
        const auto smoothed = g.line->data()->findBegin(best->step, false);
        if (smoothed != g.line->data()->constEnd() && smoothed->key == best->step)
            value = tr("%1 (smoothed %2)").arg(value, QString::number(smoothed->value, 'g', 5));
    }
    const QVariant full = best->graph->property("fullName");
    best->text = tr("%1\nStep %2: %3").arg(full.isValid() ? full.toString() : best->graph->name(), MetricsSeriesModel::formatNumber(best->step), value);
    return best;
}

QString LossPlotWidget::describePointNear(const QPointF &pos) const
{
    const auto nearest = nearestPoint(pos);
    return nearest ? nearest->text : QString();
}

QString LossPlotWidget::hoverText() const
{
    return hoverLabel_->visible() ? hoverLabel_->text() : QString();
}

void LossPlotWidget::updateHover(const QPointF &pos)
{
    const auto nearest = nearestPoint(pos);
    if (!nearest) {
        hideHover();
        return;
    }
    tracer_->setGraph(nearest->graph);
    tracer_->setGraphKey(nearest->step);
    tracer_->setClipAxisRect(nearest->graph->keyAxis()->axisRect());
    tracer_->setVisible(true);
    hoverLabel_->setText(nearest->text);
    // Left of the cursor near the right edge, so the label stays inside the plot.
    const bool flip = pos.x() > plot_->width() * 0.6;
    hoverLabel_->setPositionAlignment((flip ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
    hoverLabel_->position->setCoords(pos.x() + (flip ? -14 : 14), pos.y() + 14);
    hoverLabel_->setVisible(true);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlotWidget::hideHover()
{
    const bool shown = tracer_->visible() || hoverLabel_->visible();
    tracer_->setGraph(nullptr);
    tracer_->setVisible(false);
    hoverLabel_->setVisible(false);
    if (shown)
        plot_->replot(QCustomPlot::rpQueuedReplot);
}

// ---- export --------------------------------------------------------------------------------

bool LossPlotWidget::savePng(const QString &path, int width, int height, QString *error)
{
    if (width <= 0 || height <= 0) {
        const bool laidOut = plot_->width() > 100 && plot_->height() > 100;
        width = laidOut ? plot_->width() : 1200;
        height = laidOut ? plot_->height() : 800;
    }
    hideHover();
    const QPixmap pixmap = plot_->toPixmap(width, height);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (pixmap.isNull() || !pixmap.save(&buffer, "PNG")) {
        if (error)
            *error = tr("The plot could not be drawn as an image.");
        return false;
    }
    return writeAtomically(path, bytes, error);
}

bool LossPlotWidget::savePdf(const QString &path, int width, int height, QString *error)
{
    if (width <= 0 || height <= 0) {
        const bool laidOut = plot_->width() > 100 && plot_->height() > 100;
        width = laidOut ? plot_->width() : 1200;
        height = laidOut ? plot_->height() : 800;
    }
    hideHover();
    // The plot can only print to a named file; it is drawn aside and then put in place whole.
    QTemporaryDir scratch;
    const QString drawn = scratch.filePath(QStringLiteral("plot.pdf"));
    QFile file(drawn);
    if (!scratch.isValid() || !plot_->savePdf(drawn, width, height) || !file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("The plot could not be drawn as a PDF.");
        return false;
    }
    return writeAtomically(path, file.readAll(), error);
}

bool LossPlotWidget::saveCsv(const QString &path, QString *error) const
{
    return writeAtomically(path, csv().toUtf8(), error);
}

void LossPlotWidget::exportWithDialog(int format)
{
    QString filter;
    QString suffix;
    switch (format) {
    case ExportPng:
        filter = tr("PNG images (*.png)");
        suffix = QStringLiteral(".png");
        break;
    case ExportPdf:
        filter = tr("PDF documents (*.pdf)");
        suffix = QStringLiteral(".pdf");
        break;
    default:
        filter = tr("CSV files (*.csv)");
        suffix = QStringLiteral(".csv");
        break;
    }
    QString path = QFileDialog::getSaveFileName(this, tr("Export"), QString(), filter);
    if (path.isEmpty())
        return;
    if (!path.endsWith(suffix, Qt::CaseInsensitive))
        path += suffix;
    QString error;
    const bool ok = format == ExportPng   ? savePng(path, 0, 0, &error)
                    : format == ExportPdf ? savePdf(path, 0, 0, &error)
                                          : saveCsv(path, &error);
    if (!ok)
        QMessageBox::warning(this, tr("Export failed"), error);
}

// ---- graphs --------------------------------------------------------------------------------

QCPGraph *LossPlotWidget::graph(const QString &name) const
{
    const SeriesGraphs *g = graphsOf(name);
    return g ? g->line : nullptr;
}

QCPGraph *LossPlotWidget::rawGraph(const QString &name) const
{
    const SeriesGraphs *g = graphsOf(name);
    return g ? g->raw : nullptr;
}

QCPGraph *LossPlotWidget::comparisonGraph(const QString &label, const QString &name) const
{
    for (const ComparisonGraphs &c : comparisons_)
        if (c.label == label)
            for (const auto &[series, graph] : c.graphs)
                if (series == name)
                    return graph;
    return nullptr;
}

} // namespace geolens
