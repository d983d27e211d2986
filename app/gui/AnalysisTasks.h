#pragma once

#include "analysis/BoxAnalysisJob.h"
#include "analysis/ChatSession.h"
#include "analysis/SceneLabelJob.h"
#include "model/GeoChatModel.h"
#include "raster/DisplaySettings.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <memory>

namespace geolens {

class AnalysisLayer;
class AnalysisSession;
class ChatPanel;
class TaskRunner;

// The model's work for the workbench: loading a model, scene labels, boxes, region captions and
// the chat, each on the window's TaskRunner. What they find goes into the AnalysisSession and onto
// the map's AnalysisLayer; the chat streams into the ChatPanel. A task asked for while another
// runs, or without a raster and a model, does not start.
class AnalysisTasks : public QObject {
    Q_OBJECT

public:
    AnalysisTasks(AnalysisSession *session, TaskRunner *runner, AnalysisLayer *layer, ChatPanel *chat,
                  QObject *parent = nullptr);

    // Emits modelLoaded or modelLoadFailed.
    void loadModel(const QString &folder, const ModelLoadOptions &options);
    // The options name the tiles and the overlap; each emits analysisFinished.
    void labelScenes(const SceneLabelOptions &options, const DisplaySettings &display);
    void findBoxes(const BoxAnalysisOptions &options, const DisplaySettings &display);
    // The caption of options.region.
    void describeRegion(const BoxAnalysisOptions &options, const DisplaySettings &display);
    // Asks about the picture of the chat's current subject; emits chatAnswered.
    void ask(const QString &question, const ChatPicture &picture);
    void stopChat();

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

    AnalysisSession *session_;
    TaskRunner *runner_;
    AnalysisLayer *layer_;
    QPointer<ChatPanel> chat_;
    // The running chat's stop flag; expired when no chat runs.
    std::weak_ptr<std::atomic<bool>> chatStop_;
};

} // namespace geolens
