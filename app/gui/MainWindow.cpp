#include "MainWindow.h"

#include "DistillRunMonitor.h"
#include "DistillWizard.h"
#include "ModelComparisonDialog.h"

#include "BackgroundJob.h"
#include "AnalysisLayer.h"
#include "ChatPanel.h"
#include "ResultsPanel.h"
#include "geometry/BoxParser.h"
#include "geometry/TileFrame.h"
#include "analysis/TileImage.h"
#include "DisplayPanel.h"
#include "SceneLabelDialog.h"
#include "analysis/AnalysisFeatures.h"
#include "analysis/BoxAnalysisJob.h"
#include "LanguageSwitcher.h"
#include "MapCanvas.h"
#include "RasterInfoPanel.h"
#include "TileGridOverlay.h"
#include "common/Error.h"
#include "common/JobProgress.h"
#include "raster/OverviewBuildJob.h"
#include "geometry/TileGrid.h"
#include "raster/CoordinateTransformer.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"
#include "tiling/TileExportJob.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QInputDialog>
#include <QLineEdit>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

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

QString rasterFileFilter()
{
    return QObject::tr("Rasters (*.tif *.tiff *.gtiff *.vrt *.jp2 *.j2k *.png *.jpg *.jpeg *.img *.ecw *.nc *.hdf);;All files (*)");
}

} // namespace

struct MainWindow::OpenResult {
    quint64 serial = 0;
    QString path;
    std::shared_ptr<const RasterDataset> raster;
    DisplaySettings settings;
    QString error;
};

