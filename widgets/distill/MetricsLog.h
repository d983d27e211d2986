#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

class QFileSystemWatcher;
class QTimer;

namespace geolens {

// Follows a distillation run's metrics.jsonl while the run writes it: one JSON object a line,
// either an optimiser step (it has a "loss" key) or an evaluation (it has none). Every numeric
// key becomes a series of (step, value) points; strings such as "phase" and nulls (a value that
// was not finite) are left out. Only the bytes added since the last read are parsed, and a line
// without its newline yet waits for the next read. A resume rewrites the file shorter and appends
// again, so whenever the bytes already read are no longer what the file starts with, everything
// is read again from the start and reset() is emitted first.
class MetricsLog : public QObject {
    Q_OBJECT

public:
    enum class RecordKind { Step, Evaluation };

    explicit MetricsLog(QObject *parent = nullptr);
    ~MetricsLog() override;

    // Starts following path (which need not exist yet) and reads what is there now. An empty
    // path stops following.
    void setPath(const QString &path);
    QString path() const { return path_; }

    // How often the file is looked at besides the change notifications, which some file systems
    // never send.
    void setPollInterval(int milliseconds);
    int pollInterval() const;

    // Series names in the order they first appeared (the new keys of one record alphabetically).
    // The same name can be in both kinds: both records carry "seconds".
    QStringList seriesNames(RecordKind kind) const;
    bool hasSeries(const QString &name, RecordKind kind) const;
    // x is the step, y the value; ordered as in the file. Empty for an unknown name.
    const QVector<QPointF> &points(const QString &name, RecordKind kind) const;

    int recordCount() const { return stepRecords_ + evaluationRecords_; }
    int stepRecordCount() const { return stepRecords_; }
    int evaluationRecordCount() const { return evaluationRecords_; }
    // The highest step seen in any record; -1 before the first.
    int lastStep() const { return lastStep_; }
    // Complete lines that were not a JSON object, since the last reset.
    int badLineCount() const { return badLines_; }
    qint64 bytesRead() const { return offset_; }

public slots:
    // Reads whatever was added since the last read; the watcher and the timer call this too.
    void refresh();

signals:
    // Everything read so far was dropped; the file is read again from the start.
    void reset();
    // Records firstNewRecord .. recordCount() - 1 were added.
    void appended(int firstNewRecord);

private:
    struct SeriesSet {
        QStringList names;
        QHash<QString, QVector<QPointF>> points;
    };

    void clear();
    void watch();
    void parseLine(const QByteArray &line);
    SeriesSet &set(RecordKind kind) { return kind == RecordKind::Step ? steps_ : evaluations_; }
    const SeriesSet &set(RecordKind kind) const { return kind == RecordKind::Step ? steps_ : evaluations_; }

    QString path_;
    QFileSystemWatcher *watcher_;
    QTimer *poll_;
    qint64 offset_ = 0;
    // The last bytes read, compared again before each read: a file rewritten in place or replaced
    // may already be longer than what was read, so its size alone does not tell.
    QByteArray tail_;
    QByteArray partial_;
    SeriesSet steps_, evaluations_;
    int stepRecords_ = 0;
    int evaluationRecords_ = 0;
    int lastStep_ = -1;
    int badLines_ = 0;
    bool reading_ = false;
};

} // namespace geolens
