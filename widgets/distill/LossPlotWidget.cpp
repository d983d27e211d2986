#include "LossPlotWidget.h"

#include "common/AtomicFile.h"

#include <qcustomplot.h>

#include <QBuffer>
#include <QCheckBox>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSignalBlocker>
#include <QSlider>
#include <QTemporaryDir>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>

namespace geolens {

namespace {

const char *const SmoothingKey = "lossPlot/smoothing";
const char *const LogScaleKey = "lossPlot/logScale";

constexpr double MaxSmoothing = 0.99;
constexpr double DefaultSmoothing = 0.6;
// How far from the cursor, in pixels, a point still counts as hovered.
constexpr double HoverReach = 24.0;

enum ExportFormat { ExportPng, ExportPdf, ExportCsv };

struct KnownSeries {
    const char *name;
    LossPlotWidget::Axis axis;
    bool shown;
    QRgb colour;
};

// The order of the list and the legend: the total first, then what it is made of, then what
// explains it. Off by default: series that are only wanted when something looks wrong.
const KnownSeries Known[] = {
    {"loss", LossPlotWidget::Axis::Loss, true, 0x1f77b4},
    {"align", LossPlotWidget::Axis::Loss, true, 0xff7f0e},
    {"policy", LossPlotWidget::Axis::Loss, true, 0x2ca02c},
    {"single", LossPlotWidget::Axis::Loss, true, 0xd62728},
    {"pt", LossPlotWidget::Axis::Loss, true, 0x9467bd},
    {"kd", LossPlotWidget::Axis::Loss, true, 0x8c564b},
    {"ce", LossPlotWidget::Axis::Loss, true, 0xe377c2},
    {"rev_kl", LossPlotWidget::Axis::Loss, true, 0x17becf},
    {"val_loss", LossPlotWidget::Axis::Loss, true, 0x222222},
    {"val_rev_kl", LossPlotWidget::Axis::Loss, true, 0xbcbd22},
    {"grad_norm", LossPlotWidget::Axis::Loss, false, 0x7f7f7f},
    {"lr", LossPlotWidget::Axis::LearningRate, true, 0x6a3d9a},
    {"tokens_per_s", LossPlotWidget::Axis::Throughput, true, 0x1b9e77},
    {"student_len", LossPlotWidget::Axis::Throughput, false, 0xe6ab02},
    {"gpu_mem_gb", LossPlotWidget::Axis::Memory, true, 0xd95f02},
    {"rss_gb", LossPlotWidget::Axis::Memory, false, 0x7570b3},
};
constexpr int KnownCount = static_cast<int>(sizeof Known / sizeof Known[0]);

// Colours for keys a newer writer adds, distinct from the known ones.
const QRgb Extra[] = {0xa6761d, 0x666666, 0x80b1d3, 0xfb8072, 0xb3de69, 0xfccde5};

int knownIndex(const QString &name)
{
    for (int i = 0; i < KnownCount; ++i)
        if (name == QLatin1String(Known[i].name))
            return i;
    return -1;
}

// Not curves: the step is the x axis, and the elapsed time only grows.
bool isPlottable(const QString &name)
{
    return name != QLatin1String("step") && name != QLatin1String("seconds");
}

QString formatNumber(double value)
{
    if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
        return QString::number(static_cast<qint64>(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

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
    smoothing_ = std::clamp(settings.value(SmoothingKey, DefaultSmoothing).toDouble(), 0.0, MaxSmoothing);
    logScale_ = settings.value(LogScaleKey, false).toBool();

    buildPlot();
    buildControls();
    applyLogScale();
    retranslate();
}

LossPlotWidget::~LossPlotWidget()
{
    for (const auto &c : logConnections_)
        disconnect(c);
    for (auto &comparison : comparisons_)
        for (const auto &c : comparison.connections)
            disconnect(c);
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
    smoothingSlider_->setValue(qRound(smoothing_ * 100));
    connect(smoothingSlider_, &QSlider::valueChanged, this, [this](int value) { setSmoothing(value / 100.0); });
    smoothingValue_->setText(QString::number(smoothing_, 'f', 2));
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
    return QWidget::eventFilter(watched, event);
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
    for (Series &s : series_) {
        const QString title = seriesTitle(s.name);
        s.item->setText(title);
        s.item->setToolTip(itemToolTip(s));
        s.line->setName(title);
        s.raw->setName(title);
    }
    for (Comparison &c : comparisons_)
        for (auto &[name, graph] : c.graphs)
            graph->setName(tr("%1: %2").arg(c.label, seriesTitle(name)));
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString LossPlotWidget::seriesTitle(const QString &name)
{
    if (name == QLatin1String("loss"))
        return tr("Total loss");
    if (name == QLatin1String("rev_kl"))
        return tr("Reverse KL");
    if (name == QLatin1String("val_loss"))
        return tr("Validation loss");
    if (name == QLatin1String("val_rev_kl"))
        return tr("Validation reverse KL");
    if (name == QLatin1String("grad_norm"))
        return tr("Gradient norm");
    if (name == QLatin1String("lr"))
        return tr("Learning rate");
    if (name == QLatin1String("tokens_per_s"))
        return tr("Tokens per second");
    if (name == QLatin1String("student_len"))
        return tr("Student answer length");
    if (name == QLatin1String("gpu_mem_gb"))
        return tr("GPU memory (GB)");
    if (name == QLatin1String("rss_gb"))
        return tr("Process memory (GB)");
    const int known = knownIndex(name);
    if (known >= 0 && Known[known].axis == Axis::Loss)
        return tr("Loss term %1").arg(name);
    return name;
}

LossPlotWidget::Axis LossPlotWidget::axisFor(const QString &name)
{
    const int known = knownIndex(name);
    return known >= 0 ? Known[known].axis : Axis::Loss;
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

QVector<double> LossPlotWidget::exponentialMovingAverage(const QVector<double> &values, double factor)
{
    QVector<double> smoothed;
    smoothed.reserve(values.size());
    for (int i = 0; i < values.size(); ++i)
        smoothed.append(i == 0 ? values[i] : factor * smoothed[i - 1] + (1.0 - factor) * values[i]);
    return smoothed;
}

// ---- logs and series -----------------------------------------------------------------------

void LossPlotWidget::setMetricsLog(MetricsLog *log)
{
    for (const auto &c : logConnections_)
        disconnect(c);
    logConnections_.clear();
    log_ = log;
    clearSeries();
    if (log) {
        logConnections_.push_back(connect(log, &MetricsLog::appended, this, &LossPlotWidget::refresh));
        logConnections_.push_back(connect(log, &MetricsLog::reset, this, &LossPlotWidget::refresh));
    }
    following_ = true;
    refresh();
}

void LossPlotWidget::addComparisonRun(const QString &label, MetricsLog *log)
{
    removeComparisonRun(label);
    if (!log)
        return;
    Comparison comparison;
    comparison.label = label;
    comparison.log = log;
    comparison.connections.push_back(connect(log, &MetricsLog::appended, this, &LossPlotWidget::refresh));
    comparison.connections.push_back(connect(log, &MetricsLog::reset, this, &LossPlotWidget::refresh));
    comparison.connections.push_back(
        connect(log, &QObject::destroyed, this, [this, label] { removeComparisonRun(label); }));
    comparisons_.push_back(std::move(comparison));
    refresh();
}

void LossPlotWidget::removeComparisonRun(const QString &label)
{
    const auto it = std::find_if(comparisons_.begin(), comparisons_.end(),
                                 [&](const Comparison &c) { return c.label == label; });
    if (it == comparisons_.end())
        return;
    hideHover();
    for (const auto &c : it->connections)
        disconnect(c);
    for (auto &[name, graph] : it->graphs)
        plot_->removeGraph(graph);
    comparisons_.erase(it);
    refresh();
}

QStringList LossPlotWidget::comparisonRuns() const
{
    QStringList labels;
    for (const Comparison &c : comparisons_)
        labels << c.label;
    return labels;
}

QStringList LossPlotWidget::seriesNames() const
{
    QStringList names;
    for (const Series &s : series_)
        names << s.name;
    return names;
}

bool LossPlotWidget::isSeriesVisible(const QString &name) const
{
    const Series *s = find(name);
    return s && s->visible;
}

bool LossPlotWidget::isSeriesAllZero(const QString &name) const
{
    const Series *s = find(name);
    return s && s->allZero;
}

void LossPlotWidget::setSeriesVisible(const QString &name, bool visible)
{
    Series *s = find(name);
    if (!s)
        return;
    s->userChosen = true;
    if (s->visible == visible)
        return;
    s->visible = visible;
    {
        QSignalBlocker blocker(list_);
        s->item->setCheckState(visible ? Qt::Checked : Qt::Unchecked);
    }
    hideHover();
    applyVisibility(*s);
    rebuildLegend();
    rescaleIfFollowing();
    plot_->replot(QCustomPlot::rpQueuedReplot);
    emit seriesVisibilityChanged(name, visible);
}

LossPlotWidget::Series *LossPlotWidget::find(const QString &name)
{
    const auto it = std::find_if(series_.begin(), series_.end(), [&](const Series &s) { return s.name == name; });
    return it == series_.end() ? nullptr : &*it;
}

const LossPlotWidget::Series *LossPlotWidget::find(const QString &name) const
{
    const auto it = std::find_if(series_.begin(), series_.end(), [&](const Series &s) { return s.name == name; });
    return it == series_.end() ? nullptr : &*it;
}

std::vector<std::pair<QString, MetricsLog::RecordKind>> LossPlotWidget::plottableSeries(const MetricsLog *log)
{
    std::vector<std::pair<QString, MetricsLog::RecordKind>> names;
    if (!log)
        return names;
    for (const QString &name : log->seriesNames(MetricsLog::RecordKind::Step))
        if (isPlottable(name))
            names.emplace_back(name, MetricsLog::RecordKind::Step);
    for (const QString &name : log->seriesNames(MetricsLog::RecordKind::Evaluation))
        if (isPlottable(name) && !log->hasSeries(name, MetricsLog::RecordKind::Step))
            names.emplace_back(name, MetricsLog::RecordKind::Evaluation);
    return names;
}

void LossPlotWidget::clearSeries()
{
    hideHover();
    for (Comparison &c : comparisons_) {
        for (auto &[name, graph] : c.graphs)
            plot_->removeGraph(graph);
        c.graphs.clear();
    }
    for (Series &s : series_) {
        plot_->removeGraph(s.raw);
        plot_->removeGraph(s.line);
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

LossPlotWidget::Series &LossPlotWidget::addSeries(const QString &name, MetricsLog::RecordKind kind)
{
    const int known = knownIndex(name);
    const int rank = known >= 0 ? known : KnownCount;
    // Known series keep their fixed place; others follow in the order they appeared.
    auto position = std::find_if(series_.begin(), series_.end(), [&](const Series &s) {
        const int k = knownIndex(s.name);
        return (k >= 0 ? k : KnownCount) > rank;
    });
    const int row = static_cast<int>(position - series_.begin());

    Series s;
    s.name = name;
    s.kind = kind;
    int extras = 0;
    for (const Series &other : series_)
        extras += knownIndex(other.name) < 0 ? 1 : 0;
    s.colour = QColor(known >= 0 ? Known[known].colour : Extra[extras % (sizeof Extra / sizeof Extra[0])]);
    s.visible = known >= 0 && Known[known].shown;

    const Axis which = axisFor(name);
    s.raw = newGraph(which);
    QColor faint = s.colour;
    faint.setAlpha(70);
    s.raw->setPen(QPen(faint, 1.0));
    s.line = newGraph(which);
    if (kind == MetricsLog::RecordKind::Evaluation) {
        s.line->setPen(QPen(s.colour, 1.5));
        s.line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
    } else {
        s.line->setPen(QPen(s.colour, 2.0));
    }
    const QString title = seriesTitle(name);
    s.raw->setName(title);
    s.line->setName(title);

    s.item = new QListWidgetItem(title);
    s.item->setData(Qt::UserRole, name);
    s.item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    s.item->setCheckState(s.visible ? Qt::Checked : Qt::Unchecked);
    s.item->setToolTip(itemToolTip(s));
    QPixmap swatch(12, 12);
    swatch.fill(s.colour);
    s.item->setIcon(QIcon(swatch));
    {
        QSignalBlocker blocker(list_);
        list_->insertItem(row, s.item);
    }
    return *series_.insert(position, std::move(s));
}

void LossPlotWidget::syncSeries()
{
    for (const auto &[name, kind] : plottableSeries(log_))
        if (!find(name))
            addSeries(name, kind);
    for (Comparison &c : comparisons_)
        for (const auto &[name, kind] : plottableSeries(c.log))
            if (!find(name))
                addSeries(name, kind);

    for (Comparison &c : comparisons_) {
        for (const auto &entry : plottableSeries(c.log)) {
            const QString &name = entry.first;
            const bool present = std::any_of(c.graphs.begin(), c.graphs.end(),
                                             [&](const auto &g) { return g.first == name; });
            if (present)
                continue;
            const Series *s = find(name);
            QCPGraph *graph = newGraph(axisFor(name));
            QPen pen(s->colour, 1.6, Qt::DashLine);
            graph->setPen(pen);
            if (entry.second == MetricsLog::RecordKind::Evaluation)
                graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
            graph->setName(tr("%1: %2").arg(c.label, seriesTitle(name)));
            c.graphs.emplace_back(name, graph);
        }
    }
    updateDefaultVisibility();
    for (Series &s : series_)
        applyVisibility(s);
    rebuildLegend();
}

void LossPlotWidget::updateDefaultVisibility()
{
    for (Series &s : series_) {
        bool any = false, zero = true;
        const auto scan = [&](const MetricsLog *log) {
            if (!log)
                return;
            for (const auto kind : {MetricsLog::RecordKind::Step, MetricsLog::RecordKind::Evaluation})
                for (const QPointF &p : log->points(s.name, kind)) {
                    any = true;
                    if (p.y() != 0.0) {
                        zero = false;
                        return;
                    }
                }
        };
        scan(log_);
        for (const Comparison &c : comparisons_)
            if (zero)
                scan(c.log);
        s.allZero = any && zero;
    }
    QSignalBlocker blocker(list_);
    for (Series &s : series_) {
        s.item->setToolTip(itemToolTip(s));
        if (s.userChosen)
            continue;
        s.visible = defaultVisibility(s);
        s.item->setCheckState(s.visible ? Qt::Checked : Qt::Unchecked);
    }
}

bool LossPlotWidget::defaultVisibility(const Series &s) const
{
    if (s.allZero)
        return false;
    // Process memory is drawn when it is the only memory there is, as on a run on the CPU.
    if (s.name == QLatin1String("rss_gb")) {
        const Series *gpu = find(QStringLiteral("gpu_mem_gb"));
        if (gpu && gpu->allZero)
            return true;
    }
    const int known = knownIndex(s.name);
    return known >= 0 && Known[known].shown;
}

QString LossPlotWidget::itemToolTip(const Series &s) const
{
    const QString title = seriesTitle(s.name);
    if (s.allZero)
        return tr("“%1” (key %2 in metrics.jsonl) is zero at every step, so it is hidden; tick to show it anyway")
            .arg(title, s.name);
    return tr("Show or hide “%1” (key %2 in metrics.jsonl)").arg(title, s.name);
}

void LossPlotWidget::applyVisibility(Series &s)
{
    // Without smoothing the line is the raw points, so they would only be drawn twice.
    const bool rawShown = s.visible && s.kind == MetricsLog::RecordKind::Step && smoothing_ > 0.0;
    s.raw->setVisible(rawShown);
    s.line->setVisible(s.visible);
    for (Comparison &c : comparisons_)
        for (auto &[name, graph] : c.graphs)
            if (name == s.name)
                graph->setVisible(s.visible);
}

void LossPlotWidget::rebuildLegend()
{
    // In list order, this run first, whatever order the series were met or toggled in.
    plot_->legend->clearItems();
    for (const Series &s : series_)
        if (s.visible)
            s.line->addToLegend();
    for (const Comparison &c : comparisons_)
        for (const Series &s : series_)
            for (const auto &[name, graph] : c.graphs)
                if (s.visible && name == s.name)
                    graph->addToLegend();
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
            values = exponentialMovingAverage(values, factor);
        graph->setData(keys, values);
    };
    for (Series &s : series_) {
        const QVector<QPointF> &points =
            log_ ? log_->points(s.name, s.kind) : QVector<QPointF>();
        if (s.kind == MetricsLog::RecordKind::Step) {
            fill(s.raw, points, 0.0);
            fill(s.line, points, smoothing_);
        } else {
            s.raw->data()->clear();
            fill(s.line, points, 0.0);
        }
    }
    for (Comparison &c : comparisons_) {
        if (!c.log)
            continue;
        for (auto &[name, graph] : c.graphs) {
            const bool step = c.log->hasSeries(name, MetricsLog::RecordKind::Step);
            const auto kind = step ? MetricsLog::RecordKind::Step : MetricsLog::RecordKind::Evaluation;
            fill(graph, c.log->points(name, kind), step ? smoothing_ : 0.0);
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
    factor = std::clamp(factor, 0.0, MaxSmoothing);
    if (factor == smoothing_)
        return;
    smoothing_ = factor;
    QSettings().setValue(SmoothingKey, smoothing_);
    {
        QSignalBlocker blocker(smoothingSlider_);
        smoothingSlider_->setValue(qRound(smoothing_ * 100));
    }
    smoothingValue_->setText(QString::number(smoothing_, 'f', 2));
    hideHover();
    for (Series &s : series_)
        applyVisibility(s);
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
    for (const Series &s : series_)
        consider(s.raw->visible() ? s.raw : s.line);
    for (const Comparison &c : comparisons_)
        for (const auto &entry : c.graphs)
            consider(entry.second);
    if (!best)
        return best;

    QString value = formatNumber(best->value);
    for (const Series &s : series_) {
        if (s.raw != best->graph)
            continue;
        const auto smoothed = s.line->data()->findBegin(best->step, false);
        if (smoothed != s.line->data()->constEnd() && smoothed->key == best->step)
            value = tr("%1 (smoothed %2)").arg(value, QString::number(smoothed->value, 'g', 5));
    }
    best->text = tr("%1\nStep %2: %3").arg(best->graph->name(), formatNumber(best->step), value);
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

QString LossPlotWidget::csv() const
{
    QStringList columns;
    std::vector<const QVector<QPointF> *> data;
    for (const Series &s : series_) {
        if (!log_ || !log_->hasSeries(s.name, s.kind))
            continue;
        columns << s.name;
        data.push_back(&log_->points(s.name, s.kind));
    }
    std::map<double, QStringList> rows;
    for (std::size_t c = 0; c < data.size(); ++c) {
        for (const QPointF &p : *data[c]) {
            QStringList &row = rows[p.x()];
            if (row.isEmpty())
                for (int i = 0; i < columns.size(); ++i)
                    row << QString();
            row[static_cast<int>(c)] = formatNumber(p.y());
        }
    }
    QString text = QStringLiteral("step");
    for (const QString &column : columns)
        text += QLatin1Char(',') + column;
    text += QLatin1Char('\n');
    for (const auto &[step, cells] : rows)
        text += formatNumber(step) + QLatin1Char(',') + cells.join(QLatin1Char(',')) + QLatin1Char('\n');
    return text;
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
    const Series *s = find(name);
    return s ? s->line : nullptr;
}

QCPGraph *LossPlotWidget::rawGraph(const QString &name) const
{
    const Series *s = find(name);
    return s ? s->raw : nullptr;
}

QCPGraph *LossPlotWidget::comparisonGraph(const QString &label, const QString &name) const
{
    for (const Comparison &c : comparisons_)
        if (c.label == label)
            for (const auto &[series, graph] : c.graphs)
                if (series == name)
                    return graph;
    return nullptr;
}

} // namespace geolens
