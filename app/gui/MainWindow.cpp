#include "MainWindow.h"

#include "AnalysisLayer.h"
#include "AnalysisTasks.h"
#include "ChatPanel.h"
#include "DisplayPanel.h"
#include "DistillationWindows.h"
#include "LanguageSwitcher.h"
#include "MapCanvas.h"
#include "RasterInfoPanel.h"
#include "ResultsPanel.h"
#include "SceneLabelDialog.h"
#include "TileGridOverlay.h"
#include "common/JobProgress.h"
#include "TaskRunner.h"
#include "geometry/TileGrid.h"
#include "model/ModelConfig.h"
#include "raster/CoordinateTransformer.h"
#include "raster/OverviewBuildJob.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"
#include "tiling/TileExportJob.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>

#include <cmath>

namespace geolens {

namespace {

constexpr int MaxRecentFiles = 10;
// Past this size a zoomed-out view without overviews reads most of the file.
constexpr int LargeWithoutOverviews = 8192;
const char *const RecentKey = "files/recent";
const char *const LastDirKey = "files/lastDir";
const char *const ExportDirKey = "files/lastExportDir";
const char *const OverlapKey = "tiles/overlapPercent";
const char *const GridVisibleKey = "tiles/gridVisible";
const char *const GeometryKey = "window/geometry";
const char *const ModelDirKey = "model/lastFolder";
const char *const QueryKey = "analysis/lastQuery";
const char *const OpacityKey = "analysis/labelOpacity";
const char *const StateKey = "window/state";
// The task runner's channels for the reads the window makes as it goes.
const QString OpenChannel = QStringLiteral("open");
const QString StretchChannel = QStringLiteral("stretch");

QString rasterFileFilter()
{
    return QObject::tr("Rasters (*.tif *.tiff *.gtiff *.vrt *.jp2 *.j2k *.png *.jpg *.jpeg *.img *.ecw *.nc *.hdf);;All files (*)");
}

} // namespace

struct MainWindow::OpenResult {
    std::shared_ptr<const RasterDataset> raster;
    DisplaySettings settings;
};

MainWindow::MainWindow(LanguageSwitcher *languages, QWidget *parent)
    : QMainWindow(parent), languages_(languages), canvas_(new MapCanvas(this)), grid_(new TileGridOverlay(this)),
      session_(new AnalysisSession(this)), runner_(new TaskRunner(this, this)), analysis_(new AnalysisLayer(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setCentralWidget(canvas_);
    canvas_->addOverlay(analysis_);
    canvas_->addOverlay(grid_);
    createActions();
    createMenus();
    createDocks();
    createStatusBar();
    tasks_ = new AnalysisTasks(session_, runner_, analysis_, chat_, this);
    distillation_ = new DistillationWindows(this, session_, canvas_, grid_, analysis_, display_);
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
    restoreGeometry(settings.value(GeometryKey).toByteArray());
    restoreState(settings.value(StateKey).toByteArray());

    connect(canvas_, &MapCanvas::cursorMoved, this, &MainWindow::showCursorPosition);
    connect(canvas_, &MapCanvas::cursorMoved, this, [this](const QPointF &p) { canvas_->setToolTip(analysis_->describeAt(p)); });
    connect(analysis_, &AnalysisLayer::changed, canvas_, qOverload<>(&QWidget::update));
    connect(chat_, &ChatPanel::questionAsked, this, &MainWindow::askChat);
    connect(chat_, &ChatPanel::stopRequested, this, &MainWindow::stopChat);
    connect(chat_, &ChatPanel::cleared, this, [this] { session_->chat().clear(); });
    connect(canvas_, &MapCanvas::regionSelected, this, qOverload<const QRectF &, double>(&MainWindow::startRegionCaption));
    connect(canvas_, &MapCanvas::regionAngleChanged, this, [this](double angle) {
        statusBar()->showMessage(tr("Region turned by %1 degrees").arg(angle, 0, 'f', 0), 3000);
    });
    connect(resultsPanel_, &ResultsPanel::zoomRequested, canvas_, &MapCanvas::zoomToRect);
    connect(canvas_, &MapCanvas::cursorLeft, this, [this] {
        pixelLabel_->clear();
        mapLabel_->clear();
        lonLatLabel_->clear();
    });
    connect(canvas_, &MapCanvas::clicked, grid_, &TileGridOverlay::handleClick);
    connect(canvas_, &MapCanvas::viewChanged, this, [this] {
        scaleLabel_->setText(tr("Zoom %1 %").arg(canvas_->scale() * 100.0, 0, 'f', canvas_->scale() < 0.1 ? 2 : 0));
    });
    connect(canvas_, &MapCanvas::fileDropped, this, &MainWindow::openRaster);
    connect(canvas_, &MapCanvas::renderFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Some pixels could not be read: %1").arg(message), 15000);
    });
    connect(grid_, &TileGridOverlay::changed, canvas_, qOverload<>(&QWidget::update));
    connect(grid_, &TileGridOverlay::selectionChanged, this, [this](const QList<int> &ids) {
        display_->setSelectionCount(ids.size());
        clearSelectionAction_->setEnabled(!ids.isEmpty());
    });
    connect(display_, &DisplayPanel::displaySettingsEdited, this, &MainWindow::applyDisplaySettings);
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
    connect(session_, &AnalysisSession::resultsChanged, this, &MainWindow::updateAnalysisActions);
    connect(runner_, &TaskRunner::readingChanged, busyBar_, &QWidget::setVisible);
    connect(tasks_, &AnalysisTasks::modelLoaded, this, &MainWindow::modelLoaded);
    connect(tasks_, &AnalysisTasks::modelLoadFailed, this, &MainWindow::modelLoadFailed);
    connect(tasks_, &AnalysisTasks::analysisFinished, this, &MainWindow::analysisFinished);
    connect(tasks_, &AnalysisTasks::chatAnswered, this, &MainWindow::chatAnswered);
    connect(tasks_, &AnalysisTasks::failed, this, &MainWindow::showError);
    connect(tasks_, &AnalysisTasks::statusMessage, statusBar(), &QStatusBar::showMessage);
    connect(distillation_, &DistillationWindows::comparisonFinished, this, &MainWindow::analysisFinished);
    connect(distillation_, &DistillationWindows::failed, this, &MainWindow::showError);
    connect(distillation_, &DistillationWindows::openModelRequested, this, [this](const QString &folder) {
        loadModel(folder);
        raise();
        activateWindow();
    });
}

void MainWindow::createActions()
{
    openAction_ = new QAction(this);
    openAction_->setShortcut(QKeySequence::Open);
    connect(openAction_, &QAction::triggered, this, &MainWindow::chooseOpenFile);

    exportAction_ = new QAction(this);
    exportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(exportAction_, &QAction::triggered, this, &MainWindow::chooseExportDir);

    overviewsAction_ = new QAction(this);
    connect(overviewsAction_, &QAction::triggered, this, &MainWindow::startOverviewBuild);

    closeAction_ = new QAction(this);
    closeAction_->setShortcut(QKeySequence::Close);
    connect(closeAction_, &QAction::triggered, this, &MainWindow::closeRaster);

    quitAction_ = new QAction(this);
    quitAction_->setShortcut(QKeySequence::Quit);
    connect(quitAction_, &QAction::triggered, this, &QWidget::close);

    zoomInAction_ = new QAction(this);
    zoomInAction_->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    connect(zoomInAction_, &QAction::triggered, canvas_, &MapCanvas::zoomIn);
    zoomOutAction_ = new QAction(this);
    zoomOutAction_->setShortcut(QKeySequence::ZoomOut);
    connect(zoomOutAction_, &QAction::triggered, canvas_, &MapCanvas::zoomOut);
    zoomFitAction_ = new QAction(this);
    zoomFitAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(zoomFitAction_, &QAction::triggered, canvas_, &MapCanvas::zoomToFit);
    zoomNativeAction_ = new QAction(this);
    zoomNativeAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(zoomNativeAction_, &QAction::triggered, canvas_, &MapCanvas::zoomToNativeResolution);

    gridAction_ = new QAction(this);
    gridAction_->setCheckable(true);
    gridAction_->setShortcut(QKeySequence(Qt::Key_G));
    connect(gridAction_, &QAction::toggled, this, [this](bool on) {
        grid_->setVisible(on);
        display_->setGridVisible(on);
        QSettings().setValue(GridVisibleKey, on);
    });
    clearSelectionAction_ = new QAction(this);
    clearSelectionAction_->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(clearSelectionAction_, &QAction::triggered, grid_, &TileGridOverlay::clearSelection);

    aboutAction_ = new QAction(this);
    connect(aboutAction_, &QAction::triggered, this, &MainWindow::showAbout);

    loadModelAction_ = new QAction(this);
    loadModelAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    connect(loadModelAction_, &QAction::triggered, this, &MainWindow::chooseModelFolder);
    labelTilesAction_ = new QAction(this);
    labelTilesAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(labelTilesAction_, &QAction::triggered, this, &MainWindow::chooseSceneLabels);
    findObjectsAction_ = new QAction(this);
    findObjectsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
    connect(findObjectsAction_, &QAction::triggered, this, &MainWindow::chooseFindObjects);
    groundingAction_ = new QAction(this);
    groundingAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    connect(groundingAction_, &QAction::triggered, this, &MainWindow::startGrounding);
    regionToolAction_ = new QAction(this);
    regionToolAction_->setCheckable(true);
    regionToolAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(regionToolAction_, &QAction::toggled, canvas_, &MapCanvas::setRegionToolActive);
    exportResultsAction_ = new QAction(this);
    connect(exportResultsAction_, &QAction::triggered, this, &MainWindow::chooseExportResults);
    clearResultsAction_ = new QAction(this);
    connect(clearResultsAction_, &QAction::triggered, this, [this] {
        analysis_->clear();
        session_->clearResults();
    });

    newDistillAction_ = new QAction(this);
    newDistillAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    connect(newDistillAction_, &QAction::triggered, this, &MainWindow::startDistillationWizard);
    openDistillAction_ = new QAction(this);
    connect(openDistillAction_, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Distillation Run"),
                                                              QSettings().value(QStringLiteral("distill/lastRun")).toString());
        if (!dir.isEmpty())
            openDistillationRun(dir);
    });

    compareModelsAction_ = new QAction(this);
    compareModelsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    connect(compareModelsAction_, &QAction::triggered, this, [this] { showModelComparison(); });

    languageGroup_ = new QActionGroup(this);
    languageGroup_->setExclusive(true);
    systemLanguageAction_ = new QAction(languageGroup_);
    systemLanguageAction_->setCheckable(true);
    systemLanguageAction_->setData(QString());
    for (const QString &code : LanguageSwitcher::availableLanguages()) {
        auto *action = new QAction(LanguageSwitcher::nativeName(code), languageGroup_);
        action->setCheckable(true);
        action->setData(code);
    }
    for (QAction *action : languageGroup_->actions())
        if (action->data().toString() == languages_->requested())
            action->setChecked(true);
    connect(languageGroup_, &QActionGroup::triggered, this,
            [this](QAction *action) { languages_->apply(action->data().toString()); });
}