MainWindow::MainWindow(LanguageSwitcher *languages, QWidget *parent)
    : QMainWindow(parent), languages_(languages), canvas_(new MapCanvas(this)), grid_(new TileGridOverlay(this)),
      analysis_(new AnalysisLayer(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setCentralWidget(canvas_);
    canvas_->addOverlay(analysis_);
    canvas_->addOverlay(grid_);
    createActions();
    createMenus();
    createDocks();
    createStatusBar();
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
    connect(chat_, &ChatPanel::cleared, this, [this] {
        chatHistory_.clear();
        chatSubject_.reset();
    });
    connect(canvas_, &MapCanvas::regionSelected, this, &MainWindow::startRegionCaption);
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
        results_.clear();
        analysis_->clear();
        updateAnalysisActions();
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
    const QString name = raster_ ? QFileInfo(QString::fromStdString(raster_->path())).fileName() : QString();
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
    modelLabel_->setText(model_ ? tr("Model: %1 (%2, %3)")
                                      .arg(QFileInfo(modelFolder_).fileName(), QString::fromStdString(model_->deviceName()),
                                           QString::fromStdString(model_->dtypeName()))
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

void MainWindow::setBusy(const QString &message)
{
    statusBar()->showMessage(message);
    busyBar_->show();
}

void MainWindow::clearBusy()
{
    statusBar()->clearMessage();
    busyBar_->hide();
}

void MainWindow::openRaster(const QString &path)
{
    const quint64 serial = ++openSerial_;
    setBusy(tr("Opening %1...").arg(QFileInfo(path).fileName()));
    auto *watcher = new QFutureWatcher<OpenResult>(this);
    connect(watcher, &QFutureWatcher<OpenResult>::finished, this, [this, watcher] {
        watcher->deleteLater();
        finishOpen(watcher->result());
    });
    // Opening reads the header and a decimated sample for the stretch: off the GUI thread, since
    // a large raster without overviews can take a while.
    watcher->setFuture(QtConcurrent::run([serial, path] {
        OpenResult r;
        r.serial = serial;
        r.path = path;
        try {
            std::shared_ptr<RasterDataset> raster = RasterDataset::open(path.toStdString());
            r.settings = DisplaySettings::defaultsFor(raster->metadata());
            StretchEstimator::complete(*raster, r.settings);
            r.raster = std::move(raster);
        } catch (const std::exception &e) {
            r.error = QString::fromStdString(e.what());
        }
        return r;
    }));
}

void MainWindow::finishOpen(const OpenResult &result)
{
    if (result.serial != openSerial_)
        return; // a later open superseded this one
    clearBusy();
    if (!result.raster) {
        showError(tr("Cannot open raster"),
                  tr("GeoLens cannot open %1.").arg(QFileInfo(result.path).fileName()), result.error);
        emit openFailed(result.error);
        return;
    }
    raster_ = result.raster;
    const RasterMetadata &m = raster_->metadata();
    coords_ = std::make_unique<CoordinateTransformer>(m);
    info_->setMetadata(m);
    display_->setRaster(m, result.settings);
    canvas_->setRaster(raster_, result.settings);
    updateGrid(display_->overlapPercent() / 100.0);
    noticeLabel_->setVisible(!m.isGeoreferenced());
    exportAction_->setEnabled(true);
    overviewsAction_->setEnabled(m.overviews.empty() && !OverviewBuildJob::factorsFor(m.width, m.height).empty());
    closeAction_->setEnabled(true);
    addRecentFile(result.path);
    results_.clear();
    analysis_->clear();
    updateAnalysisActions();
    retranslate();
    QString opened = tr("Opened %1 (%2 x %3, %n band(s))", nullptr, m.bandCount())
                         .arg(QFileInfo(result.path).fileName())
                         .arg(m.width)
                         .arg(m.height);
    if (m.overviews.empty() && std::max(m.width, m.height) > LargeWithoutOverviews)
        opened += QLatin1Char(' ') + tr("No overviews: File > Build Overviews makes zoomed-out views fast.");
    statusBar()->showMessage(opened, 15000);
    emit rasterOpened(result.path);
}

void MainWindow::closeRaster()
{
    ++openSerial_;
    raster_.reset();
    coords_.reset();
    canvas_->clearRaster();
    grid_->setGrid(std::nullopt);
    info_->clear();
    display_->clearRaster();
    noticeLabel_->hide();
    results_.clear();
    analysis_->clear();
    chatHistory_.clear();
    chatSubject_.reset();
    exportAction_->setEnabled(false);
    overviewsAction_->setEnabled(false);
    closeAction_->setEnabled(false);
    clearSelectionAction_->setEnabled(false);
    updateAnalysisActions();
    pixelLabel_->clear();
    mapLabel_->clear();
    lonLatLabel_->clear();
    scaleLabel_->clear();
    retranslate();
}

void MainWindow::updateGrid(double overlap)
{
    if (!raster_)
        return;
    const TileGrid grid(raster_->width(), raster_->height(), TileGrid::DefaultTileSize, overlap);
    grid_->setGrid(grid);
    display_->setGridSummary(grid.columns(), grid.rows(), grid.stride());
    display_->setSelectionCount(0);
}

void MainWindow::applyDisplaySettings(const DisplaySettings &requested)
{
    if (!raster_)
        return;
    if (requested.bandsMissingStretch().empty()) {
        canvas_->setDisplaySettings(requested);
        display_->showSettings(requested);
        return;
    }
    display_->showSettings(requested);
    const quint64 serial = ++stretchSerial_;
    setBusy(tr("Computing the display stretch..."));
    auto *watcher = new QFutureWatcher<DisplaySettings>(this);
    connect(watcher, &QFutureWatcher<DisplaySettings>::finished, this, [this, watcher, serial] {
        watcher->deleteLater();
        if (serial != stretchSerial_ || !raster_)
            return;
        clearBusy();
        const DisplaySettings done = watcher->result();
        canvas_->setDisplaySettings(done);
        display_->showSettings(done);
    });
    watcher->setFuture(QtConcurrent::run([raster = raster_, requested] {
        DisplaySettings s = requested;
        try {
            StretchEstimator::complete(*raster, s);
        } catch (const std::exception &) {
            for (int band : s.bandsMissingStretch())
                s.stretches[band] = BandStretch{0.0, 1.0};
        }
        return s;
    }));
}

void MainWindow::showCursorPosition(const QPointF &p)
{
    if (!raster_ || !coords_)
        return;
    const bool inside = p.x() >= 0 && p.y() >= 0 && p.x() < raster_->width() && p.y() < raster_->height();
    if (!inside) {
        pixelLabel_->setText(tr("outside the raster"));
        mapLabel_->clear();
        lonLatLabel_->clear();
        return;
    }
    pixelLabel_->setText(tr("Pixel %1, %2").arg(int(std::floor(p.x()))).arg(int(std::floor(p.y()))));
    if (!raster_->metadata().isGeoreferenced()) {
        mapLabel_->clear();
        lonLatLabel_->clear();
        return;
    }
    const MapPoint map = coords_->pixelToMap(p.x(), p.y());
    const bool geographic = raster_->metadata().epsg && coords_->hasLonLat() &&
                            std::abs(raster_->metadata().pixelSizeX()) < 1.0 && std::abs(map.x) <= 360.0;
    const int decimals = geographic ? 6 : 2;
    mapLabel_->setText(tr("Map %1, %2").arg(map.x, 0, 'f', decimals).arg(map.y, 0, 'f', decimals));
    if (const auto ll = coords_->mapToLonLat(map))
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
    if (!raster_)
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
    if (!raster_ || jobRunning_)
        return;
    TileExportOptions options;
    options.tileSize = TileGrid::DefaultTileSize;
    options.overlap = display_->overlapPercent() / 100.0;
    options.outputDir = dir.toStdString();
    for (int id : grid_->selectedTiles())
        options.tileIds.push_back(id);
    const int total = options.tileIds.empty() && grid_->grid() ? grid_->grid()->count()
                                                               : static_cast<int>(options.tileIds.size());

    auto *job = new BackgroundJob(tr("Export Tiles"), tr("Writing %n tile(s)...", nullptr, total), this);
    jobRunning_ = true;
    connect(job, &BackgroundJob::finished, this, [this, dir](BackgroundJob::Outcome outcome, const QString &error) {
        jobRunning_ = false;
        if (outcome == BackgroundJob::Outcome::Canceled) {
            statusBar()->showMessage(tr("Tile export canceled; the tiles written so far are complete."), 8000);
            emit tileExportFinished(false, tr("Canceled"));
        } else if (outcome == BackgroundJob::Outcome::Failed) {
            showError(tr("Tile export failed"), tr("The tiles could not be written to %1.").arg(dir), error);
            emit tileExportFinished(false, error);
        } else {
            statusBar()->showMessage(tr("Tiles written to %1").arg(dir), 8000);
            emit tileExportFinished(true, dir);
        }
    });
    const TileExportJob work(raster_, canvas_->displaySettings(), options);
    job->start([work](const JobProgress &progress) { work.run(progress); });
}

void MainWindow::startOverviewBuild()
{
    if (!raster_ || jobRunning_)
        return;
    const QString path = QString::fromStdString(raster_->path());
    auto *job = new BackgroundJob(tr("Build Overviews"),
                                  tr("Building overviews for %1...").arg(QFileInfo(path).fileName()), this);
    jobRunning_ = true;
    connect(job, &BackgroundJob::finished, this, [this, path](BackgroundJob::Outcome outcome, const QString &error) {
        jobRunning_ = false;
        if (outcome == BackgroundJob::Outcome::Canceled) {
            statusBar()->showMessage(tr("Building overviews canceled; nothing was written."), 8000);
        } else if (outcome == BackgroundJob::Outcome::Failed) {
            showError(tr("Cannot build overviews"), tr("Overviews for %1 could not be built.").arg(QFileInfo(path).fileName()),
                      error);
        } else {
            statusBar()->showMessage(tr("Overviews built; reopening %1").arg(QFileInfo(path).fileName()), 8000);
            openRaster(path); // the new .ovr file is only seen by a fresh handle
        }
        emit overviewBuildFinished(outcome == BackgroundJob::Outcome::Succeeded);
    });
    const OverviewBuildJob work(path.toStdString());
    job->start([work](const JobProgress &progress) { work.run(progress); });
}

void MainWindow::updateAnalysisActions()
{
    const bool ready = model_ && raster_;
    labelTilesAction_->setEnabled(ready);
    findObjectsAction_->setEnabled(ready);
    groundingAction_->setEnabled(ready);
    regionToolAction_->setEnabled(ready);
    if (!ready)
        regionToolAction_->setChecked(false);
    // The results list follows results_: bounds back in raster pixels for zooming.
    std::vector<ResultRow> rows;
    for (const AnalysisFeature &f : results_) {
        QRectF bounds;
        if (coords_) {
            for (const MapPoint &p : f.polygon) {
                const MapPoint px = coords_->mapToPixel(p.x, p.y);
                bounds = bounds.isNull() ? QRectF(px.x, px.y, 1e-9, 1e-9) : bounds.united(QRectF(px.x, px.y, 1e-9, 1e-9));
            }
        }
        rows.push_back({QString::fromStdString(f.task), QString::fromStdString(f.label), f.score, f.tileId, bounds});
    }
    resultsPanel_->setResults(std::move(rows));
    exportResultsAction_->setEnabled(!results_.empty());
    chat_->setReady(ready);
    clearResultsAction_->setEnabled(!results_.empty());
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
    if (jobRunning_)
        return;
    jobRunning_ = true;
    auto loaded = std::make_shared<std::shared_ptr<GeoChatModel>>();
    auto *job = new BackgroundJob(tr("Load Model"), tr("Loading the model from %1...").arg(QFileInfo(folder).fileName()), this);
    connect(job, &BackgroundJob::finished, this, [this, loaded, folder, options](BackgroundJob::Outcome outcome, const QString &error) {
        jobRunning_ = false;
        if (outcome != BackgroundJob::Outcome::Succeeded || !*loaded) {
            if (outcome == BackgroundJob::Outcome::Failed)
                showError(tr("Cannot load the model"), tr("GeoLens cannot load the model in %1.").arg(folder), error);
            else
                statusBar()->showMessage(tr("Loading the model was canceled."), 8000);
            emit modelLoadFailed(error);
            return;
        }
        model_ = *loaded;
        modelFolder_ = folder;
        modelOptions_ = options;
        modelOptions_.progress = nullptr;
        QSettings().setValue(ModelDirKey, folder);
        const ModelConfig &c = model_->config();
        const char *layouts[] = {"GeoChat", "llava-hf", "llava-hf (nested)"};
        modelLabel_->setToolTip(tr("%1\n%2 layout, %3 billion parameters, %4 MiB of weights\n%5 layers, hidden size %6, "
                                   "%7 px input, %8 image tokens")
                                    .arg(folder)
                                    .arg(QString::fromLatin1(layouts[static_cast<int>(c.layout)]))
                                    .arg(model_->parameterCount() / 1e9, 0, 'f', 2)
                                    .arg(model_->weightBytes() >> 20)
                                    .arg(c.text.layers)
                                    .arg(c.text.hiddenSize)
                                    .arg(c.inputSize)
                                    .arg(c.imageTokens()));
        retranslate();
        updateAnalysisActions();
        statusBar()->showMessage(tr("Model loaded: %1").arg(QFileInfo(folder).fileName()), 8000);
        emit modelLoaded(folder);
    });
    job->start([folder, options, loaded](const JobProgress &progress) {
        ModelLoadOptions withProgress = options;
        withProgress.progress = &progress;
        *loaded = GeoChatModel::load(folder.toStdString(), withProgress);
    });
}

void MainWindow::chooseSceneLabels()
{
    if (!model_ || !raster_)
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
    if (!model_ || !raster_ || jobRunning_)
        return;
    SceneLabelOptions options = requested;
    options.overlap = display_->overlapPercent() / 100.0;
    options.tileIds = tilesToAnalyse();
    auto labels = std::make_shared<std::vector<SceneLabel>>();
    auto *job = new BackgroundJob(tr("Label Tiles"), tr("Labelling tiles with %1...").arg(QFileInfo(modelFolder_).fileName()), this);
    jobRunning_ = true;
    connect(job, &BackgroundJob::finished, this, [this, labels, options](BackgroundJob::Outcome outcome, const QString &error) {
        jobRunning_ = false;
        if (outcome != BackgroundJob::Outcome::Succeeded) {
            if (outcome == BackgroundJob::Outcome::Failed)
                showError(tr("Labelling failed"), tr("The tiles could not be labelled."), error);
            emit analysisFinished(false, error);
            return;
        }
        const CoordinateTransformer &coords = *coords_;
        std::vector<TileLabel> shown;
        for (const SceneLabel &l : *labels) {
            if (l.skipped)
                continue;
            QString details;
            for (const auto &[name, p] : l.top)
                details += (details.isEmpty() ? QString() : QStringLiteral("\n")) +
                           QStringLiteral("%1  %2 %").arg(QString::fromStdString(name)).arg(p * 100.0, 0, 'f', 1);
            if (!l.answer.empty())
                details += (details.isEmpty() ? QString() : QStringLiteral("\n")) + tr("Answer: %1").arg(QString::fromStdString(l.answer));
            shown.push_back({l.tile, QString::fromStdString(l.label), l.score, l.matched, details});
            results_.push_back(sceneLabelFeature(l, coords, SceneLabelJob::prompt(options.classes),
                                                 QFileInfo(modelFolder_).fileName().toStdString()));
        }
        analysis_->setTileLabels(std::move(shown));
        updateAnalysisActions();
        statusBar()->showMessage(tr("Labelled %n tile(s)", nullptr, static_cast<int>(analysis_->tileLabels().size())), 8000);
        emit analysisFinished(true, QString());
    });
    std::shared_ptr<GeoChatModel> model = model_;
    std::shared_ptr<const RasterDataset> raster = raster_;
    const DisplaySettings display = canvas_->displaySettings();
    job->start([model, raster, display, options, labels](const JobProgress &progress) {
        *labels = SceneLabelJob(raster, *model, display, options).run(progress);
    });
}

void MainWindow::chooseFindObjects()
{
    if (!model_ || !raster_)
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
    if (!model_ || !raster_ || jobRunning_)
        return;
    BoxAnalysisOptions options;
    options.task = task;
    const bool grounding = options.task == BoxAnalysisOptions::Task::Grounding;
    options.query = query.toStdString();
    options.overlap = display_->overlapPercent() / 100.0;
    options.tileIds = tilesToAnalyse();
    auto found = std::make_shared<BoxAnalysisResult>();
    auto *job = grounding ? new BackgroundJob(tr("Describe with Boxes"), tr("Describing the tiles..."), this)
                          : new BackgroundJob(tr("Find Objects"), tr("Looking for %1...").arg(query), this);
    jobRunning_ = true;
    connect(job, &BackgroundJob::finished, this, [this, found, grounding](BackgroundJob::Outcome outcome, const QString &error) {
        jobRunning_ = false;
        if (outcome != BackgroundJob::Outcome::Succeeded) {
            if (outcome == BackgroundJob::Outcome::Failed)
                showError(tr("Finding objects failed"), tr("The search could not run."), error);
            emit analysisFinished(false, error);
            return;
        }
        std::vector<MapBox> boxes = analysis_->boxes();
        for (const BoxResult &b : found->boxes) {
            boxes.push_back({b.pixelBox, QString::fromStdString(b.label)});
            results_.push_back(boxFeature(b, *coords_, grounding ? "grounding" : "refer",
                                          QFileInfo(modelFolder_).fileName().toStdString()));
        }
        analysis_->setBoxes(std::move(boxes));
        updateAnalysisActions();
        statusBar()->showMessage(tr("Found %n box(es)", nullptr, static_cast<int>(found->boxes.size())), 8000);
        emit analysisFinished(true, QString());
    });
    std::shared_ptr<GeoChatModel> model = model_;
    std::shared_ptr<const RasterDataset> raster = raster_;
    const DisplaySettings display = canvas_->displaySettings();
    job->start([model, raster, display, options, found](const JobProgress &progress) {
        *found = BoxAnalysisJob(raster, *model, display, options).run(progress);
    });
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
    if (!raster_ || results_.empty())
        return false;
    try {
        if (path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
            writeAnalysisTable(path.toStdString(), results_);
        else
            writeAnalysisFeatures(path.toStdString(), results_, raster_->metadata());
        statusBar()->showMessage(tr("Results written to %1").arg(path), 8000);
        return true;
    } catch (const std::exception &e) {
        showError(tr("Export failed"), tr("The results could not be written to %1.").arg(path), QString::fromStdString(e.what()));
        return false;
    }
}

void MainWindow::askChat(const QString &question)
{
    if (!model_ || !raster_ || jobRunning_)
        return;
    // The subject: the one selected tile, else what the view shows (up to 1008 px).
    const QList<int> selected = grid_->selectedTiles();
    const int subject = selected.size() == 1 ? selected.first() : -1;
    if (!chatSubject_ || *chatSubject_ != subject) {
        chatHistory_.clear();
        chatSubject_ = subject;
        chat_->setContext(subject >= 0 ? tr("About tile #%1").arg(subject) : tr("About the current view"));
    }
    RgbImage image;
    std::optional<TileFrame> frame;
    try {
        PixelRect window;
        if (subject >= 0) {
            const Tile tile = grid_->grid()->tile(subject);
            window = tile.validRect();
            frame = TileFrame::validPart(tile);
        } else {
            const QRectF view = canvas_->visibleRasterRect().intersected(QRectF(0, 0, raster_->width(), raster_->height()));
            window = PixelRect{int(view.left()), int(view.top()), std::max(1, int(view.width())), std::max(1, int(view.height()))};
            const int side = std::max(window.width, window.height);
            frame = TileFrame(window.x - (side - window.width) / 2, window.y - (side - window.height) / 2, side);
        }
        // Large views are read at reduced resolution: the model sees 504 px anyway.
        const double shrink = std::min(1.0, 1008.0 / std::max(window.width, window.height));
        const int w = std::max(1, int(std::lround(window.width * shrink)));
        const int h = std::max(1, int(std::lround(window.height * shrink)));
        image = renderModelImage(*raster_, canvas_->displaySettings(), window, w, h);
    } catch (const std::exception &e) {
        showError(tr("Cannot ask the model"), tr("The image for the question could not be read."), QString::fromStdString(e.what()));
        return;
    }

    chat_->addQuestion(question);
    chat_->beginAnswer();
    chat_->setBusy(true);
    jobRunning_ = true;
    chatCancel_ = std::make_shared<std::atomic<bool>>(false);
    GenerationRequest request;
    request.question = question.toStdString();
    request.history = chatHistory_;
    // A long conversation forgets its oldest turns rather than overflowing the model's context,
    // and the answer gets the room that is left (up to 512 tokens).
    const ModelConfig &config = model_->config();
    auto promptLength = [&] {
        return static_cast<int>(model_->promptTokens(request).size()) - 1 + config.imageTokens();
    };
    while (!request.history.empty() && promptLength() + 64 > config.text.maxPositions)
        request.history.erase(request.history.begin());
    chatHistory_ = request.history;
    request.maxNewTokens = std::max(1, std::min(512, config.text.maxPositions - promptLength() - 1));
    request.cancel = chatCancel_.get();
    QPointer<ChatPanel> panel = chat_;
    request.onText = [panel](const std::string &piece) {
        const QString text = QString::fromStdString(piece);
        QMetaObject::invokeMethod(qApp, [panel, text] {
            if (panel)
                panel->appendToAnswer(text);
        }, Qt::QueuedConnection);
    };
    auto *watcher = new QFutureWatcher<std::pair<GenerationResult, QString>>(this);
    connect(watcher, &QFutureWatcher<std::pair<GenerationResult, QString>>::finished, this, [this, watcher, question, frame, subject] {
        watcher->deleteLater();
        jobRunning_ = false;
        chat_->setBusy(false);
        const auto [answer, error] = watcher->result();
        if (!error.isEmpty()) {
            chat_->endAnswer(false, tr("The model could not answer: %1").arg(error));
            emit chatAnswered(QString());
            return;
        }
        const BoxParseResult parsed = parseBoxes(answer.text);
        QString note;
        if (!parsed.boxes.empty()) {
            std::vector<MapBox> boxes = analysis_->boxes();
            for (const ParsedBox &b : parsed.boxes) {
                BoxResult r;
                r.tileId = subject;
                r.label = b.label.empty() ? std::string("chat") : b.label;
                r.pixelBox = frame->gridToPixel(b.gridBox());
                r.prompt = question.toStdString();
                r.answer = answer.text;
                boxes.push_back({r.pixelBox, QString::fromStdString(r.label)});
                results_.push_back(boxFeature(r, *coords_, "chat", QFileInfo(modelFolder_).fileName().toStdString()));
            }
            analysis_->setBoxes(std::move(boxes));
            note = tr("%n box(es) drawn on the map", nullptr, static_cast<int>(parsed.boxes.size()));
            updateAnalysisActions();
        }
        chat_->endAnswer(answer.cancelled, note);
        chatHistory_.push_back({question.toStdString(), answer.text});
        emit chatAnswered(QString::fromStdString(answer.text));
    });
    std::shared_ptr<GeoChatModel> model = model_;
    watcher->setFuture(QtConcurrent::run([model, image, request]() -> std::pair<GenerationResult, QString> {
        try {
            return {model->generate(image, request), QString()};
        } catch (const std::exception &e) {
            return {GenerationResult{}, QString::fromStdString(e.what())};
        }
    }));
}

void MainWindow::stopChat()
{
    if (chatCancel_)
        chatCancel_->store(true);
}

DistillRunMonitor *MainWindow::distillMonitor()
{
    if (!monitor_) {
        // A window of its own: the run goes on when it is closed, and reopening the folder
        // reattaches to it.
        monitor_ = new DistillRunMonitor(this);
        monitor_->setWindowFlag(Qt::Window);
        monitor_->resize(1100, 760);
        connect(monitor_, &DistillRunMonitor::compareModelsRequested, this,
                [this](const QString &teacher, const QString &student) { showModelComparison(teacher, student); });
        connect(monitor_, &DistillRunMonitor::openModelRequested, this, [this](const QString &folder) {
            loadModel(folder);
            raise();
            activateWindow();
        });
    }
    return monitor_;
}

ModelComparisonDialog *MainWindow::comparisonDialog()
{
    if (!comparison_) {
        comparison_ = new ModelComparisonDialog(this);
        connect(comparison_, &ModelComparisonDialog::mapResultsChanged, this,
                [this](const std::vector<TileLabel> &labels, const std::vector<MapBox> &boxes) {
                    // The comparison takes the map's analysis layer over; the results list and
                    // its export keep what the analysis tasks found.
                    analysis_->setTileLabels(labels);
                    analysis_->setBoxes(boxes);
                });
        connect(comparison_, &ModelComparisonDialog::comparisonFinished, this, [this](bool ok) {
            emit analysisFinished(ok, ok ? QString() : comparison_->problem());
        });
        connect(grid_, &TileGridOverlay::selectionChanged, comparison_, [this](const QList<int> &ids) {
            if (comparison_->isVisible() && !comparison_->isRunning())
                comparison_->setTiles(ids);
        });
    }
    return comparison_;
}

void MainWindow::showModelComparison(const QString &teacherFolder, const QString &studentFolder)
{
    ModelComparisonDialog *dialog = comparisonDialog();
    if (!dialog->isRunning()) {
        if (raster_)
            dialog->setRaster(raster_, canvas_->displaySettings(), display_->overlapPercent() / 100.0);
        dialog->setTiles(grid_->selectedTiles());
        // The loaded model is the likely student when none is named.
        dialog->setModels(teacherFolder, studentFolder.isEmpty() ? modelFolder_ : studentFolder);
        ModelLoadOptions options;
        options.imageSize = modelOptions_.imageSize;
        options.threads = modelOptions_.threads;
        dialog->setLoadOptions(options);
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
}

bool MainWindow::startModelComparison(const QString &teacherFolder, const QString &studentFolder,
                                      ComparisonTask::Kind task, const QString &text)
{
    showModelComparison(teacherFolder, studentFolder);
    comparison_->setTask(task, text);
    return comparison_->start();
}

void MainWindow::showDistillMonitor()
{
    // Titled after the run it now shows.
    monitor_->setWindowTitle(tr("Distillation: %1").arg(monitor_->runDir()));
    monitor_->show();
    monitor_->raise();
}

void MainWindow::startDistillationWizard()
{
    DistillWizard wizard(this);
    if (wizard.exec() != QDialog::Accepted)
        return;
    const DistillConfig config = wizard.config();
    const QString runDir = QString::fromStdString(config.out);
    const QString runFile = QString::fromStdString(DistillConfig::runFilePath(config.out));
    try {
        QDir().mkpath(runDir);
        config.save(runFile.toStdString());
    } catch (const std::exception &e) {
        showError(tr("The run could not be started"), tr("The run configuration could not be written to %1.").arg(runFile),
                  QString::fromStdString(e.what()));
        return;
    }
    QSettings().setValue(QStringLiteral("distill/lastRun"), runDir);
    DistillRunMonitor *monitor = distillMonitor();
    if (!monitor->start({QStringLiteral("--config"), runFile}, runDir)) {
        showError(tr("The run could not be started"), tr("geolens-cli distill did not start."), monitor->errorString());
        return;
    }
    showDistillMonitor();
}

void MainWindow::openDistillationRun(const QString &runDir)
{
    QSettings().setValue(QStringLiteral("distill/lastRun"), runDir);
    DistillRunMonitor *monitor = distillMonitor();
    monitor->openRunFolder(runDir);
    showDistillMonitor();
}

void MainWindow::startRegionCaption(const QRectF &rect, double angleDegrees)
{
    if (!model_ || !raster_ || jobRunning_) {
        if (!model_)
            statusBar()->showMessage(tr("Load a model first (Analysis > Load Model) to describe a region."), 8000);
        return;
    }
    BoxAnalysisOptions options;
    options.task = BoxAnalysisOptions::Task::Caption;
    options.region = RotatedBox::fromCorners(rect.left(), rect.top(), rect.right(), rect.bottom(), angleDegrees);
    options.overlap = display_->overlapPercent() / 100.0;
    auto found = std::make_shared<BoxAnalysisResult>();
    auto *job = new BackgroundJob(tr("Describe Region"), tr("Describing the region..."), this);
    jobRunning_ = true;
    connect(job, &BackgroundJob::finished, this, [this, found](BackgroundJob::Outcome outcome, const QString &error) {
        jobRunning_ = false;
        if (outcome != BackgroundJob::Outcome::Succeeded || found->boxes.empty()) {
            if (outcome == BackgroundJob::Outcome::Failed)
                showError(tr("Describing the region failed"), tr("The region could not be described."), error);
            emit analysisFinished(false, error);
            return;
        }
        const BoxResult &caption = found->boxes.front();
        std::vector<MapBox> boxes = analysis_->boxes();
        boxes.push_back({caption.pixelBox, QString::fromStdString(caption.label)});
        analysis_->setBoxes(std::move(boxes));
        results_.push_back(boxFeature(caption, *coords_, "caption", QFileInfo(modelFolder_).fileName().toStdString()));
        updateAnalysisActions();
        statusBar()->showMessage(tr("Region: %1").arg(QString::fromStdString(caption.label)), 15000);
        emit analysisFinished(true, QString());
    });
    std::shared_ptr<GeoChatModel> model = model_;
    std::shared_ptr<const RasterDataset> raster = raster_;
    const DisplaySettings display = canvas_->displaySettings();
    job->start([model, raster, display, options, found](const JobProgress &progress) {
        *found = BoxAnalysisJob(raster, *model, display, options).run(progress);
    });
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
