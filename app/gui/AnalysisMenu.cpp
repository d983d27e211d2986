#include "AnalysisMenu.h"

#include "AnalysisLayer.h"
#include "AnalysisSession.h"
#include "AnalysisTasks.h"
#include "MapCanvas.h"
#include "ModelLoadDialog.h"
#include "RecentFilesMenu.h"
#include "SceneLabelDialog.h"
#include "TileGridOverlay.h"
#include "geometry/TileGrid.h"

#include <QActionGroup>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QSettings>

namespace geolens {

namespace {

const char *const ModelDirKey = "model/lastFolder";
const char *const RecentModelsKey = "model/recentFolders";
constexpr int RecentModelCount = 8;
const char *const QueryKey = "analysis/lastQuery";
const char *const ExportDirKey = "files/lastExportDir";
const char *const ClassifierDirKey = "analysis/lastClassifier";

QAction *addShortcutAction(QMenu *menu, const QKeySequence &shortcut)
{
    QAction *action = menu->addAction(QString());
    action->setShortcut(shortcut);
    return action;
}

} // namespace

AnalysisMenu::AnalysisMenu(AnalysisSession *session, AnalysisTasks *tasks, MapCanvas *canvas, TileGridOverlay *grid,
                           AnalysisLayer *layer, QWidget *parent)
    : QMenu(parent), session_(session), tasks_(tasks), canvas_(canvas), grid_(grid), layer_(layer)
{
    loadModel_ = addShortcutAction(this, QKeySequence(Qt::CTRL | Qt::Key_M));
    recentModels_ = addMenu(QString());
    recentModels_->setObjectName(QStringLiteral("recentModels"));
    addSeparator();
    labelTiles_ = addShortcutAction(this, QKeySequence(Qt::CTRL | Qt::Key_L));
    classifierLabels_ = addShortcutAction(this, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    findObjects_ = addShortcutAction(this, QKeySequence(Qt::CTRL | Qt::Key_F));
    grounding_ = addShortcutAction(this, QKeySequence(Qt::CTRL | Qt::Key_G));
    regionTool_ = addShortcutAction(this, QKeySequence(Qt::CTRL | Qt::Key_R));
    regionTool_->setCheckable(true);
    addSeparator();
    colourBy_ = addMenu(QString());
    colourBy_->setObjectName(QStringLiteral("colourTilesBy"));
    exportResults_ = addShortcutAction(this, QKeySequence());
    clearResults_ = addShortcutAction(this, QKeySequence());

    connect(loadModel_, &QAction::triggered, this, &AnalysisMenu::chooseModelFolder);
    connect(labelTiles_, &QAction::triggered, this, &AnalysisMenu::chooseSceneLabels);
    connect(classifierLabels_, &QAction::triggered, this, &AnalysisMenu::chooseClassifier);
    connect(layer, &AnalysisLayer::changed, this, &AnalysisMenu::rebuildColouring);
    connect(findObjects_, &QAction::triggered, this, &AnalysisMenu::chooseFindObjects);
    connect(grounding_, &QAction::triggered, this,
            [this] { tasks_->findBoxes(BoxAnalysisOptions::Task::Grounding, QString()); });
    connect(regionTool_, &QAction::toggled, canvas_, &MapCanvas::setRegionToolActive);
    connect(exportResults_, &QAction::triggered, this, &AnalysisMenu::chooseExportResults);
    connect(clearResults_, &QAction::triggered, this, [this, layer] {
        layer->clear();
        session_->clearResults();
    });
    connect(session_, &AnalysisSession::modelChanged, this, [this] {
        const QString folder = session_->modelFolder();
        if (folder.isEmpty())
            return;
        QSettings().setValue(ModelDirKey, folder);
        QStringList recent = recentModelFolders();
        recent.removeAll(folder);
        recent.prepend(folder);
        QSettings().setValue(RecentModelsKey, recent.mid(0, RecentModelCount));
        rebuildRecentModels();
    });
    for (auto changed : {&AnalysisSession::rasterChanged, &AnalysisSession::modelChanged, &AnalysisSession::resultsChanged})
        connect(session_, changed, this, &AnalysisMenu::updateActions);
    retranslate();
    updateActions();
}

QString AnalysisMenu::exportFolder()
{
    return QSettings().value(ExportDirKey, RecentFilesMenu::lastFolder()).toString();
}

void AnalysisMenu::setExportFolder(const QString &folder)
{
    QSettings().setValue(ExportDirKey, folder);
}

QStringList AnalysisMenu::recentModelFolders()
{
    return QSettings().value(RecentModelsKey).toStringList();
}

void AnalysisMenu::rebuildRecentModels()
{
    recentModels_->clear();
    const QStringList folders = recentModelFolders();
    for (const QString &folder : folders) {
        QAction *action = recentModels_->addAction(QDir::toNativeSeparators(folder));
        action->setToolTip(tr("Load %1 with the image size and weights last chosen for it").arg(folder));
        connect(action, &QAction::triggered, this, [this, folder] { loadRecentModel(folder); });
    }
    if (!folders.isEmpty()) {
        recentModels_->addSeparator();
        QAction *clear = recentModels_->addAction(tr("Clear List"));
        connect(clear, &QAction::triggered, this, [this] {
            QSettings().remove(RecentModelsKey);
            rebuildRecentModels();
        });
    }
    recentModels_->setEnabled(!folders.isEmpty());
}

void AnalysisMenu::loadRecentModel(const QString &folder)
{
    // The dialog is not shown: it reads what was remembered for this folder, and says why a
    // folder that changed since cannot be loaded.
    ModelLoadDialog dialog(parentWidget());
    dialog.setFolder(folder);
    if (!dialog.canLoad()) {
        dialog.exec(); // shows the reason; the user may pick another folder
        if (dialog.result() != QDialog::Accepted)
            return;
    }
    tasks_->loadModel(dialog.folder(), dialog.loadOptions());
}

void AnalysisMenu::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMenu::changeEvent(event);
}

void AnalysisMenu::retranslate()
{
    setTitle(tr("&Analysis"));
    loadModel_->setText(tr("Load &Model..."));
    loadModel_->setToolTip(tr("Load a GeoChat or LLaVA-1.5 model folder"));
    recentModels_->setTitle(tr("Recent &Models"));
    rebuildRecentModels();
    labelTiles_->setText(tr("&Label Tiles..."));
    labelTiles_->setToolTip(tr("Give each selected tile (or every tile) a scene class"));
    classifierLabels_->setText(tr("Label Tiles with &Classifier..."));
    classifierLabels_->setToolTip(tr("Label the selected tiles (or every tile) with a trained multi-aspect tile "
                                     "classifier: a class and the probability of each aspect, hundreds of times faster "
                                     "than the model. Needs no model."));
    colourBy_->setTitle(tr("C&olour Tiles By"));
    colourBy_->setToolTip(tr("Colour the labelled tiles by their class, or as a heat map of one aspect"));
    rebuildColouring();
    findObjects_->setText(tr("&Find Objects..."));
    findObjects_->setToolTip(tr("Draw boxes around the objects a query names, in the selected tiles (or all)"));
    grounding_->setText(tr("&Describe with Boxes"));
    grounding_->setToolTip(tr("Describe the selected tiles (or all) with boxes around what is mentioned"));
    regionTool_->setText(tr("Describe &Region"));
    regionTool_->setToolTip(tr("Drag a rectangle on the map to have the model describe it; turn it with the "
                               "mouse wheel while dragging (Ctrl for 1 degree steps). Shift+drag works at any time."));
    exportResults_->setText(tr("&Export Results..."));
    exportResults_->setToolTip(tr("Write the results to a GeoPackage, GeoJSON or CSV file in the raster's CRS"));
    clearResults_->setText(tr("&Clear Results"));
}

void AnalysisMenu::updateActions()
{
    const bool ready = session_->isReady();
    for (QAction *action : {labelTiles_, findObjects_, grounding_, regionTool_})
        action->setEnabled(ready);
    classifierLabels_->setEnabled(session_->raster() != nullptr);
    if (!ready)
        regionTool_->setChecked(false);
    const bool any = !session_->results().empty();
    exportResults_->setEnabled(any);
    clearResults_->setEnabled(any);
}

void AnalysisMenu::chooseClassifier()
{
    if (!session_->raster())
        return;
    QString folder = QFileDialog::getExistingDirectory(
        parentWidget(), tr("Choose a Tile Classifier"), QSettings().value(ClassifierDirKey, QDir::homePath()).toString());
    if (folder.isEmpty())
        return;
    // A training run's folder holds its best classifier in classifier/.
    if (!QFileInfo::exists(folder + QStringLiteral("/classifier.json")) &&
        QFileInfo::exists(folder + QStringLiteral("/classifier/classifier.json")))
        folder += QStringLiteral("/classifier");
    QSettings().setValue(ClassifierDirKey, folder);
    tasks_->labelWithClassifier(folder);
}

void AnalysisMenu::rebuildColouring()
{
    const QStringList aspects = layer_->aspectKeys();
    if (!aspects.contains(layer_->colouring()) && !layer_->colouring().isEmpty()) {
        layer_->setColouring(QString()); // emits changed, which rebuilds again
        return;
    }
    colourBy_->clear();
    auto *group = new QActionGroup(colourBy_);
    const auto add = [&](const QString &text, const QString &aspect) {
        QAction *action = colourBy_->addAction(text);
        action->setCheckable(true);
        action->setChecked(layer_->colouring() == aspect);
        action->setData(aspect);
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, aspect] { layer_->setColouring(aspect); });
    };
    add(tr("Class"), QString());
    if (!aspects.isEmpty())
        colourBy_->addSeparator();
    for (const QString &aspect : aspects)
        add(tr("Aspect: %1").arg(aspect), aspect);
    colourBy_->setEnabled(!layer_->tileLabels().empty());
}