void MainWindow::createMenus()
{
    fileMenu_ = menuBar()->addMenu(QString());
    fileMenu_->addAction(openAction_);
    recentMenu_ = fileMenu_->addMenu(QString());
    fileMenu_->addAction(exportAction_);
    fileMenu_->addAction(overviewsAction_);
    fileMenu_->addSeparator();
    fileMenu_->addAction(closeAction_);
    fileMenu_->addAction(quitAction_);

    viewMenu_ = menuBar()->addMenu(QString());
    viewMenu_->addAction(zoomInAction_);
    viewMenu_->addAction(zoomOutAction_);
    viewMenu_->addAction(zoomFitAction_);
    viewMenu_->addAction(zoomNativeAction_);
    viewMenu_->addSeparator();
    viewMenu_->addAction(gridAction_);
    viewMenu_->addAction(clearSelectionAction_);
    viewMenu_->addSeparator();

    analysisMenu_ = menuBar()->addMenu(QString());
    analysisMenu_->addAction(loadModelAction_);
    analysisMenu_->addSeparator();
    analysisMenu_->addAction(labelTilesAction_);
    analysisMenu_->addAction(findObjectsAction_);
    analysisMenu_->addAction(groundingAction_);
    analysisMenu_->addAction(regionToolAction_);
    analysisMenu_->addSeparator();
    analysisMenu_->addAction(exportResultsAction_);
    analysisMenu_->addAction(clearResultsAction_);

    distillMenu_ = menuBar()->addMenu(QString());
    distillMenu_->addAction(newDistillAction_);
    distillMenu_->addAction(openDistillAction_);
    distillMenu_->addSeparator();
    distillMenu_->addAction(compareModelsAction_);

    languageMenu_ = menuBar()->addMenu(QString());
    languageMenu_->addActions(languageGroup_->actions());

    helpMenu_ = menuBar()->addMenu(QString());
    helpMenu_->addAction(aboutAction_);
    rebuildRecentMenu();
}

