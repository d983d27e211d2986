#pragma once

#include "MetricsLog.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QVector>

#include <utility>
#include <vector>

namespace geolens {

// What the loss plot shows of one or more metrics logs, without drawing anything: the series met
// in the logs with their titles, axes, colours and visibility, the runs compared with this one,
// the smoothing of the step series and the CSV of the data.
//
// Series are listed in a fixed order (the total loss, then its terms, then what explains them,
// then keys a newer writer adds, in the order they appeared). A series is visible by default
// unless it is one only wanted when something looks wrong, or every point of it is zero (the GPU
// memory of a run on the CPU: drawn, it would only make its axis a meaningless +-1e-9 around a
// flat line); once the user shows or hides it, the defaults no longer change it. The logs are not
// owned. Plain QtCore, so that it can be tested without a plot.
class MetricsSeriesModel : public QObject {
    Q_OBJECT

public:
    enum class Axis { Loss, LearningRate, Throughput, Memory };

    struct Series {
        QString name; // the key in metrics.jsonl
        MetricsLog::RecordKind kind = MetricsLog::RecordKind::Step;
        unsigned colour = 0; // 0xRRGGBB
        bool visible = true;
        // Set once the user shows or hides the series; until then it follows its default.
        bool userChosen = false;
        bool allZero = false;
    };

    // The weight of the past in the moving average goes from 0 (no smoothing) to this.
    static constexpr double MaxSmoothing = 0.99;

    explicit MetricsSeriesModel(QObject *parent = nullptr);
    ~MetricsSeriesModel() override;

    // Follows another log: every series is dropped (seriesCleared()) and taken in again at the
    // next sync().
    void setMetricsLog(MetricsLog *log);
    MetricsLog *metricsLog() const { return log_; }

    // Compares another run, named label; a label already there is replaced. The run is dropped
    // (comparisonRemoved()) when its log is destroyed.
    void addComparisonRun(const QString &label, MetricsLog *log);
    void removeComparisonRun(const QString &label);
    QStringList comparisonRuns() const;
    MetricsLog *comparisonLog(const QString &label) const;

    // Takes in what the logs hold now: each series met for the first time is inserted in its
    // place (seriesInserted()), and every series' all-zero flag and default visibility are
    // brought up to date.
    void sync();

    int count() const { return static_cast<int>(series_.size()); }
    const Series &at(int row) const { return series_[static_cast<std::size_t>(row)]; }
    // -1 for a series that is not there.
    int indexOf(const QString &name) const;
    QStringList seriesNames() const;
    bool isSeriesVisible(const QString &name) const;
    bool isSeriesAllZero(const QString &name) const;
    // Shows or hides a series as the user chose. False when there is no such series or it
    // already was so; it counts as the user's choice either way.
    bool setSeriesVisible(const QString &name, bool visible);
    // What the list says about a series: its key, and why it is hidden when it is all zero.
    QString toolTip(const Series &series) const;

    double smoothing() const { return smoothing_; }
    // Clamped to 0 .. MaxSmoothing; false when that is the smoothing already.
    bool setSmoothing(double factor);

    // The step series and the evaluation series without a step series of the same name of a
    // log, in the log's order; the step and elapsed seconds are no curves.
    static std::vector<std::pair<QString, MetricsLog::RecordKind>> plottableSeries(const MetricsLog *log);
    // Whether a compared log has a step series of that name (else it is drawn from evaluations).
    static MetricsLog::RecordKind kindIn(const MetricsLog *log, const QString &name);

    // The axis a series is drawn against.
    static Axis axisFor(const QString &name);
    // The name a series has in the list and legend.
    static QString seriesTitle(const QString &name);
    // s[0] = v[0], s[i] = factor * s[i-1] + (1 - factor) * v[i].
    static QVector<double> exponentialMovingAverage(const QVector<double> &values, double factor);
    // An integer without decimals, anything else in the shortest text that reads back the same.
    static QString formatNumber(double value);

    // The step and one column per listed series of this run, raw values, one row per step that
    // has any value; a series without a point at that step leaves its cell empty.
    QString csv() const;

signals:
    // Every series was dropped.
    void seriesCleared();
    // A series was inserted at row.
    void seriesInserted(int row);
    // A compared run was dropped, by removeComparisonRun() or because its log was destroyed.
    void comparisonRemoved(const QString &label);
    // A log gained or lost records, or a compared run came or went: what is drawn is stale.
    void logsChanged();

private:
    struct Comparison {
        QString label;
        QPointer<MetricsLog> log;
        std::vector<QMetaObject::Connection> connections;
    };

    void insertSeries(const QString &name, MetricsLog::RecordKind kind);
    void updateDefaultVisibility();
    bool defaultVisibility(const Series &series) const;
    Series *find(const QString &name);
    const Series *find(const QString &name) const;

    QPointer<MetricsLog> log_;
    std::vector<QMetaObject::Connection> logConnections_;
    std::vector<Series> series_;
    std::vector<Comparison> comparisons_;
    double smoothing_ = 0.6;
};

} // namespace geolens
