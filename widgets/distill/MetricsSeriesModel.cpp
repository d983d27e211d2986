#include "MetricsSeriesModel.h"

#include "distill/MetricsRecord.h"

#include <QLocale>

#include <algorithm>
#include <cmath>
#include <map>

namespace geolens {

namespace {

struct KnownSeries {
    const char *name;
    MetricsSeriesModel::Axis axis;
    bool shown;
    unsigned colour;
};

// The order of the list and the legend: the total first, then what it is made of, then what
// explains it. Off by default: series that are only wanted when something looks wrong.
const KnownSeries Known[] = {
    {MetricsKey::Loss, MetricsSeriesModel::Axis::Loss, true, 0x1f77b4},
    {MetricsKey::Align, MetricsSeriesModel::Axis::Loss, true, 0xff7f0e},
    {MetricsKey::Policy, MetricsSeriesModel::Axis::Loss, true, 0x2ca02c},
    {MetricsKey::Single, MetricsSeriesModel::Axis::Loss, true, 0xd62728},
    {MetricsKey::Pt, MetricsSeriesModel::Axis::Loss, true, 0x9467bd},
    {MetricsKey::Kd, MetricsSeriesModel::Axis::Loss, true, 0x8c564b},
    {MetricsKey::Ce, MetricsSeriesModel::Axis::Loss, true, 0xe377c2},
    {MetricsKey::ReverseKl, MetricsSeriesModel::Axis::Loss, true, 0x17becf},
    {MetricsKey::ValidationLoss, MetricsSeriesModel::Axis::Loss, true, 0x222222},
    {MetricsKey::ValidationReverseKl, MetricsSeriesModel::Axis::Loss, true, 0xbcbd22},
    {MetricsKey::AspectBce, MetricsSeriesModel::Axis::Loss, true, 0xff9896},
    {MetricsKey::ValidationAccuracy, MetricsSeriesModel::Axis::Loss, true, 0x2ca02c},
    {MetricsKey::ValidationTeacherAgreement, MetricsSeriesModel::Axis::Loss, false, 0x98df8a},
    {MetricsKey::ValidationAspectError, MetricsSeriesModel::Axis::Loss, false, 0xc49c94},
    {MetricsKey::Epoch, MetricsSeriesModel::Axis::Throughput, false, 0x7f7f7f},
    {MetricsKey::GradNorm, MetricsSeriesModel::Axis::Loss, false, 0x7f7f7f},
    {MetricsKey::AlignGradientShare, MetricsSeriesModel::Axis::Loss, false, 0xa6cee3},
    {MetricsKey::RatioDeviation, MetricsSeriesModel::Axis::Loss, false, 0xfdbf6f},
    {MetricsKey::ClipFraction, MetricsSeriesModel::Axis::Loss, false, 0xcab2d6},
    {MetricsKey::Lr, MetricsSeriesModel::Axis::LearningRate, true, 0x6a3d9a},
    {MetricsKey::TokensPerSecond, MetricsSeriesModel::Axis::Throughput, true, 0x1b9e77},
    {MetricsKey::StudentLength, MetricsSeriesModel::Axis::Throughput, false, 0xe6ab02},
    {MetricsKey::GpuMemoryGb, MetricsSeriesModel::Axis::Memory, true, 0xd95f02},
    {MetricsKey::ResidentGb, MetricsSeriesModel::Axis::Memory, false, 0x7570b3},
};
constexpr int KnownCount = static_cast<int>(sizeof Known / sizeof Known[0]);

// Colours for keys a newer writer adds, distinct from the known ones.
const unsigned Extra[] = {0xa6761d, 0x666666, 0x80b1d3, 0xfb8072, 0xb3de69, 0xfccde5};

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
    return name != QLatin1String(MetricsKey::Step) && name != QLatin1String(MetricsKey::Seconds);
}

} // namespace

MetricsSeriesModel::MetricsSeriesModel(QObject *parent) : QObject(parent) {}

MetricsSeriesModel::~MetricsSeriesModel()
{
    for (const auto &c : logConnections_)
        disconnect(c);
    for (auto &comparison : comparisons_)
        for (const auto &c : comparison.connections)
            disconnect(c);
}

void MetricsSeriesModel::setMetricsLog(MetricsLog *log)
{
    for (const auto &c : logConnections_)
        disconnect(c);
    logConnections_.clear();
    log_ = log;
    series_.clear();
    emit seriesCleared();
    if (log) {
        logConnections_.push_back(connect(log, &MetricsLog::appended, this, &MetricsSeriesModel::logsChanged));
        logConnections_.push_back(connect(log, &MetricsLog::reset, this, &MetricsSeriesModel::logsChanged));
    }
}