void MainWindow::createDocks()
{
    info_ = new RasterInfoPanel(this);
    infoDock_ = new QDockWidget(this);
    infoDock_->setObjectName(QStringLiteral("LayerDock"));
    infoDock_->setWidget(info_);
    addDockWidget(Qt::LeftDockWidgetArea, infoDock_);

    display_ = new DisplayPanel(this);
    displayDock_ = new QDockWidget(this);
    displayDock_->setObjectName(QStringLiteral("DisplayDock"));
    displayDock_->setWidget(display_);
    addDockWidget(Qt::LeftDockWidgetArea, displayDock_);

    chat_ = new ChatPanel(this);
    chatDock_ = new QDockWidget(this);
    chatDock_->setObjectName(QStringLiteral("ChatDock"));
    chatDock_->setWidget(chat_);
    addDockWidget(Qt::RightDockWidgetArea, chatDock_);

    viewMenu_->addAction(infoDock_->toggleViewAction());
    viewMenu_->addAction(displayDock_->toggleViewAction());
    resultsPanel_ = new ResultsPanel(this);
    resultsDock_ = new QDockWidget(this);
    resultsDock_->setObjectName(QStringLiteral("ResultsDock"));
    resultsDock_->setWidget(resultsPanel_);
    addDockWidget(Qt::RightDockWidgetArea, resultsDock_);
    tabifyDockWidget(chatDock_, resultsDock_);
    chatDock_->raise();

    viewMenu_->addAction(chatDock_->toggleViewAction());
    viewMenu_->addAction(resultsDock_->toggleViewAction());
}

