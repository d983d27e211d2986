#include "MetricsLog.h"

#include "distill/MetricsRecord.h"

#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QScopedValueRollback>
#include <QTimer>

#include <algorithm>

namespace geolens {

namespace {

// Enough bytes that two different runs' metrics never end alike by chance (every record carries
// its step and elapsed seconds).
constexpr int TailBytes = 256;

} // namespace

MetricsLog::MetricsLog(QObject *parent)
    : QObject(parent), watcher_(new QFileSystemWatcher(this)), poll_(new QTimer(this))
{
    poll_->setInterval(500);
    connect(poll_, &QTimer::timeout, this, &MetricsLog::refresh);
    connect(watcher_, &QFileSystemWatcher::fileChanged, this, &MetricsLog::refresh);
}

MetricsLog::~MetricsLog() = default;

void MetricsLog::setPath(const QString &path)
{
    if (!watcher_->files().isEmpty())
        watcher_->removePaths(watcher_->files());
    const bool hadData = recordCount() > 0 || offset_ > 0;
    path_ = path;
    clear();
    if (hadData)
        emit reset();
    if (path_.isEmpty()) {
        poll_->stop();
        return;
    }
    poll_->start();
    refresh();
}

void MetricsLog::setPollInterval(int milliseconds)
{
    poll_->setInterval(std::max(10, milliseconds));
}

int MetricsLog::pollInterval() const
{
    return poll_->interval();
}

QStringList MetricsLog::seriesNames(RecordKind kind) const
{
    return set(kind).names;
}

bool MetricsLog::hasSeries(const QString &name, RecordKind kind) const
{
    return set(kind).points.contains(name);
}

const QVector<QPointF> &MetricsLog::points(const QString &name, RecordKind kind) const
{
    static const QVector<QPointF> none;
    const auto &all = set(kind).points;
    const auto it = all.constFind(name);
    return it == all.constEnd() ? none : *it;
}

void MetricsLog::clear()
{
    offset_ = 0;
    tail_.clear();
    partial_.clear();
    steps_ = {};
    evaluations_ = {};
    stepRecords_ = 0;
    evaluationRecords_ = 0;
    lastStep_ = -1;
    badLines_ = 0;
}

void MetricsLog::watch()
{
    // The watcher forgets a file that was removed or renamed over, so it is added again each time.
    if (!path_.isEmpty() && !watcher_->files().contains(path_) && QFileInfo::exists(path_))
        watcher_->addPath(path_);
}

void MetricsLog::refresh()
{
    if (path_.isEmpty() || reading_)
        return;
    // A slot on reset() or appended() may call refresh() again.
    QScopedValueRollback<bool> guard(reading_, true);

    QFile file(path_);
    // A file that is briefly missing (being replaced) keeps what was read; the tail check below
    // notices a different file once it is back.
    if (!file.open(QIODevice::ReadOnly))
        return;
    watch();

    bool restart = file.size() < offset_;
    if (!restart && !tail_.isEmpty()) {
        restart = !file.seek(offset_ - tail_.size()) || file.read(tail_.size()) != tail_;
    }
    if (restart) {
        clear();
        emit reset();
    }
    if (!file.seek(offset_))
        return;
    const QByteArray data = file.readAll();
    if (data.isEmpty())
        return;
    offset_ += data.size();
    tail_ += data;
    if (tail_.size() > TailBytes)
        tail_ = tail_.right(TailBytes);
    partial_ += data;

    const int first = recordCount();
    qsizetype start = 0;
    for (qsizetype end = partial_.indexOf('\n'); end >= 0; end = partial_.indexOf('\n', start)) {
        parseLine(partial_.mid(start, end - start));
        start = end + 1;
    }
    partial_.remove(0, start);
    if (recordCount() > first)
        emit appended(first);
}

void MetricsLog::parseLine(const QByteArray &line)
{
    const QByteArray trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return;
    const std::optional<MetricsRecord> record =
        MetricsRecord::parse(std::string_view(trimmed.constData(), static_cast<std::size_t>(trimmed.size())));
    if (!record) {
        ++badLines_;
        return;
    }
    const double step = record->step();
    const RecordKind kind = record->kind() == MetricsRecord::Kind::Step ? RecordKind::Step : RecordKind::Evaluation;
    SeriesSet &series = set(kind);
    for (const auto &[key, value] : record->numbers()) {
        const QString name = QString::fromStdString(key);
        auto found = series.points.find(name);
        if (found == series.points.end()) {
            series.names << name;
            found = series.points.insert(name, {});
        }
        found->append(QPointF(step, value));
    }
    if (kind == RecordKind::Step)
        ++stepRecords_;
    else
        ++evaluationRecords_;
    lastStep_ = std::max(lastStep_, static_cast<int>(step));
}

} // namespace geolens
