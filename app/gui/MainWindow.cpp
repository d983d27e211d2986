#include "MainWindow.h"

#include "AnalysisLayer.h"
#include "AnalysisMenu.h"
#include "AnalysisTasks.h"
#include "ChatPanel.h"
#include "CoordinateStatusWidget.h"
#include "DisplayPanel.h"
#include "DistillationMenu.h"
#include "DistillationWindows.h"
#include "LanguageSwitcher.h"
#include "MapCanvas.h"
#include "ModelStatusLabel.h"
#include "RasterInfoPanel.h"
#include "RasterTasks.h"
#include "RecentFilesMenu.h"
#include "ResultsPanel.h"
#include "TileGridOverlay.h"
#include "TaskRunner.h"
#include "WindowGeometry.h"
#include "geometry/TileGrid.h"
#include "raster/CoordinateTransformer.h"
#include "raster/OverviewBuildJob.h"
#include "raster/RasterDataset.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>


namespace geolens {

namespace {

const char *const OverlapKey = "tiles/overlapPercent";
const char *const GridVisibleKey = "tiles/gridVisible";
const char *const GeometryKey = "window/geometry";
const char *const OpacityKey = "analysis/labelOpacity";
const char *const StateKey = "window/state";

QString rasterFileFilter()
{
    return QObject::tr("Rasters (*.tif *.tiff *.gtiff *.vrt *.jp2 *.j2k *.png *.jpg *.jpeg *.img *.ecw *.nc *.hdf);;All files (*)");
}

// An action at the end of menu; retranslate() gives it its text.
QAction *addMenuAction(QMenu *menu, const QKeySequence &shortcut)
{
    QAction *action = menu->addAction(QString());
    action->setShortcut(shortcut);
    return action;
}

template <typename Receiver, typename Slot>
QAction *addMenuAction(QMenu *menu, const QKeySequence &shortcut, Receiver *receiver, Slot slot)
{
    QAction *action = addMenuAction(menu, shortcut);
    QObject::connect(action, &QAction::triggered, receiver, slot);
    return action;
}

// A dock around content (its name keeps its place in the saved window state), shown or hidden
// from the View menu.
QDockWidget *addDock(QMainWindow *window, QMenu *viewMenu, QWidget *content, const char *name, Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(window);
    dock->setObjectName(QLatin1String(name));
    dock->setWidget(content);
    window->addDockWidget(area, dock);
    viewMenu->addAction(dock->toggleViewAction());
    return dock;
}

} // namespace

MainWindow::MainWindow(LanguageSwitcher *languages, QWidget *parent)
    : QMainWindow(parent), languages_(languages), canvas_(new MapCanvas(this)), grid_(new TileGridOverlay(this)),
      session_(new AnalysisSession(this)), runner_(new TaskRunner(this, this)), analysis_(new AnalysisLayer(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setCentralWidget(canvas_);
    canvas_->addOverlay(analysis_);
    canvas_->addOverlay(grid_);
    createMenus();
    createDocks();
    createStatusBar();
    tasks_ = new AnalysisTasks(session_, runner_, canvas_, grid_, analysis_, chat_, this);
    rasterTasks_ = new RasterTasks(session_, runner_, this);
    distillation_ = new DistillationWindows(this, session_, canvas_, grid_, analysis_, display_);
    // Between View and Language.
    auto *analysisMenu = new AnalysisMenu(session_, tasks_, canvas_, grid_, analysis_, this);
    menuBar()->insertMenu(languageMenu_->menuAction(), analysisMenu);
    // Without a model, the Chat and Results panes and the status bar lead to the Load Model dialog.
    connect(chat_, &ChatPanel::loadModelRequested, analysisMenu, &AnalysisMenu::chooseModelFolder);
    connect(resultsPanel_, &ResultsPanel::loadModelRequested, analysisMenu, &AnalysisMenu::chooseModelFolder);
    connect(modelLabel_, &ModelStatusLabel::clicked, analysisMenu, &AnalysisMenu::chooseModelFolder);
    menuBar()->insertMenu(languageMenu_->menuAction(), new DistillationMenu(distillation_, this));
    connectSession();
    retranslate();

    QSettings settings;
    display_->setOverlapPercent(settings.value(OverlapKey, 0).toInt());
    display_->setResultOpacityPercent(settings.value(OpacityKey, 45).toInt());
    analysis_->setOpacity(settings.value(OpacityKey, 45).toInt() / 100.0);
    const bool gridVisible = settings.value(GridVisibleKey, true).toBool();
    grid_->setVisible(gridVisible);
    gridAction_->setChecked(gridVisible);
    display_->setGridVisible(gridVisible);
    if (!restoreGeometry(settings.value(GeometryKey).toByteArray()))
        resize(WindowGeometry::fitted(QSize(1280, 800), screen() ? screen()->availableGeometry() : QRect(0, 0, 1280, 800)));
    WindowGeometry::keepOnScreen(this);
    restoreState(settings.value(StateKey).toByteArray());

    connect(canvas_, &MapCanvas::cursorMoved, this, &MainWindow::showCursorPosition);
    connect(canvas_, &MapCanvas::cursorMoved, this, [this](const QPointF &p) {
        const QString legend = analysis_->legendTextAt(*canvas_, canvas_->rasterToWidget(p));
        canvas_->setToolTip(legend.isEmpty() ? analysis_->describeAt(p) : legend);
    });
    connect(analysis_, &AnalysisLayer::changed, canvas_, qOverload<>(&QWidget::update));
    connect(chat_, &ChatPanel::questionAsked, this, &MainWindow::askChat);
    connect(chat_, &ChatPanel::stopRequested, this, &MainWindow::stopChat);
    connect(chat_, &ChatPanel::cleared, this, [this] { session_->chat().clear(); });
    connect(canvas_, &MapCanvas::regionSelected, this, qOverload<const QRectF &, double>(&MainWindow::startRegionCaption));
    connect(canvas_, &MapCanvas::regionAngleChanged, this, [this](double angle) {
        statusBar()->showMessage(tr("Region turned by %1 degrees").arg(angle, 0, 'f', 0), 3000);
    });
    connect(resultsPanel_, &ResultsPanel::zoomRequested, canvas_, &MapCanvas::zoomToRect);
    connect(canvas_, &MapCanvas::cursorLeft, coordinates_, &CoordinateStatusWidget::clearCursorPosition);
    connect(canvas_, &MapCanvas::clicked, grid_, &TileGridOverlay::handleClick);
    connect(canvas_, &MapCanvas::viewChanged, this, [this] { coordinates_->showScale(canvas_->scale()); });
    connect(canvas_, &MapCanvas::fileDropped, this, &MainWindow::openRaster);
    connect(canvas_, &MapCanvas::renderFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Some pixels could not be read: %1").arg(message), 15000);
    });
    connect(grid_, &TileGridOverlay::changed, canvas_, qOverload<>(&QWidget::update));
    connect(grid_, &TileGridOverlay::selectionChanged, this, [this](const QList<int> &ids) {
        display_->setSelectionCount(ids.size());
        clearSelectionAction_->setEnabled(!ids.isEmpty());
    });
    connect(display_, &DisplayPanel::displaySettingsEdited, this, [this](const DisplaySettings &requested) {
        if (!raster())
            return;
        display_->showSettings(requested);
        rasterTasks_->completeDisplay(requested);
    });
    connect(display_, &DisplayPanel::overlapChanged, this, [this](double overlap) {
        QSettings().setValue(OverlapKey, display_->overlapPercent());
        updateGrid(overlap);
    });
    connect(display_, &DisplayPanel::gridVisibilityChanged, gridAction_, &QAction::setChecked);
    connect(display_, &DisplayPanel::clearSelectionRequested, grid_, &TileGridOverlay::clearSelection);
    connect(display_, &DisplayPanel::resultOpacityChanged, this, [this](double opacity) {
        analysis_->setOpacity(opacity);
        QSettings().setValue(OpacityKey, qRound(opacity * 100));
    });
    connect(languages_, &LanguageSwitcher::languageChanged, this, [this] { retranslate(); });

    setAcceptDrops(false); // the canvas takes drops
    closeRaster();
}

MainWindow::~MainWindow() = default;

void MainWindow::connectSession()
{
    connect(session_, &AnalysisSession::rasterChanged, analysis_, &AnalysisLayer::clear);
    connect(session_, &AnalysisSession::modelChanged, this, &MainWindow::showModel);
    connect(session_, &AnalysisSession::resultsChanged, this, &MainWindow::showResults);
    connect(runner_, &TaskRunner::readingChanged, busyBar_, &QWidget::setVisible);
    connect(tasks_, &AnalysisTasks::modelLoaded, this, &MainWindow::modelLoaded);
    connect(tasks_, &AnalysisTasks::modelLoadFailed, this, &MainWindow::modelLoadFailed);
    connect(tasks_, &AnalysisTasks::analysisFinished, this, &MainWindow::analysisFinished);
    connect(tasks_, &AnalysisTasks::chatAnswered, this, &MainWindow::chatAnswered);
    connect(tasks_, &AnalysisTasks::failed, this, &MainWindow::showError);
    connect(tasks_, &AnalysisTasks::statusMessage, statusBar(), &QStatusBar::showMessage);
    connect(rasterTasks_, &RasterTasks::opened, this, &MainWindow::showOpenedRaster);
    connect(rasterTasks_, &RasterTasks::openFailed, this, &MainWindow::openFailed);
    connect(rasterTasks_, &RasterTasks::displayReady, this, [this](const DisplaySettings &settings) {
        canvas_->setDisplaySettings(settings);
        display_->showSettings(settings);
    });
    connect(rasterTasks_, &RasterTasks::tileExportFinished, this, &MainWindow::tileExportFinished);
    connect(rasterTasks_, &RasterTasks::overviewBuildFinished, this, &MainWindow::overviewBuildFinished);
    connect(rasterTasks_, &RasterTasks::failed, this, &MainWindow::showError);
    connect(rasterTasks_, &RasterTasks::statusMessage, statusBar(), &QStatusBar::showMessage);
    connect(distillation_, &DistillationWindows::comparisonFinished, this, &MainWindow::analysisFinished);
    connect(distillation_, &DistillationWindows::failed, this, &MainWindow::showError);
    connect(distillation_, &DistillationWindows::labelWithClassifierRequested, this, [this](const QString &folder) {
        tasks_->labelWithClassifier(folder);
        raise();
        activateWindow();
    });
    connect(distillation_, &DistillationWindows::openModelRequested, this, [this](const QString &folder) {
        loadModel(folder);
        raise();
        activateWindow();
    });
}

void MainWindow::createMenus()
{
    fileMenu_ = menuBar()->addMenu(QString());
    openAction_ = addMenuAction(fileMenu_, QKeySequence::Open, this, &MainWindow::chooseOpenFile);
    recentMenu_ = new RecentFilesMenu(this);
    fileMenu_->addMenu(recentMenu_);
    connect(recentMenu_, &RecentFilesMenu::openRequested, this, &MainWindow::openRaster);
    exportAction_ = addMenuAction(fileMenu_, QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::chooseExportDir);
    overviewsAction_ = addMenuAction(fileMenu_, QKeySequence(), this, &MainWindow::startOverviewBuild);
    fileMenu_->addSeparator();
    closeAction_ = addMenuAction(fileMenu_, QKeySequence::Close, this, &MainWindow::closeRaster);
    quitAction_ = addMenuAction(fileMenu_, QKeySequence::Quit, this, &QWidget::close);

    viewMenu_ = menuBar()->addMenu(QString());
    zoomInAction_ = addMenuAction(viewMenu_, QKeySequence::ZoomIn, canvas_, &MapCanvas::zoomIn);
    zoomInAction_->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    zoomOutAction_ = addMenuAction(viewMenu_, QKeySequence::ZoomOut, canvas_, &MapCanvas::zoomOut);
    zoomFitAction_ = addMenuAction(viewMenu_, QKeySequence(Qt::CTRL | Qt::Key_0), canvas_, &MapCanvas::zoomToFit);
    zoomNativeAction_ =
        addMenuAction(viewMenu_, QKeySequence(Qt::CTRL | Qt::Key_1), canvas_, &MapCanvas::zoomToNativeResolution);
    viewMenu_->addSeparator();
    gridAction_ = addMenuAction(viewMenu_, QKeySequence(Qt::Key_G));
    gridAction_->setCheckable(true);
    connect(gridAction_, &QAction::toggled, this, [this](bool on) {
        grid_->setVisible(on);
        display_->setGridVisible(on);
        QSettings().setValue(GridVisibleKey, on);
    });
    clearSelectionAction_ =
        addMenuAction(viewMenu_, QKeySequence(Qt::Key_Escape), grid_, &TileGridOverlay::clearSelection);
    viewMenu_->addSeparator(); // the docks follow

    languageMenu_ = menuBar()->addMenu(QString());
    languageGroup_ = new QActionGroup(this);
    languageGroup_->setExclusive(true);
    systemLanguageAction_ = new QAction(languageGroup_);
    systemLanguageAction_->setData(QString());
    for (const QString &code : LanguageSwitcher::availableLanguages())
        (new QAction(LanguageSwitcher::nativeName(code), languageGroup_))->setData(code);
    for (QAction *action : languageGroup_->actions()) {
        action->setCheckable(true);
        action->setChecked(action->data().toString() == languages_->requested());
    }
    connect(languageGroup_, &QActionGroup::triggered, this,
            [this](QAction *action) { languages_->apply(action->data().toString()); });
    languageMenu_->addActions(languageGroup_->actions());

    helpMenu_ = menuBar()->addMenu(QString());
    aboutAction_ = addMenuAction(helpMenu_, QKeySequence(), this, &MainWindow::showAbout);
}

void MainWindow::createDocks()
{
    info_ = new RasterInfoPanel(this);
    infoDock_ = addDock(this, viewMenu_, info_, "LayerDock", Qt::LeftDockWidgetArea);
    display_ = new DisplayPanel(this);
    displayDock_ = addDock(this, viewMenu_, display_, "DisplayDock", Qt::LeftDockWidgetArea);
    chat_ = new ChatPanel(this);
    chatDock_ = addDock(this, viewMenu_, chat_, "ChatDock", Qt::RightDockWidgetArea);
    resultsPanel_ = new ResultsPanel(this);
    resultsDock_ = addDock(this, viewMenu_, resultsPanel_, "ResultsDock", Qt::RightDockWidgetArea);
    tabifyDockWidget(chatDock_, resultsDock_);
    chatDock_->raise();
}

void MainWindow::createStatusBar()
{
    coordinates_ = new CoordinateStatusWidget(this);
    statusBar()->addPermanentWidget(coordinates_);
    modelLabel_ = new ModelStatusLabel(this);
    statusBar()->addPermanentWidget(modelLabel_);
    busyBar_ = new QProgressBar(this);
    busyBar_->setRange(0, 0);
    busyBar_->setMaximumWidth(120);
    busyBar_->hide();
    statusBar()->addPermanentWidget(busyBar_);
}

void MainWindow::retranslate()
{
    const QString name = raster() ? QFileInfo(QString::fromStdString(raster()->path())).fileName() : QString();
    setWindowTitle(name.isEmpty() ? tr("GeoLens") : tr("%1 - GeoLens").arg(name));
    fileMenu_->setTitle(tr("&File"));
    viewMenu_->setTitle(tr("&View"));
    languageMenu_->setTitle(tr("&Language"));
    helpMenu_->setTitle(tr("&Help"));
    openAction_->setText(tr("&Open Raster..."));
    openAction_->setToolTip(tr("Open a GeoTIFF, COG, VRT, JPEG2000, PNG or JPEG file"));
    exportAction_->setText(tr("&Export Tiles..."));
    exportAction_->setToolTip(tr("Write the selected tiles (or all tiles) as PNG files with a GeoJSON index"));
    overviewsAction_->setText(tr("Build &Overviews..."));
    overviewsAction_->setToolTip(tr("Write reduced-resolution copies beside the raster (FILE.ovr) so that zoomed-out views are fast"));
    closeAction_->setText(tr("&Close Raster"));
    quitAction_->setText(tr("&Quit"));
    zoomInAction_->setText(tr("Zoom &In"));
    zoomOutAction_->setText(tr("Zoom &Out"));
    zoomFitAction_->setText(tr("Zoom to &Fit"));
    zoomNativeAction_->setText(tr("&Native Resolution (1:1)"));
    gridAction_->setText(tr("Show &Tile Grid"));
    clearSelectionAction_->setText(tr("Clear Tile &Selection"));
    aboutAction_->setText(tr("&About GeoLens"));
    systemLanguageAction_->setText(tr("System Default"));
    infoDock_->setWindowTitle(tr("Layer"));
    displayDock_->setWindowTitle(tr("Display"));
    chatDock_->setWindowTitle(tr("Chat"));
    resultsDock_->setWindowTitle(tr("Results"));
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(GeometryKey, saveGeometry());
    settings.setValue(StateKey, saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::chooseOpenFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Raster"), RecentFilesMenu::lastFolder(), rasterFileFilter());
    if (!path.isEmpty())
        openRaster(path);
}

void MainWindow::openRaster(const QString &path)
{
    rasterTasks_->open(path);
}

void MainWindow::showOpenedRaster(const QString &path, const DisplaySettings &settings)
{
    const RasterMetadata &m = raster()->metadata();
    info_->setMetadata(m);
    display_->setRaster(m, settings);
    canvas_->setRaster(raster(), settings);
    updateGrid(overlap());
    coordinates_->setRaster(m);
    exportAction_->setEnabled(true);
    overviewsAction_->setEnabled(m.overviews.empty() && !OverviewBuildJob::factorsFor(m.width, m.height).empty());
    closeAction_->setEnabled(true);
    recentMenu_->addFile(path);
    retranslate();
    emit rasterOpened(path);
}

void MainWindow::closeRaster()
{
    rasterTasks_->close();
    canvas_->clearRaster();
    grid_->setGrid(std::nullopt);
    info_->clear();
    display_->clearRaster();
    coordinates_->clearRaster();
    for (QAction *action : {exportAction_, overviewsAction_, closeAction_, clearSelectionAction_})
        action->setEnabled(false);
    retranslate();
}

double MainWindow::overlap() const
{
    return display_->overlapPercent() / 100.0;
}

void MainWindow::updateGrid(double overlap)
{
    if (!raster())
        return;
    const TileGrid grid(raster()->width(), raster()->height(), TileGrid::DefaultTileSize, overlap);
    grid_->setGrid(grid);
    display_->setGridSummary(grid.columns(), grid.rows(), grid.stride());
    display_->setSelectionCount(0);
}

void MainWindow::showCursorPosition(const QPointF &p)
{
    coordinates_->showCursorPosition(p);
}

QString MainWindow::georeferenceNotice() const
{
    return coordinates_->georeferenceNotice();
}

QString MainWindow::coordinateText() const
{
    return coordinates_->coordinateText();
}

void MainWindow::chooseExportDir()
{
    if (!raster())
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export Tiles To"), AnalysisMenu::exportFolder());
    if (dir.isEmpty())
        return;
    AnalysisMenu::setExportFolder(dir);
    startTileExport(dir);
}

void MainWindow::startTileExport(const QString &dir)
{
    rasterTasks_->exportTiles(dir, canvas_->displaySettings(), grid_->selectedTiles(), overlap());
}

void MainWindow::startOverviewBuild()
{
    rasterTasks_->buildOverviews();
}

void MainWindow::showResults()
{
    // The results list follows the session's results: bounds back in raster pixels for zooming.
    const CoordinateTransformer *coords = session_->coordinates();
    std::vector<ResultRow> rows;
    for (const AnalysisFeature &f : session_->results()) {
        QRectF bounds;
        if (coords) {
            for (const MapPoint &p : f.polygon) {
                const MapPoint px = coords->mapToPixel(p.x, p.y);
                bounds = bounds.isNull() ? QRectF(px.x, px.y, 1e-9, 1e-9) : bounds.united(QRectF(px.x, px.y, 1e-9, 1e-9));
            }
        }
        rows.push_back({QString::fromStdString(f.task), QString::fromStdString(f.label), f.score, f.tileId, bounds,
                        QString::fromStdString(f.prompt), QString::fromStdString(f.answer),
                        QString::fromStdString(f.details)});
    }
    resultsPanel_->setResults(std::move(rows));
    chat_->setReady(session_->isReady());
}

void MainWindow::loadModel(const QString &folder, const ModelLoadOptions &options)
{
    tasks_->loadModel(folder, options);
}

void MainWindow::showModel()
{
    modelLabel_->setModel(model(), session_->modelFolder());
    chat_->setModelLoaded(model() != nullptr);
    resultsPanel_->setModelLoaded(model() != nullptr);
    showResults();
}

void MainWindow::startSceneLabels(const SceneLabelOptions &options)
{
    tasks_->labelScenes(options);
}

void MainWindow::startClassifierLabels(const QString &classifierFolder)
{
    tasks_->labelWithClassifier(classifierFolder);
}

void MainWindow::startFindObjects(const QString &query)
{
    tasks_->findBoxes(BoxAnalysisOptions::Task::Refer, query);
}

void MainWindow::startGrounding()
{
    tasks_->findBoxes(BoxAnalysisOptions::Task::Grounding, QString());
}

void MainWindow::startRegionCaption(const QRectF &rect, double angleDegrees)
{
    startRegionCaption(RotatedBox::fromCorners(rect.left(), rect.top(), rect.right(), rect.bottom(), angleDegrees));
}

void MainWindow::startRegionCaption(const RotatedBox &region)
{
    tasks_->describeRegion(region);
}

bool MainWindow::exportResults(const QString &path)
{
    return tasks_->exportResults(path);
}

void MainWindow::askChat(const QString &question)
{
    tasks_->ask(question);
}

void MainWindow::stopChat()
{
    tasks_->stopChat();
}

void MainWindow::startDistillationWizard()
{
    distillation_->startWizard();
}

void MainWindow::openDistillationRun(const QString &runDir)
{
    distillation_->openRun(runDir);
}

DistillRunMonitor *MainWindow::distillRunMonitor() const
{
    return distillation_->monitor();
}

void MainWindow::showModelComparison(const QString &teacherFolder, const QString &studentFolder)
{
    distillation_->showComparison(teacherFolder, studentFolder);
}

bool MainWindow::startModelComparison(const QString &teacherFolder, const QString &studentFolder,
                                      ComparisonTask::Kind task, const QString &text)
{
    return distillation_->startComparison(teacherFolder, studentFolder, task, text);
}

ModelComparisonDialog *MainWindow::modelComparison() const
{
    return distillation_->comparison();
}

void MainWindow::showError(const QString &title, const QString &summary, const QString &details)
{
    // Window-modal and asynchronous: the event loop (and any test driving it) keeps running.
    auto *box = new QMessageBox(QMessageBox::Critical, title, summary, QMessageBox::Ok, this);
    box->setInformativeText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("ErrorMessage"));
    box->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About GeoLens"),
                       tr("<b>GeoLens %1</b><p>A desktop workbench for remote-sensing vision-language "
                          "models: open rasters of any size, cut them into model tiles, and place the "
                          "model's answers on the map.</p>")
                           .arg(QCoreApplication::applicationVersion()));
}

} // namespace geolens