void MainWindow::createStatusBar()
{
    noticeLabel_ = new QLabel(this);
    noticeLabel_->setStyleSheet(QStringLiteral("QLabel { background: #ffd54f; color: #000; padding: 0 6px; }"));
    noticeLabel_->hide();
    pixelLabel_ = new QLabel(this);
    mapLabel_ = new QLabel(this);
    lonLatLabel_ = new QLabel(this);
    scaleLabel_ = new QLabel(this);
    busyBar_ = new QProgressBar(this);
    busyBar_->setRange(0, 0);
    busyBar_->setMaximumWidth(120);
    busyBar_->hide();
    for (QLabel *label : {pixelLabel_, mapLabel_, lonLatLabel_})
        label->setMinimumWidth(150);
    statusBar()->addPermanentWidget(noticeLabel_);
    statusBar()->addPermanentWidget(pixelLabel_);
    statusBar()->addPermanentWidget(mapLabel_);
    statusBar()->addPermanentWidget(lonLatLabel_);
    statusBar()->addPermanentWidget(scaleLabel_);
    modelLabel_ = new QLabel(this);
    statusBar()->addPermanentWidget(modelLabel_);
    statusBar()->addPermanentWidget(busyBar_);
}

void MainWindow::retranslate()
{
    const QString name = raster() ? QFileInfo(QString::fromStdString(raster()->path())).fileName() : QString();
    setWindowTitle(name.isEmpty() ? tr("GeoLens") : tr("%1 - GeoLens").arg(name));
    fileMenu_->setTitle(tr("&File"));
    recentMenu_->setTitle(tr("Open &Recent"));
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
    analysisMenu_->setTitle(tr("&Analysis"));
    distillMenu_->setTitle(tr("&Distillation"));
    newDistillAction_->setText(tr("&New Distillation Run..."));
    newDistillAction_->setToolTip(tr("Distil a teacher model into a smaller student, step by step"));
    openDistillAction_->setText(tr("&Open Distillation Run..."));
    openDistillAction_->setToolTip(tr("Follow a running distillation or look at a finished one"));
    compareModelsAction_->setText(tr("&Compare Teacher and Student..."));
    compareModelsAction_->setToolTip(tr("Run a teacher and its distilled student on the selected tiles side by side: "
                                        "answers, boxes and time per tile"));
    loadModelAction_->setText(tr("Load &Model..."));
    loadModelAction_->setToolTip(tr("Load a GeoChat or LLaVA-1.5 model folder"));
    labelTilesAction_->setText(tr("&Label Tiles..."));
    labelTilesAction_->setToolTip(tr("Give each selected tile (or every tile) a scene class"));
    findObjectsAction_->setText(tr("&Find Objects..."));
    findObjectsAction_->setToolTip(tr("Draw boxes around the objects a query names, in the selected tiles (or all)"));
    groundingAction_->setText(tr("&Describe with Boxes"));
    groundingAction_->setToolTip(tr("Describe the selected tiles (or all) with boxes around what is mentioned"));
    regionToolAction_->setText(tr("Describe &Region"));
    regionToolAction_->setToolTip(tr("Drag a rectangle on the map to have the model describe it; turn it with the "
                                     "mouse wheel while dragging (Ctrl for 1 degree steps). Shift+drag works at any time."));
    exportResultsAction_->setText(tr("&Export Results..."));
    exportResultsAction_->setToolTip(tr("Write the results to a GeoPackage, GeoJSON or CSV file in the raster's CRS"));
    clearResultsAction_->setText(tr("&Clear Results"));
    modelLabel_->setText(model() ? tr("Model: %1 (%2, %3)")
                                       .arg(QFileInfo(session_->modelFolder()).fileName(),
                                            QString::fromStdString(model()->deviceName()),
                                            QString::fromStdString(model()->dtypeName()))
                                 : tr("No model"));
    systemLanguageAction_->setText(tr("System Default"));
    infoDock_->setWindowTitle(tr("Layer"));
    displayDock_->setWindowTitle(tr("Display"));
    chatDock_->setWindowTitle(tr("Chat"));
    resultsDock_->setWindowTitle(tr("Results"));
    pixelLabel_->setToolTip(tr("Pixel (column, row) under the cursor"));
    mapLabel_->setToolTip(tr("Map coordinates in the raster's CRS"));
    lonLatLabel_->setToolTip(tr("Longitude and latitude (WGS84)"));
    noticeLabel_->setText(tr("No georeferencing: coordinates are in pixels"));
    noticeLabel_->setToolTip(tr("This raster has no CRS or geotransform; results will be placed in pixel coordinates."));
    rebuildRecentMenu();
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

void MainWindow::rebuildRecentMenu()
{
    recentMenu_->clear();
    const QStringList files = QSettings().value(RecentKey).toStringList();
    for (const QString &file : files) {
        QAction *action = recentMenu_->addAction(QFileInfo(file).fileName());
        action->setToolTip(file);
        action->setStatusTip(file);
        connect(action, &QAction::triggered, this, [this, file] { openRaster(file); });
    }
    if (files.isEmpty()) {
        recentMenu_->addAction(tr("No recent files"))->setEnabled(false);
    } else {
        recentMenu_->addSeparator();
        connect(recentMenu_->addAction(tr("Clear Recent Files")), &QAction::triggered, this, [this] {
            QSettings().remove(RecentKey);
            rebuildRecentMenu();
        });
    }
}

void MainWindow::addRecentFile(const QString &path)
{
    QSettings settings;
    QStringList files = settings.value(RecentKey).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > MaxRecentFiles)
        files.removeLast();
    settings.setValue(RecentKey, files);
    settings.setValue(LastDirKey, QFileInfo(absolute).absolutePath());
    rebuildRecentMenu();
}

