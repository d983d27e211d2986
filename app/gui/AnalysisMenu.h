#pragma once

#include <QMenu>

class QAction;

namespace geolens {

class AnalysisLayer;
class AnalysisSession;
class AnalysisTasks;
class MapCanvas;
class TileGridOverlay;

// Analysis: loading a model, the tasks on the tiles, the region tool and the results, each asking
// what it needs (a folder, the classes, a query, a file) before it hands over to the
// AnalysisTasks. The tasks are enabled while the session has a raster and a model, the results
// while there are some.
class AnalysisMenu : public QMenu {
    Q_OBJECT

public:
    AnalysisMenu(AnalysisSession *session, AnalysisTasks *tasks, MapCanvas *canvas, TileGridOverlay *grid,
                 AnalysisLayer *layer, QWidget *parent = nullptr);

    // Where results and tiles were last written to, shared with File > Export Tiles.
    static QString exportFolder();
    static void setExportFolder(const QString &folder);
    // Analysis > Recent Models: the model folders loaded last, newest first (QSettings).
    static QStringList recentModelFolders();

public slots:
    // The Load Model dialog, then the load (Ctrl+M; the empty panes' and the status bar's button).
    void chooseModelFolder();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void updateActions();
    void rebuildRecentModels();
    void loadRecentModel(const QString &folder);
    void chooseSceneLabels();
    void chooseClassifier();
    // Analysis > Colour Tiles By: Class, then one entry per aspect the labels carry.
    void rebuildColouring();
    void chooseFindObjects();
    void chooseExportResults();

    AnalysisSession *session_;
    AnalysisTasks *tasks_;
    MapCanvas *canvas_;
    TileGridOverlay *grid_;
    AnalysisLayer *layer_;
    QMenu *recentModels_, *colourBy_;
    QAction *classifierLabels_;
    QAction *loadModel_, *labelTiles_, *findObjects_, *grounding_, *regionTool_, *exportResults_, *clearResults_;
};

} // namespace geolens