void MetricsSeriesModel::addComparisonRun(const QString &label, MetricsLog *log)
{
    removeComparisonRun(label);
    if (!log)
        return;
    Comparison comparison;
    comparison.label = label;
    comparison.log = log;
    comparison.connections.push_back(connect(log, &MetricsLog::appended, this, &MetricsSeriesModel::logsChanged));
    comparison.connections.push_back(connect(log, &MetricsLog::reset, this, &MetricsSeriesModel::logsChanged));
    comparison.connections.push_back(
        connect(log, &QObject::destroyed, this, [this, label] { removeComparisonRun(label); }));
    comparisons_.push_back(std::move(comparison));
    emit logsChanged();
}

void MetricsSeriesModel::removeComparisonRun(const QString &label)
{
    const auto it = std::find_if(comparisons_.begin(), comparisons_.end(),
                                 [&](const Comparison &c) { return c.label == label; });
    if (it == comparisons_.end())
        return;
    for (const auto &c : it->connections)
        disconnect(c);
    comparisons_.erase(it);
    emit comparisonRemoved(label);
    emit logsChanged();
}

QStringList MetricsSeriesModel::comparisonRuns() const
{
    QStringList labels;
    for (const Comparison &c : comparisons_)
        labels << c.label;
    return labels;
}

MetricsLog *MetricsSeriesModel::comparisonLog(const QString &label) const
{
    for (const Comparison &c : comparisons_)
        if (c.label == label)
            return c.log;
    return nullptr;
}

void MetricsSeriesModel::sync()
{
    for (const auto &[name, kind] : plottableSeries(log_))
        if (!find(name))
            insertSeries(name, kind);
    for (const Comparison &c : comparisons_)
        for (const auto &[name, kind] : plottableSeries(c.log))
            if (!find(name))
                insertSeries(name, kind);
    updateDefaultVisibility();
}