void MainWindow::chooseOpenFile()
{
    const QString dir = QSettings().value(LastDirKey).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Raster"), dir, rasterFileFilter());
    if (!path.isEmpty())
        openRaster(path);
}

void MainWindow::openRaster(const QString &path)
{
    statusBar()->showMessage(tr("Opening %1...").arg(QFileInfo(path).fileName()));
    // Opening reads the header and a decimated sample for the stretch: off the GUI thread, since
    // a large raster without overviews can take a while. A later open replaces this one.
    runner_->runLatest(
        OpenChannel,
        [path](const JobProgress &) {
            OpenResult r;
            std::shared_ptr<RasterDataset> raster = RasterDataset::open(path.toStdString());
            r.settings = DisplaySettings::defaultsFor(raster->metadata());
            StretchEstimator::complete(*raster, r.settings);
            r.raster = std::move(raster);
            return r;
        },
        [this, path](TaskOutcome, std::optional<OpenResult> result, const QString &error) {
            statusBar()->clearMessage();
            if (!result) {
                showError(tr("Cannot open raster"), tr("GeoLens cannot open %1.").arg(QFileInfo(path).fileName()), error);
                emit openFailed(error);
                return;
            }
            showOpenedRaster(path, *result);
        });
}

void MainWindow::showOpenedRaster(const QString &path, const OpenResult &result)
{
    runner_->forget(StretchChannel); // a stretch for the raster before
    session_->setRaster(result.raster);
    const RasterMetadata &m = result.raster->metadata();
    info_->setMetadata(m);
    display_->setRaster(m, result.settings);
    canvas_->setRaster(result.raster, result.settings);
    updateGrid(overlap());
    noticeLabel_->setVisible(!m.isGeoreferenced());
    exportAction_->setEnabled(true);
    overviewsAction_->setEnabled(m.overviews.empty() && !OverviewBuildJob::factorsFor(m.width, m.height).empty());
    closeAction_->setEnabled(true);
    addRecentFile(path);
    retranslate();
    QString opened = tr("Opened %1 (%2 x %3, %n band(s))", nullptr, m.bandCount())
                         .arg(QFileInfo(path).fileName())
                         .arg(m.width)
                         .arg(m.height);
    if (m.overviews.empty() && std::max(m.width, m.height) > LargeWithoutOverviews)
        opened += QLatin1Char(' ') + tr("No overviews: File > Build Overviews makes zoomed-out views fast.");
    statusBar()->showMessage(opened, 15000);
    emit rasterOpened(path);
}

