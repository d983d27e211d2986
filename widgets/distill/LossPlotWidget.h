#pragma once

#include "MetricsLog.h"
#include "MetricsSeriesModel.h"

#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <optional>
#include <vector>

class QCheckBox;
class QCPAxis;
class QCPAxisRect;
class QCPGraph;
class QCPItemText;
class QCPItemTracer;
class QCustomPlot;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QSlider;
class QToolButton;

namespace geolens {

// The curves of a distillation run as its metrics.jsonl grows (see MetricsLog).
//
// Two axis rects share the step axis, so that a zoom or pan moves both:
//  - the upper one holds the losses (total, each term, training and validation reverse KL,
//    validation loss, gradient norm) on the left axis, which can be logarithmic, and the learning
//    rate on the right axis, because the schedule explains most bends of the loss;
//  - the lower one holds throughput (tokens per second, student answer length) on the left axis
//    and memory (GPU peak, process resident) in GB on the right, whose scales have nothing in
//    common with a loss.
// Step series are drawn twice: the raw points as a faint line and their exponential moving
// average on top. Evaluations are few and each already averages a whole validation set, so they
// are drawn unsmoothed with a marker on every point. Other runs can be overlaid for comparison
// as dashed lines of the same colour. The log is not owned. Which series there are, their titles,
// axes, colours and visibility, and the compared runs are the MetricsSeriesModel's; this widget
// draws them with QCustomPlot.
class LossPlotWidget : public QWidget {
    Q_OBJECT

public:
    using Axis = MetricsSeriesModel::Axis;

    explicit LossPlotWidget(QWidget *parent = nullptr);
    ~LossPlotWidget() override;

    void setMetricsLog(MetricsLog *log);
    MetricsLog *metricsLog() const { return model_.metricsLog(); }
    const MetricsSeriesModel &seriesModel() const { return model_; }

    // Overlays another run's curves, named label in the legend; a label already there is replaced.
    void addComparisonRun(const QString &label, MetricsLog *log);
    void removeComparisonRun(const QString &label);
    QStringList comparisonRuns() const { return model_.comparisonRuns(); }

    // Series keys (as in metrics.jsonl) in list order: every plottable series of this run and of
    // the compared runs.
    QStringList seriesNames() const { return model_.seriesNames(); }
    bool isSeriesVisible(const QString &name) const { return model_.isSeriesVisible(name); }
    // Shows or hides a series as the user chose: the defaults no longer change it.
    void setSeriesVisible(const QString &name, bool visible);
    // Whether every point of a series (in this run and the compared ones) is zero, as the GPU
    // memory of a run on the CPU is. Such a series is hidden until the user shows it: drawn, it
    // would only make its axis a meaningless +-1e-9 around a flat line.
    bool isSeriesAllZero(const QString &name) const { return model_.isSeriesAllZero(name); }
    // The axis a series is drawn against.
    static Axis axisFor(const QString &name) { return MetricsSeriesModel::axisFor(name); }
    // The name a series has in the list and legend.
    static QString seriesTitle(const QString &name) { return MetricsSeriesModel::seriesTitle(name); }

    // The weight of the past in the moving average, 0 (no smoothing) .. 0.99.
    double smoothing() const { return model_.smoothing(); }
    void setSmoothing(double factor);
    bool logScale() const { return logScale_; }
    void setLogScale(bool on);

    // s[0] = v[0], s[i] = factor * s[i-1] + (1 - factor) * v[i].
    static QVector<double> exponentialMovingAverage(const QVector<double> &values, double factor)
    {
        return MetricsSeriesModel::exponentialMovingAverage(values, factor);
    }

    // A width or height of 0 means the widget's own size (or 1200 x 800 before it was laid out).
    bool savePng(const QString &path, int width = 0, int height = 0, QString *error = nullptr);
    bool savePdf(const QString &path, int width = 0, int height = 0, QString *error = nullptr);
    // The step and one column per listed series of this run, raw values, one row per step that
    // has any value; a series without a point at that step leaves its cell empty.
    QString csv() const { return model_.csv(); }
    bool saveCsv(const QString &path, QString *error = nullptr) const;

    // What hovering at pos (in plot widget pixels) shows: the nearest visible point's series,
    // step and value; empty when no point is within reach.
    QString describePointNear(const QPointF &pos) const;
    QString hoverText() const;
    // The full name of the legend entry at pos (plot widget pixels): compared runs' names are
    // elided in the legend.
    QString legendEntryAt(const QPointF &pos) const;

    QCustomPlot *plot() const { return plot_; }
    QCPAxis *axis(Axis axis) const;
    // The line of a series of this run (smoothed where it is smoothed), its raw points, and a
    // compared run's line; null when there is none.
    QCPGraph *graph(const QString &name) const;
    QCPGraph *rawGraph(const QString &name) const;
    QCPGraph *comparisonGraph(const QString &label, const QString &name) const;

public slots:
    // Takes in whatever the logs hold now and draws it at once.
    void refresh();

signals:
    void seriesVisibilityChanged(const QString &name, bool visible);

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    // What draws row i of the model: its raw points, its (smoothed) line and its list item.
    struct SeriesGraphs {
        QCPGraph *raw = nullptr;
        QCPGraph *line = nullptr;
        QListWidgetItem *item = nullptr;
    };
    // The dashed lines of a compared run, by series name.
    struct ComparisonGraphs {
        QString label;
        std::vector<std::pair<QString, QCPGraph *>> graphs;
    };
    struct Nearest {
        QCPGraph *graph = nullptr;
        double step = 0.0;
        double value = 0.0;
        QString text;
    };

    void retranslate();
    void buildControls();
    void buildPlot();
    void clearSeries();
    void seriesInserted(int row);
    void comparisonRemoved(const QString &label);
    void syncSeries();
    const SeriesGraphs *graphsOf(const QString &name) const;
    QCPGraph *newGraph(Axis axis);
    void updateData();
    void applyVisibility(int row);
    void updateItems();
    void rebuildLegend();
    // As many legend columns as the widest entry allows in the plot's width.
    void fitLegendColumns();
    // "run: series" with the run's label elided for the legend; the full name is kept for hover.
    void nameComparisonGraph(QCPGraph *graph, const QString &label, const QString &name);
    void applyLogScale();
    void rescaleIfFollowing();
    void updateHover(const QPointF &pos);
    void hideHover();
    std::optional<Nearest> nearestPoint(const QPointF &pos) const;
    void exportWithDialog(int format);

    MetricsSeriesModel model_;
    std::vector<SeriesGraphs> series_; // parallel to the model's rows
    std::vector<ComparisonGraphs> comparisons_;
    bool logScale_ = false;
    // The view follows new steps until the user drags or zooms; a double-click follows again.
    bool following_ = true;
    bool syncingRanges_ = false;

    QCustomPlot *plot_;
    QCPAxisRect *lossRect_;
    QCPAxisRect *resourceRect_;
    QCPItemTracer *tracer_;
    QCPItemText *hoverLabel_;
    QListWidget *list_;
    QLabel *seriesTitle_;
    QLabel *smoothingLabel_;
    QLabel *smoothingValue_;
    QSlider *smoothingSlider_;
    QCheckBox *logScaleBox_;
    QToolButton *export_;
};

} // namespace geolens
