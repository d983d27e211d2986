#pragma once

#include "analysis/BoxAnalysisJob.h"
#include "analysis/ChatSession.h"
#include "analysis/SceneLabelJob.h"
#include "geometry/RotatedBox.h"
#include "model/GeoChatModel.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <memory>

namespace geolens {

class AnalysisLayer;
class AnalysisSession;
class ChatPanel;
class MapCanvas;
class TileGridOverlay;
class TaskRunner;

// The model's work for the workbench: loading a model, scene labels, boxes, region captions and
// the chat, each on the window's TaskRunner. They work on the tiles selected on the map (all when
// none is), at the grid's overlap, with the pixels as the canvas shows them. What they find goes
// into the AnalysisSession and onto the map's AnalysisLayer; the chat streams into the ChatPanel.
// A task asked for while another runs, or without a raster and a model, does not start.
class AnalysisTasks : public QObject {
    Q_OBJECT

public:
    AnalysisTasks(AnalysisSession *session, TaskRunner *runner, MapCanvas *canvas, TileGridOverlay *grid,
                  AnalysisLayer *layer, ChatPanel *chat, QObject *parent = nullptr);

    // Emits modelLoaded or modelLoadFailed.
    void loadModel(const QString &folder, const ModelLoadOptions &options);
    // Each emits analysisFinished; the tiles and the overlap of options are the map's.
    void labelScenes(const SceneLabelOptions &options);
    // Scene labels and aspect probabilities from a trained multi-aspect classifier (its folder);
    // needs a raster only.
    void labelWithClassifier(const QString &folder);
    // Refer (boxes around what query names) or Grounding (query unused).
    void findBoxes(BoxAnalysisOptions::Task task, const QString &query);
    // A caption for a region of the raster (pixels).
    void describeRegion(const RotatedBox &region);
    // Asks about the one selected tile, or else the view; emits chatAnswered.
    void ask(const QString &question);
    void stopChat();
    // Writes the session's results (.gpkg, .geojson or .csv); false when there were none or
    // writing failed (then failed is emitted).
    bool exportResults(const QString &path);

signals:
    void modelLoaded(const QString &folder);
    void modelLoadFailed(const QString &message);
    void analysisFinished(bool ok, const QString &message);
    void chatAnswered(const QString &answer);
    // For the window: an error worth a dialog, and a line for the status bar.
    void failed(const QString &title, const QString &summary, const QString &details);
    void statusMessage(const QString &message, int timeoutMs);

private:
    bool canRun() const;
    std::vector<int> selectedTiles() const; // empty: every tile
    double overlap() const;
    // The picture of the chat's subject, which becomes the selected tile or the view.
    std::optional<ChatPicture> chatPicture();
    // Puts labels on the map and in the results: a tile labelled again gets its new label in both,
    // the other tiles keep theirs.
    void showSceneLabels(const std::vector<SceneLabel> &labels, const std::string &prompt, const std::string &model);

    AnalysisSession *session_;
    TaskRunner *runner_;
    MapCanvas *canvas_;
    TileGridOverlay *grid_;
    AnalysisLayer *layer_;
    QPointer<ChatPanel> chat_;
    // The running chat's stop flag; expired when no chat runs.
    std::weak_ptr<std::atomic<bool>> chatStop_;
};

} // namespace geolens