void MainWindow::closeRaster()
{
    runner_->forget(OpenChannel);
    runner_->forget(StretchChannel);
    session_->setRaster(nullptr);
    canvas_->clearRaster();
    grid_->setGrid(std::nullopt);
    info_->clear();
    display_->clearRaster();
    noticeLabel_->hide();
    exportAction_->setEnabled(false);
    overviewsAction_->setEnabled(false);
    closeAction_->setEnabled(false);
    clearSelectionAction_->setEnabled(false);
    pixelLabel_->clear();
    mapLabel_->clear();
    lonLatLabel_->clear();
    scaleLabel_->clear();
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

void MainWindow::applyDisplaySettings(const DisplaySettings &requested)
{
    if (!raster())
        return;
    if (requested.bandsMissingStretch().empty()) {
        canvas_->setDisplaySettings(requested);
        display_->showSettings(requested);
        return;
    }
    display_->showSettings(requested);
    statusBar()->showMessage(tr("Computing the display stretch..."));
    runner_->runLatest(
        StretchChannel,
        [raster = raster(), requested](const JobProgress &) {
            DisplaySettings s = requested;
            try {
                StretchEstimator::complete(*raster, s);
            } catch (const std::exception &) {
                // A band that cannot be sampled is shown with the full 0..1 range rather than not at all.
                for (int band : s.bandsMissingStretch())
                    s.stretches[band] = BandStretch{0.0, 1.0};
            }
            return s;
        },
        [this](TaskOutcome, std::optional<DisplaySettings> done, const QString &) {
            statusBar()->clearMessage();
            if (!done)
                return;
            canvas_->setDisplaySettings(*done);
            display_->showSettings(*done);
        });
}

void MainWindow::showCursorPosition(const QPointF &p)
{
    const CoordinateTransformer *coords = session_->coordinates();
    if (!raster() || !coords)
        return;
    const RasterMetadata &m = raster()->metadata();
    const bool inside = p.x() >= 0 && p.y() >= 0 && p.x() < m.width && p.y() < m.height;
    if (!inside) {
        pixelLabel_->setText(tr("outside the raster"));
        mapLabel_->clear();
        lonLatLabel_->clear();
        return;
    }
    pixelLabel_->setText(tr("Pixel %1, %2").arg(int(std::floor(p.x()))).arg(int(std::floor(p.y()))));
    if (!m.isGeoreferenced()) {
        mapLabel_->clear();
        lonLatLabel_->clear();
        return;
    }
    const MapPoint map = coords->pixelToMap(p.x(), p.y());
    const bool geographic = m.epsg && coords->hasLonLat() && std::abs(m.pixelSizeX()) < 1.0 && std::abs(map.x) <= 360.0;
    const int decimals = geographic ? 6 : 2;
    mapLabel_->setText(tr("Map %1, %2").arg(map.x, 0, 'f', decimals).arg(map.y, 0, 'f', decimals));
    if (const auto ll = coords->mapToLonLat(map))
        lonLatLabel_->setText(tr("Lon %1, Lat %2").arg(ll->lon, 0, 'f', 6).arg(ll->lat, 0, 'f', 6));
    else
        lonLatLabel_->setText(tr("Lon/Lat unavailable"));
}

QString MainWindow::georeferenceNotice() const
{
    return noticeLabel_->isVisibleTo(const_cast<MainWindow *>(this)) ? noticeLabel_->text() : QString();
}

QString MainWindow::coordinateText() const
{
    return QStringList{pixelLabel_->text(), mapLabel_->text(), lonLatLabel_->text()}.join(QStringLiteral(" | "));
}

void MainWindow::chooseExportDir()
{
    if (!raster())
        return;
    const QString start = QSettings().value(ExportDirKey, QSettings().value(LastDirKey)).toString();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export Tiles To"), start);
    if (dir.isEmpty())
        return;
    QSettings().setValue(ExportDirKey, dir);
    startTileExport(dir);
}

void MainWindow::startTileExport(const QString &dir)
{
    if (!raster())
        return;
    TileExportOptions options;
    options.tileSize = TileGrid::DefaultTileSize;
    options.overlap = overlap();
    options.outputDir = dir.toStdString();
    for (int id : grid_->selectedTiles())
        options.tileIds.push_back(id);
    const int total = options.tileIds.empty() && grid_->grid() ? grid_->grid()->count()
                                                               : static_cast<int>(options.tileIds.size());
    const TileExportJob work(raster(), canvas_->displaySettings(), options);
    runner_->run(
        TaskRunner::Task{tr("Export Tiles"), tr("Writing %n tile(s)...", nullptr, total)},
        [work](const JobProgress &progress) { work.run(progress); },
        [this, dir](TaskOutcome outcome, const QString &error) {
            if (outcome == TaskOutcome::Canceled) {
                statusBar()->showMessage(tr("Tile export canceled; the tiles written so far are complete."), 8000);
                emit tileExportFinished(false, tr("Canceled"));
            } else if (outcome == TaskOutcome::Failed) {
                showError(tr("Tile export failed"), tr("The tiles could not be written to %1.").arg(dir), error);
                emit tileExportFinished(false, error);
            } else {
                statusBar()->showMessage(tr("Tiles written to %1").arg(dir), 8000);
                emit tileExportFinished(true, dir);
            }
        });
}

void MainWindow::startOverviewBuild()
{
    if (!raster())
        return;
    const QString path = QString::fromStdString(raster()->path());
    const QString name = QFileInfo(path).fileName();
    const OverviewBuildJob work(path.toStdString());
    runner_->run(
        TaskRunner::Task{tr("Build Overviews"), tr("Building overviews for %1...").arg(name)},
        [work](const JobProgress &progress) { work.run(progress); },
        [this, path, name](TaskOutcome outcome, const QString &error) {
            if (outcome == TaskOutcome::Canceled) {
                statusBar()->showMessage(tr("Building overviews canceled; nothing was written."), 8000);
            } else if (outcome == TaskOutcome::Failed) {
                showError(tr("Cannot build overviews"), tr("Overviews for %1 could not be built.").arg(name), error);
            } else {
                statusBar()->showMessage(tr("Overviews built; reopening %1").arg(name), 8000);
                openRaster(path); // the new .ovr file is only seen by a fresh handle
            }
            emit overviewBuildFinished(outcome == TaskOutcome::Succeeded);
        });
}

void MainWindow::updateAnalysisActions()
{
    const bool ready = session_->isReady();
    labelTilesAction_->setEnabled(ready);
    findObjectsAction_->setEnabled(ready);
    groundingAction_->setEnabled(ready);
    regionToolAction_->setEnabled(ready);
    if (!ready)
        regionToolAction_->setChecked(false);
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
        rows.push_back({QString::fromStdString(f.task), QString::fromStdString(f.label), f.score, f.tileId, bounds});
    }
    resultsPanel_->setResults(std::move(rows));
    const bool any = !session_->results().empty();
    exportResultsAction_->setEnabled(any);
    chat_->setReady(ready);
    clearResultsAction_->setEnabled(any);
}