void MetricsSeriesModel::insertSeries(const QString &name, MetricsLog::RecordKind kind)
{
    const int known = knownIndex(name);
    const int rank = known >= 0 ? known : KnownCount;
    // Known series keep their fixed place; others follow in the order they appeared.
    const auto position = std::find_if(series_.begin(), series_.end(), [&](const Series &s) {
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
    s.colour = known >= 0 ? Known[known].colour : Extra[extras % (sizeof Extra / sizeof Extra[0])];
    s.visible = known >= 0 && Known[known].shown;
    series_.insert(position, std::move(s));
    emit seriesInserted(row);
}

void MetricsSeriesModel::updateDefaultVisibility()
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
    for (Series &s : series_)
        if (!s.userChosen)
            s.visible = defaultVisibility(s);
}

bool MetricsSeriesModel::defaultVisibility(const Series &s) const
{
    if (s.allZero)
        return false;
    // Process memory is drawn when it is the only memory there is, as on a run on the CPU.
    if (s.name == QLatin1String(MetricsKey::ResidentGb)) {
        const Series *gpu = find(QLatin1String(MetricsKey::GpuMemoryGb));
        if (gpu && gpu->allZero)
            return true;
    }
    const int known = knownIndex(s.name);
    return known >= 0 && Known[known].shown;
}

int MetricsSeriesModel::indexOf(const QString &name) const
{
    for (std::size_t i = 0; i < series_.size(); ++i)
        if (series_[i].name == name)
            return static_cast<int>(i);
    return -1;
}

MetricsSeriesModel::Series *MetricsSeriesModel::find(const QString &name)
{
    const int row = indexOf(name);
    return row < 0 ? nullptr : &series_[static_cast<std::size_t>(row)];
}

const MetricsSeriesModel::Series *MetricsSeriesModel::find(const QString &name) const
{
    const int row = indexOf(name);
    return row < 0 ? nullptr : &series_[static_cast<std::size_t>(row)];
}

QStringList MetricsSeriesModel::seriesNames() const
{
    QStringList names;
    for (const Series &s : series_)
        names << s.name;
    return names;
}

bool MetricsSeriesModel::isSeriesVisible(const QString &name) const
{
    const Series *s = find(name);
    return s && s->visible;
}

bool MetricsSeriesModel::isSeriesAllZero(const QString &name) const
{
    const Series *s = find(name);
    return s && s->allZero;
}

bool MetricsSeriesModel::setSeriesVisible(const QString &name, bool visible)
{
    Series *s = find(name);
    if (!s)
        return false;
    s->userChosen = true;
    if (s->visible == visible)
        return false;
    s->visible = visible;
    return true;
}

QString MetricsSeriesModel::toolTip(const Series &s) const
{
    const QString title = seriesTitle(s.name);
    if (s.allZero)
        return tr("“%1” (key %2 in metrics.jsonl) is zero at every step, so it is hidden; tick to show it anyway")
            .arg(title, s.name);
    return tr("Show or hide “%1” (key %2 in metrics.jsonl)").arg(title, s.name);
}

bool MetricsSeriesModel::setSmoothing(double factor)
{
    factor = std::clamp(factor, 0.0, MaxSmoothing);
    if (factor == smoothing_)
        return false;
    smoothing_ = factor;
    return true;
}

std::vector<std::pair<QString, MetricsLog::RecordKind>> MetricsSeriesModel::plottableSeries(const MetricsLog *log)
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

MetricsLog::RecordKind MetricsSeriesModel::kindIn(const MetricsLog *log, const QString &name)
{
    return log && log->hasSeries(name, MetricsLog::RecordKind::Step) ? MetricsLog::RecordKind::Step
                                                                     : MetricsLog::RecordKind::Evaluation;
}

QString MetricsSeriesModel::seriesTitle(const QString &name)
{
    if (name == QLatin1String(MetricsKey::Loss))
        return tr("Total loss");
    if (name == QLatin1String(MetricsKey::ReverseKl))
        return tr("Reverse KL");
    if (name == QLatin1String(MetricsKey::ValidationLoss))
        return tr("Validation loss");
    if (name == QLatin1String(MetricsKey::ValidationReverseKl))
        return tr("Validation reverse KL");
    if (name == QLatin1String(MetricsKey::GradNorm))
        return tr("Gradient norm");
    if (name == QLatin1String(MetricsKey::Lr))
        return tr("Learning rate");
    if (name == QLatin1String(MetricsKey::TokensPerSecond))
        return tr("Tokens per second");
    if (name == QLatin1String(MetricsKey::StudentLength))
        return tr("Student answer length");
    if (name == QLatin1String(MetricsKey::GpuMemoryGb))
        return tr("GPU memory (GB)");
    if (name == QLatin1String(MetricsKey::ResidentGb))
        return tr("Process memory (GB)");
    if (name == QLatin1String(MetricsKey::Align))
        return tr("Alignment term");
    if (name == QLatin1String(MetricsKey::Policy))
        return tr("Policy-gradient term");
    if (name == QLatin1String(MetricsKey::Single))
        return tr("Single-step term");
    if (name == QLatin1String(MetricsKey::Pt))
        return tr("Pretraining term");
    if (name == QLatin1String(MetricsKey::Kd))
        return tr("KD term");
    if (name == QLatin1String(MetricsKey::Ce))
        return tr("Cross-entropy term");
    if (name == QLatin1String(MetricsKey::AlignGradientShare))
        return tr("Alignment share of the gradient");
    if (name == QLatin1String(MetricsKey::RatioDeviation))
        return tr("Policy ratio deviation");
    if (name == QLatin1String(MetricsKey::ClipFraction))
        return tr("Clipped token share");
    if (name == QLatin1String(MetricsKey::AspectBce))
        return tr("Aspect term (binary cross-entropy)");
    if (name == QLatin1String(MetricsKey::ValidationAccuracy))
        return tr("Validation accuracy");
    if (name == QLatin1String(MetricsKey::ValidationTeacherAgreement))
        return tr("Validation agreement with the teacher");
    if (name == QLatin1String(MetricsKey::ValidationAspectError))
        return tr("Validation aspect error");
    if (name == QLatin1String(MetricsKey::Epoch))
        return tr("Epoch");
    return name; // a key a newer writer added: its own name, which the tooltip repeats
}

MetricsSeriesModel::Axis MetricsSeriesModel::axisFor(const QString &name)
{
    const int known = knownIndex(name);
    return known >= 0 ? Known[known].axis : Axis::Loss;
}

QVector<double> MetricsSeriesModel::exponentialMovingAverage(const QVector<double> &values, double factor)
{
    QVector<double> smoothed;
    smoothed.reserve(values.size());
    for (int i = 0; i < values.size(); ++i)
        smoothed.append(i == 0 ? values[i] : factor * smoothed[i - 1] + (1.0 - factor) * values[i]);
    return smoothed;
}

QString MetricsSeriesModel::formatNumber(double value)
{
    if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
        return QString::number(static_cast<qint64>(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QString MetricsSeriesModel::csv() const
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
    QString text = QString::fromLatin1(MetricsKey::Step);
    for (const QString &column : columns)
        text += QLatin1Char(',') + column;
    text += QLatin1Char('\n');
    for (const auto &[step, cells] : rows)
        text += formatNumber(step) + QLatin1Char(',') + cells.join(QLatin1Char(',')) + QLatin1Char('\n');
    return text;
}

} // namespace geolens
