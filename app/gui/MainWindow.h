#pragma once

#include "AnalysisSession.h"
#include "analysis/BoxAnalysisJob.h"
#include "analysis/ModelComparisonJob.h"
#include "analysis/SceneLabelJob.h"
#include "geometry/RotatedBox.h"
#include "model/GeoChatModel.h"
#include "raster/DisplaySettings.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;

namespace geolens {

class AnalysisLayer;
class AnalysisTasks;
class DistillRunMonitor;
class DistillationWindows;
class ModelComparisonDialog;
class ChatPanel;
class CoordinateStatusWidget;
class ResultsPanel;
class CoordinateTransformer;
class DisplayPanel;
class LanguageSwitcher;
class MapCanvas;
class ModelStatusLabel;
class RasterDataset;
class RasterInfoPanel;
class RasterTasks;
class RecentFilesMenu;
class TaskRunner;
class TileGridOverlay;

// The workbench window: menus, docks and the status bar, wired to the AnalysisSession (what is
// open and found), the RasterTasks (opening, stretching, tiles, overviews), the AnalysisTasks (the
// model's work) and one TaskRunner that runs every job.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(LanguageSwitcher *languages, QWidget *parent = nullptr);
    ~MainWindow() override;

    MapCanvas *canvas() const { return canvas_; }
    TileGridOverlay *tileGrid() const { return grid_; }
    DisplayPanel *displayPanel() const { return display_; }
    RasterInfoPanel *infoPanel() const { return info_; }
    AnalysisSession *session() const { return session_; }
    TaskRunner *taskRunner() const { return runner_; }
    std::shared_ptr<const RasterDataset> raster() const { return session_->raster(); }
    QString georeferenceNotice() const;
    QString coordinateText() const; // pixel, map and lon/lat read-outs, for tests
    std::shared_ptr<GeoChatModel> model() const { return session_->model(); }
    AnalysisLayer *analysisLayer() const { return analysis_; }
    ChatPanel *chatPanel() const { return chat_; }
    ResultsPanel *resultsPanel() const { return resultsPanel_; }
    std::size_t chatTurns() const { return session_->chat().turns(); }
    const std::vector<AnalysisFeature> &results() const { return session_->results(); }

public slots:
    // Opens in the background; emits rasterOpened or openFailed.
    void openRaster(const QString &path);
    void closeRaster();
    // Writes the selected tiles (or all) to dir in the background; emits tileExportFinished.
    void startTileExport(const QString &dir);
    // Builds FILE.ovr for the open raster in the background, then reopens it.
    void startOverviewBuild();
    // Loads a model folder in the background; emits modelLoaded or modelLoadFailed.
    void loadModel(const QString &folder, const geolens::ModelLoadOptions &options = {});
    // Scene labels for the selected tiles (all when none is selected), in the background.
    void startSceneLabels(const geolens::SceneLabelOptions &options);
    // Labels with a trained tile classifier's folder; needs a raster only.
    void startClassifierLabels(const QString &classifierFolder);
    // [refer] for the selected tiles (all when none), boxes drawn on the map.
    void startFindObjects(const QString &query);
    // [grounding] for the selected tiles (all when none): boxes around what the model describes.
    void startGrounding();
    bool exportResults(const QString &path); // false when nothing was written
    // Asks the model about the selected tile (exactly one) or the view; the answer streams into
    // the chat panel and its boxes are drawn. Emits chatAnswered.
    void askChat(const QString &question);
    void stopChat();
    // A caption for a region of the raster (pixels), drawn on the map.
    void startRegionCaption(const geolens::RotatedBox &region);
    // The same for a rectangle drawn on the map, turned about its centre.
    void startRegionCaption(const QRectF &rasterRect, double angleDegrees);
    // The distillation wizard, then its run in the monitor window.
    void startDistillationWizard();
    // Shows a run folder (running, stopped or finished) in the monitor window.
    void openDistillationRun(const QString &runDir);
    DistillRunMonitor *distillRunMonitor() const;
    // The window that runs a teacher and a student side by side on the selected tiles; folders
    // left empty keep what the window had. It follows the tile selection while it is open.
    void showModelComparison(const QString &teacherFolder = QString(), const QString &studentFolder = QString());
    // Shows the window and starts the comparison at once (the command line's --compare-with);
    // emits analysisFinished when it ends. False when it could not start.
    bool startModelComparison(const QString &teacherFolder, const QString &studentFolder, ComparisonTask::Kind task,
                              const QString &text);
    ModelComparisonDialog *modelComparison() const;
    // The distillation and evaluation windows behind the Distillation menu.
    DistillationWindows *distillationWindows() const { return distillation_; }
    void showCursorPosition(const QPointF &rasterPos);

signals:
    void rasterOpened(const QString &path);
    void openFailed(const QString &message);
    void tileExportFinished(bool ok, const QString &message);
    void overviewBuildFinished(bool ok);
    void modelLoaded(const QString &folder);
    void modelLoadFailed(const QString &message);
    void analysisFinished(bool ok, const QString &message);
    void chatAnswered(const QString &answer);

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void connectSession();
    void createMenus();
    void createDocks();
    void createStatusBar();
    void retranslate();
    void showOpenedRaster(const QString &path, const DisplaySettings &settings);
    void showModel();
    void updateGrid(double overlap);
    void chooseOpenFile();
    void chooseExportDir();
    void showAbout();
    void showResults();
    double overlap() const;
    void showError(const QString &title, const QString &summary, const QString &details);

    LanguageSwitcher *languages_;
    MapCanvas *canvas_;
    TileGridOverlay *grid_;
    RasterInfoPanel *info_;
    DisplayPanel *display_;
    QDockWidget *infoDock_;
    QDockWidget *displayDock_;
    QDockWidget *chatDock_;
    QDockWidget *resultsDock_;
    ResultsPanel *resultsPanel_;
    ChatPanel *chat_;

    QMenu *fileMenu_, *viewMenu_, *languageMenu_, *helpMenu_;
    QAction *openAction_, *exportAction_, *overviewsAction_, *closeAction_, *quitAction_;
    QAction *zoomInAction_, *zoomOutAction_, *zoomFitAction_, *zoomNativeAction_, *gridAction_,
        *clearSelectionAction_;
    QAction *aboutAction_;
    QActionGroup *languageGroup_;
    QAction *systemLanguageAction_;

    RecentFilesMenu *recentMenu_;
    CoordinateStatusWidget *coordinates_;
    ModelStatusLabel *modelLabel_;
    QProgressBar *busyBar_;

    AnalysisSession *session_;
    TaskRunner *runner_;
    AnalysisLayer *analysis_;
    AnalysisTasks *tasks_ = nullptr; // made once the chat panel is
    RasterTasks *rasterTasks_ = nullptr;
    DistillationWindows *distillation_ = nullptr;
};

} // namespace geolens