std::vector<int> MainWindow::tilesToAnalyse() const
{
    std::vector<int> ids;
    for (int id : grid_->selectedTiles())
        ids.push_back(id);
    return ids; // empty: every tile
}

void MainWindow::chooseModelFolder()
{
    const QString start = QSettings().value(ModelDirKey).toString();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Load Model"), start);
    if (!folder.isEmpty())
        loadModel(folder);
}

void MainWindow::loadModel(const QString &folder, const ModelLoadOptions &options)
{
    tasks_->loadModel(folder, options);
}

void MainWindow::showModel()
{
    const QString folder = session_->modelFolder();
    QSettings().setValue(ModelDirKey, folder);
    const ModelConfig &c = model()->config();
    modelLabel_->setToolTip(tr("%1\n%2 layout, %3 billion parameters, %4 MiB of weights\n%5 layers, hidden size %6, "
                               "%7 px input, %8 image tokens")
                                .arg(folder)
                                .arg(QString::fromLatin1(checkpointLayoutName(c.layout)))
                                .arg(model()->parameterCount() / 1e9, 0, 'f', 2)
                                .arg(model()->weightBytes() >> 20)
                                .arg(c.text.layers)
                                .arg(c.text.hiddenSize)
                                .arg(c.inputSize)
                                .arg(c.imageTokens()));
    retranslate();
    updateAnalysisActions();
}

