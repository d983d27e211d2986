#pragma once

#include "analysis/ModelComparisonJob.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

class QWidget;

namespace geolens {

class AnalysisLayer;
class AnalysisSession;
class DisplayPanel;
class DistillRunMonitor;
class TileClassifierRunWindow;
class EvaluateDialog;
class EvaluationReportWindow;
class MapCanvas;
class ModelComparisonDialog;
class TileGridOverlay;

// The workbench's distillation windows, each made when first needed: the run monitor (a window of
// its own: a run goes on when it is closed, and reopening its folder reattaches to it), the
// wizard that starts a run, and the teacher-student comparison, which works on the tiles selected
// on the map and draws on its analysis layer; and the evaluation dialog with the report windows it
// opens, one per report folder.
class DistillationWindows : public QObject {
    Q_OBJECT

public:
    DistillationWindows(QWidget *window, AnalysisSession *session, MapCanvas *canvas, TileGridOverlay *grid,
                        AnalysisLayer *layer, DisplayPanel *display);

    DistillRunMonitor *monitor() const { return monitor_; }
    ModelComparisonDialog *comparison() const { return comparison_; }
    EvaluateDialog *evaluateDialog() const { return evaluate_; }

    // The wizard, then its run in the monitor.
    void startWizard();
    // The multi-aspect method's wizard (the open raster and the loaded model as its first
    // choices), then its steps in the run window.
    void startTileClassifier();
    TileClassifierRunWindow *classifierRun() const { return classifierRun_; }
    // Shows a run folder (running, stopped or finished) in the monitor.
    void openRun(const QString &runDir);
    // Asks for a run folder, then opens it.
    void chooseRun();
    // Folders left empty keep what the window had; the loaded model is the likely student.
    void showComparison(const QString &teacherFolder = QString(), const QString &studentFolder = QString());
    // Shows the comparison and starts it at once; false when it could not start.
    bool startComparison(const QString &teacherFolder, const QString &studentFolder, ComparisonTask::Kind task,
                         const QString &text);

    // The evaluation dialog; models not empty replace its model folders (the run monitor gives the
    // student, then the teacher).
    void showEvaluation(const QStringList &modelFolders = QStringList());
    // A report folder in a window of its own, the one already showing it if there is one.
    EvaluationReportWindow *openEvaluationReport(const QString &reportDir);
    // Asks for a report folder, then opens it.
    void chooseEvaluationReport();

signals:
    void comparisonFinished(bool ok, const QString &problem);
    void openModelRequested(const QString &folder);
    void labelWithClassifierRequested(const QString &classifierFolder);
    void failed(const QString &title, const QString &summary, const QString &details);

private:
    DistillRunMonitor *ensureMonitor();
    ModelComparisonDialog *ensureComparison();
    void showMonitor();

    QWidget *window_;
    AnalysisSession *session_;
    MapCanvas *canvas_;
    TileGridOverlay *grid_;
    AnalysisLayer *layer_;
    DisplayPanel *display_;
    DistillRunMonitor *monitor_ = nullptr;       // children of the window
    TileClassifierRunWindow *classifierRun_ = nullptr;
    ModelComparisonDialog *comparison_ = nullptr;
    EvaluateDialog *evaluate_ = nullptr;
    // Deleted when closed; keyed by the report folder's clean absolute path.
    QHash<QString, QPointer<EvaluationReportWindow>> reports_;
};

} // namespace geolens