void AnalysisMenu::chooseModelFolder()
{
    ModelLoadDialog dialog(parentWidget());
    if (dialog.folder().isEmpty())
        dialog.setFolder(QSettings().value(ModelDirKey).toString());
    if (dialog.exec() != QDialog::Accepted)
        return;
    tasks_->loadModel(dialog.folder(), dialog.loadOptions());
}

void AnalysisMenu::chooseSceneLabels()
{
    if (!session_->isReady())
        return;
    SceneLabelDialog dialog(parentWidget());
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
    tasks_->labelScenes(options);
}

void AnalysisMenu::chooseFindObjects()
{
    if (!session_->isReady())
        return;
    bool ok = false;
    const QString query = QInputDialog::getText(parentWidget(), tr("Find Objects"), tr("What should GeoLens look for?"),
                                                QLineEdit::Normal, QSettings().value(QueryKey).toString(), &ok);
    if (!ok || query.trimmed().isEmpty())
        return;
    QSettings().setValue(QueryKey, query.trimmed());
    tasks_->findBoxes(BoxAnalysisOptions::Task::Refer, query.trimmed());
}

void AnalysisMenu::chooseExportResults()
{
    const QString path = QFileDialog::getSaveFileName(parentWidget(), tr("Export Results"),
                                                      exportFolder() + QStringLiteral("/results.gpkg"),
                                                      tr("GeoPackage (*.gpkg);;GeoJSON (*.geojson);;CSV table (*.csv)"));
    if (!path.isEmpty())
        tasks_->exportResults(path);
}

} // namespace geolens