void MainWindow::chooseSceneLabels()
{
    if (!session_->isReady())
        return;
    SceneLabelDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    SceneLabelOptions options;
    options.classes = dialog.classes();
    options.mode = dialog.scoreMode() ? SceneLabelOptions::Mode::Score : SceneLabelOptions::Mode::Generate;
    switch (dialog.tileChoice()) {
    case SceneLabelDialog::TileChoice::SelectedOrAll: break;
    case SceneLabelDialog::TileChoice::All: grid_->clearSelection(); break;
    case SceneLabelDialog::TileChoice::InView: {
        const QRectF view = canvas_->visibleRasterRect();
        QList<int> ids;
        for (int id : grid_->grid()->tilesIntersecting(PixelRect{int(view.left()), int(view.top()), int(view.width()) + 1,
                                                                  int(view.height()) + 1}))
            ids << id;
        grid_->setSelectedTiles(ids);
        break;
    }
    }
    startSceneLabels(options);
}

void MainWindow::startSceneLabels(const SceneLabelOptions &requested)
{
    SceneLabelOptions options = requested;
    options.overlap = overlap();
    options.tileIds = tilesToAnalyse();
    tasks_->labelScenes(options, canvas_->displaySettings());
}

void MainWindow::chooseFindObjects()
{
    if (!session_->isReady())
        return;
    bool ok = false;
    const QString query = QInputDialog::getText(this, tr("Find Objects"), tr("What should GeoLens look for?"),
                                                QLineEdit::Normal, QSettings().value(QueryKey).toString(), &ok);
    if (!ok || query.trimmed().isEmpty())
        return;
    QSettings().setValue(QueryKey, query.trimmed());
    startFindObjects(query.trimmed());
}

void MainWindow::startFindObjects(const QString &query)
{
    startBoxTask(BoxAnalysisOptions::Task::Refer, query);
}

void MainWindow::startGrounding()
{
    startBoxTask(BoxAnalysisOptions::Task::Grounding, QString());
}

void MainWindow::startBoxTask(BoxAnalysisOptions::Task task, const QString &query)
{
    BoxAnalysisOptions options;
    options.task = task;
    options.query = query.toStdString();
    options.overlap = overlap();
    options.tileIds = tilesToAnalyse();
    tasks_->findBoxes(options, canvas_->displaySettings());
}

void MainWindow::startRegionCaption(const QRectF &rect, double angleDegrees)
{
    startRegionCaption(RotatedBox::fromCorners(rect.left(), rect.top(), rect.right(), rect.bottom(), angleDegrees));
}

void MainWindow::startRegionCaption(const RotatedBox &region)
{
    BoxAnalysisOptions options;
    options.task = BoxAnalysisOptions::Task::Caption;
    options.region = region;
    options.overlap = overlap();
    tasks_->describeRegion(options, canvas_->displaySettings());
}

void MainWindow::chooseExportResults()
{
    const QString start = QSettings().value(ExportDirKey, QSettings().value(LastDirKey)).toString();
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Results"), start + QStringLiteral("/results.gpkg"),
                                                      tr("GeoPackage (*.gpkg);;GeoJSON (*.geojson);;CSV table (*.csv)"));
    if (!path.isEmpty())
        exportResults(path);
}

bool MainWindow::exportResults(const QString &path)
{
    if (!raster() || session_->results().empty())
        return false;
    try {
        session_->writeResults(path.toStdString());
        statusBar()->showMessage(tr("Results written to %1").arg(path), 8000);
        return true;
    } catch (const std::exception &e) {
        showError(tr("Export failed"), tr("The results could not be written to %1.").arg(path), QString::fromStdString(e.what()));
        return false;
    }
}

void MainWindow::askChat(const QString &question)
{
    if (!session_->isReady() || runner_->isBusy())
        return;
    // The subject: the one selected tile, else what the view shows.
    const QList<int> selected = grid_->selectedTiles();
    const int subject = selected.size() == 1 ? selected.first() : ChatSession::ViewSubject;
    if (session_->chat().setSubject(subject))
        chat_->setContext(subject >= 0 ? tr("About tile #%1").arg(subject) : tr("About the current view"));
    std::optional<ChatPicture> picture;
    try {
        if (subject >= 0) {
            picture = ChatSession::tilePicture(*raster(), canvas_->displaySettings(), grid_->grid()->tile(subject));
        } else {
            const QRectF view = canvas_->visibleRasterRect().intersected(QRectF(0, 0, raster()->width(), raster()->height()));
            const PixelRect window{int(view.left()), int(view.top()), std::max(1, int(view.width())),
                                   std::max(1, int(view.height()))};
            picture = ChatSession::viewPicture(*raster(), canvas_->displaySettings(), window);
        }
    } catch (const std::exception &e) {
        showError(tr("Cannot ask the model"), tr("The image for the question could not be read."), QString::fromStdString(e.what()));
        return;
    }
    tasks_->ask(question, *picture);
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
