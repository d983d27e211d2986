#include "DistillationWindows.h"

#include "TileClassifierRunWindow.h"
#include "TileClassifierWizard.h"
#include "WindowGeometry.h"
#include "raster/RasterDataset.h"

#include "AnalysisLayer.h"
#include "DisplayPanel.h"
#include "DistillRunMonitor.h"
#include "DistillWizard.h"
#include "EvaluateDialog.h"
#include "EvaluationReportWindow.h"
#include "MapCanvas.h"
#include "ModelComparisonDialog.h"
#include "TileGridOverlay.h"
#include "AnalysisSession.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>

namespace geolens {

namespace {

const char *const LastRunKey = "distill/lastRun";
const char *const LastReportKey = "evaluate/lastReport";

} // namespace

DistillationWindows::DistillationWindows(QWidget *window, AnalysisSession *session, MapCanvas *canvas,
                                         TileGridOverlay *grid, AnalysisLayer *layer, DisplayPanel *display)
    : QObject(window), window_(window), session_(session), canvas_(canvas), grid_(grid), layer_(layer), display_(display)
{
}

DistillRunMonitor *DistillationWindows::ensureMonitor()
{
    if (!monitor_) {
        monitor_ = new DistillRunMonitor(window_);
        monitor_->setWindowFlag(Qt::Window);
        WindowGeometry::remember(monitor_, QStringLiteral("distillMonitor/geometry"), QSize(1100, 760));
        connect(monitor_, &DistillRunMonitor::compareModelsRequested, this,
                [this](const QString &teacher, const QString &student) { showComparison(teacher, student); });
        connect(monitor_, &DistillRunMonitor::evaluateModelsRequested, this,
                [this](const QString &teacher, const QString &student) { showEvaluation({student, teacher}); });
        connect(monitor_, &DistillRunMonitor::openModelRequested, this, &DistillationWindows::openModelRequested);
    }
    return monitor_;
}

ModelComparisonDialog *DistillationWindows::ensureComparison()
{
    if (!comparison_) {
        comparison_ = new ModelComparisonDialog(window_);
        connect(comparison_, &ModelComparisonDialog::mapResultsChanged, this,
                [this](const std::vector<TileLabel> &labels, const std::vector<MapBox> &boxes) {
                    // The comparison takes the map's analysis layer over; the results list and
                    // its export keep what the analysis tasks found.
                    layer_->setTileLabels(labels);
                    layer_->setBoxes(boxes);
                });
        connect(comparison_, &ModelComparisonDialog::comparisonFinished, this, [this](bool ok) {
            emit comparisonFinished(ok, ok ? QString() : comparison_->problem());
        });
        connect(grid_, &TileGridOverlay::selectionChanged, comparison_, [this](const QList<int> &ids) {
            if (comparison_->isVisible() && !comparison_->isRunning())
                comparison_->setTiles(ids);
        });
    }
    return comparison_;
}

void DistillationWindows::showComparison(const QString &teacherFolder, const QString &studentFolder)
{
    ModelComparisonDialog *dialog = ensureComparison();
    if (!dialog->isRunning()) {
        if (session_->raster())
            dialog->setRaster(session_->raster(), canvas_->displaySettings(), display_->overlapPercent() / 100.0);
        dialog->setTiles(grid_->selectedTiles());
        dialog->setModels(teacherFolder, studentFolder.isEmpty() ? session_->modelFolder() : studentFolder);
        ModelLoadOptions options;
        options.imageSize = session_->modelOptions().imageSize;
        options.threads = session_->modelOptions().threads;
        dialog->setLoadOptions(options);
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
}

bool DistillationWindows::startComparison(const QString &teacherFolder, const QString &studentFolder,
                                          ComparisonTask::Kind task, const QString &text)
{
    showComparison(teacherFolder, studentFolder);
    comparison_->setTask(task, text);
    return comparison_->start();
}

void DistillationWindows::showMonitor()
{
    monitor_->show();
    monitor_->raise();
}

void DistillationWindows::startWizard()
{
    DistillWizard wizard(window_);
    bool classifierChosen = false;
    connect(&wizard, &DistillWizard::tileClassifierRequested, this, [&] { classifierChosen = true; });
    if (wizard.exec() != QDialog::Accepted) {
        if (classifierChosen)
            startTileClassifier();
        return;
    }
    const DistillConfig config = wizard.config();
    const QString runDir = QString::fromStdString(config.out);
    const QString runFile = QString::fromStdString(DistillConfig::runFilePath(config.out));
    try {
        QDir().mkpath(runDir);
        config.save(runFile.toStdString());
    } catch (const std::exception &e) {
        emit failed(tr("The run could not be started"), tr("The run configuration could not be written to %1.").arg(runFile),
                    QString::fromStdString(e.what()));
        return;
    }
    QSettings().setValue(LastRunKey, runDir);
    DistillRunMonitor *monitor = ensureMonitor();
    if (!monitor->start(DistillWizard::runArguments(config), runDir, wizard.gpuCount())) {
        emit failed(tr("The run could not be started"), tr("geolens-cli distill did not start."), monitor->errorString());
        return;
    }
    showMonitor();
}

void DistillationWindows::startTileClassifier()
{
    TileClassifierWizard wizard(window_);
    if (session_->raster())
        wizard.setSource(QString::fromStdString(session_->raster()->path()));
    if (!session_->modelFolder().isEmpty())
        wizard.setTeacher(session_->modelFolder());
    if (wizard.exec() != QDialog::Accepted)
        return;
    if (!classifierRun_) {
        classifierRun_ = new TileClassifierRunWindow(window_);
        classifierRun_->setWindowFlag(Qt::Window);
        WindowGeometry::remember(classifierRun_, QStringLiteral("tileClassifierRun/geometry"), QSize(900, 700));
        connect(classifierRun_, &TileClassifierRunWindow::labelTilesRequested, this,
                &DistillationWindows::labelWithClassifierRequested);
    }
    if (!classifierRun_->start(wizard.commands(), wizard.targetsFolder(), wizard.runFolder())) {
        emit failed(tr("The run could not be started"), tr("The tile classifier's run did not start."),
                    classifierRun_->errorString());
        return;
    }
    classifierRun_->show();
    classifierRun_->raise();
}

void DistillationWindows::openRun(const QString &runDir)
{
    DistillRunMonitor *monitor = ensureMonitor();
    if (!monitor->openRunFolder(runDir)) {
        emit failed(tr("Open Distillation Run"), tr("The folder cannot be shown as a distillation run."),
                    monitor->errorString());
        return;
    }
    QSettings().setValue(LastRunKey, runDir);
    showMonitor();
}

void DistillationWindows::chooseRun()
{
    const QString dir =
        QFileDialog::getExistingDirectory(window_, tr("Open Distillation Run"), QSettings().value(LastRunKey).toString());
    if (!dir.isEmpty())
        openRun(dir);
}

void DistillationWindows::showEvaluation(const QStringList &modelFolders)
{
    if (!evaluate_) {
        evaluate_ = new EvaluateDialog(window_);
        connect(evaluate_, &EvaluateDialog::reportReady, this, [this](const QString &dir) { openEvaluationReport(dir); });
    }
    if (!modelFolders.isEmpty() && !evaluate_->isRunning()) {
        QStringList folders;
        for (const QString &folder : modelFolders)
            if (!folder.isEmpty())
                folders << folder;
        evaluate_->setModels(folders);
    }
    evaluate_->show();
    evaluate_->raise();
    evaluate_->activateWindow();
}

EvaluationReportWindow *DistillationWindows::openEvaluationReport(const QString &reportDir)
{
    const QString key = QDir::cleanPath(QFileInfo(reportDir).absoluteFilePath());
    QSettings().setValue(LastReportKey, key);
    EvaluationReportWindow *report = reports_.value(key);
    if (report) {
        // Finished since it was opened, perhaps: read it again.
        report->setFolder(key);
    } else {
        report = new EvaluationReportWindow(key, window_);
        report->setAttribute(Qt::WA_DeleteOnClose);
        reports_.insert(key, report);
    }
    report->show();
    report->raise();
    report->activateWindow();
    return report;
}

void DistillationWindows::chooseEvaluationReport()
{
    const QString dir = QFileDialog::getExistingDirectory(window_, tr("Open Evaluation Report"),
                                                          QSettings().value(LastReportKey).toString());
    if (!dir.isEmpty())
        openEvaluationReport(dir);
}

} // namespace geolens
