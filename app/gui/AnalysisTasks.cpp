#include "AnalysisTasks.h"

#include "analysis/ClassifierLabelJob.h"
#include "distill/TileClassifier.h"

#include "AnalysisLayer.h"
#include "ChatPanel.h"
#include "MapCanvas.h"
#include "TileGridOverlay.h"
#include "analysis/AnalysisFeatures.h"
#include "AnalysisSession.h"
#include "common/JobProgress.h"
#include "geometry/TileGrid.h"
#include "TaskRunner.h"
#include "raster/CoordinateTransformer.h"
#include "raster/RasterDataset.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>

namespace geolens {

namespace {

// The map's boxes with the new ones after them.
std::vector<MapBox> withBoxes(std::vector<MapBox> boxes, const std::vector<BoxResult> &found)
{
    for (const BoxResult &b : found)
        boxes.push_back({b.pixelBox, QString::fromStdString(b.label)});
    return boxes;
}

} // namespace

AnalysisTasks::AnalysisTasks(AnalysisSession *session, TaskRunner *runner, MapCanvas *canvas, TileGridOverlay *grid,
                             AnalysisLayer *layer, ChatPanel *chat, QObject *parent)
    : QObject(parent), session_(session), runner_(runner), canvas_(canvas), grid_(grid), layer_(layer), chat_(chat)
{
}

std::vector<int> AnalysisTasks::selectedTiles() const
{
    std::vector<int> ids;
    for (int id : grid_->selectedTiles())
        ids.push_back(id);
    return ids;
}

double AnalysisTasks::overlap() const
{
    return grid_->grid() ? grid_->grid()->overlap() : 0.0;
}

bool AnalysisTasks::canRun() const
{
    return session_->isReady() && !runner_->isBusy();
}

void AnalysisTasks::loadModel(const QString &folder, const ModelLoadOptions &options)
{
    const TaskRunner::Task task{tr("Load Model"), tr("Loading the model from %1...").arg(QFileInfo(folder).fileName())};
    runner_->run(
        task,
        [folder, options](const JobProgress &progress) -> std::shared_ptr<GeoChatModel> {
            ModelLoadOptions withProgress = options;
            withProgress.progress = &progress;
            return GeoChatModel::load(folder.toStdString(), withProgress);
        },
        [this, folder, options](TaskOutcome outcome, std::optional<std::shared_ptr<GeoChatModel>> model,
                                const QString &error) {
            if (outcome != TaskOutcome::Succeeded || !*model) {
                if (outcome == TaskOutcome::Failed)
                    emit failed(tr("Cannot load the model"), tr("GeoLens cannot load the model in %1.").arg(folder), error);
                else
                    emit statusMessage(tr("Loading the model was canceled."), 8000);
                emit modelLoadFailed(error);
                return;
            }
            session_->setModel(std::move(*model), folder, options);
            emit statusMessage(tr("Model loaded: %1").arg(QFileInfo(folder).fileName()), 8000);
            emit modelLoaded(folder);
        });
}

void AnalysisTasks::labelScenes(const SceneLabelOptions &requested)
{
    if (!canRun())
        return;
    SceneLabelOptions options = requested;
    options.overlap = overlap();
    options.tileIds = selectedTiles();
    const DisplaySettings display = canvas_->displaySettings();
    const TaskRunner::Task task{tr("Label Tiles"),
                                tr("Labelling tiles with %1...").arg(QFileInfo(session_->modelFolder()).fileName())};
    const int total = options.tileIds.empty()
                          ? TileGrid(session_->raster()->width(), session_->raster()->height(), options.tileSize,
                                     options.overlap)
                                .count()
                          : static_cast<int>(options.tileIds.size());
    // Filled on the worker thread as rounds finish, read here once the task has ended.
    auto finished = std::make_shared<std::vector<SceneLabel>>();
    runner_->run(
        task,
        [model = session_->model(), raster = session_->raster(), display, options,
         finished](const JobProgress &progress) {
            SceneLabelJob job(raster, *model, display, options);
            job.setOnLabelled([finished](const SceneLabel &label) { finished->push_back(label); });
            return job.run(progress);
        },
        [this, options, finished, total](TaskOutcome outcome, std::optional<std::vector<SceneLabel>> labels,
                                         const QString &error) {
            if (outcome == TaskOutcome::Canceled && !finished->empty()) {
                showSceneLabels(*finished, SceneLabelJob::prompt(options.classes), session_->modelName());
                emit statusMessage(tr("%1 of %2 tiles labelled, canceled").arg(finished->size()).arg(total), 12000);
                emit analysisFinished(false, tr("Canceled"));
                return;
            }
            if (outcome != TaskOutcome::Succeeded) {
                if (outcome == TaskOutcome::Failed)
                    emit failed(tr("Labelling failed"), tr("The tiles could not be labelled."), error);
                emit analysisFinished(false, error);
                return;
            }
            showSceneLabels(*labels, SceneLabelJob::prompt(options.classes), session_->modelName());
            emit statusMessage(tr("Labelled %n tile(s)", nullptr, static_cast<int>(layer_->tileLabels().size())), 8000);
            emit analysisFinished(true, QString());
        });
}

void AnalysisTasks::showSceneLabels(const std::vector<SceneLabel> &labels, const std::string &prompt,
                                    const std::string &model)
{
    const CoordinateTransformer &coords = *session_->coordinates();
    std::vector<TileLabel> shown;
    std::vector<AnalysisFeature> features;
    std::set<int> relabelled;
    for (const SceneLabel &l : labels) {
        if (l.skipped)
            continue;
        QString details;
        for (const auto &[name, p] : l.top)
            details += (details.isEmpty() ? QString() : QStringLiteral("\n")) +
                       QStringLiteral("%1  %2 %").arg(QString::fromStdString(name)).arg(p * 100.0, 0, 'f', 1);
        if (!l.answer.empty())
            details += (details.isEmpty() ? QString() : QStringLiteral("\n")) +
                       tr("Answer: %1").arg(QString::fromStdString(l.answer));
        std::vector<std::pair<QString, double>> aspects;
        for (const auto &[key, p] : l.aspects) {
            aspects.emplace_back(QString::fromStdString(key), p);
            details += (details.isEmpty() ? QString() : QStringLiteral("\n")) +
                       tr("%1: %2 % yes").arg(QString::fromStdString(key)).arg(p * 100.0, 0, 'f', 0);
        }
        shown.push_back({l.tile, QString::fromStdString(l.label), l.score, l.matched, details, std::move(aspects)});
        features.push_back(sceneLabelFeature(l, coords, prompt, model));
        relabelled.insert(l.tile.id);
    }
    for (const TileLabel &earlier : layer_->tileLabels())
        if (!relabelled.count(earlier.tile.id))
            shown.push_back(earlier);
    layer_->setTileLabels(std::move(shown));
    session_->replaceTileResults("scene", relabelled, features);
}

void AnalysisTasks::labelWithClassifier(const QString &folder)
{
    if (!session_->raster() || runner_->isBusy())
        return;
    ClassifierLabelOptions options;
    options.overlap = overlap();
    options.tileIds = selectedTiles();
    const DisplaySettings display = canvas_->displaySettings();
    // A classifier folder inside its run folder is named by the run.
    const QFileInfo info(folder);
    const QString name = info.fileName() == QLatin1String("classifier") ? QFileInfo(info.path()).fileName() : info.fileName();
    const TaskRunner::Task task{tr("Label Tiles with Classifier"), tr("Labelling tiles with the classifier %1...").arg(name)};
    auto finished = std::make_shared<std::vector<SceneLabel>>();
    runner_->run(
        task,
        [folder, raster = session_->raster(), display, options, finished](const JobProgress &progress) {
            const auto classifier = TileClassifier::load(folder.toStdString());
            ClassifierLabelJob job(raster, *classifier, display, options);
            job.setOnLabelled([finished](const SceneLabel &label) { finished->push_back(label); });
            return job.run(progress);
        },
        [this, folder, name, finished](TaskOutcome outcome, std::optional<std::vector<SceneLabel>> labels,
                                       const QString &error) {
            const std::string prompt = "multi-aspect classifier";
            if (outcome == TaskOutcome::Canceled && !finished->empty()) {
                showSceneLabels(*finished, prompt, name.toStdString());
                emit statusMessage(tr("%n tile(s) labelled by the classifier, canceled", nullptr,
                                      static_cast<int>(finished->size())),
                                   12000);
                emit analysisFinished(false, tr("Canceled"));
                return;
            }
            if (outcome != TaskOutcome::Succeeded) {
                if (outcome == TaskOutcome::Failed)
                    emit failed(tr("Labelling failed"), tr("The classifier in %1 could not label the tiles.").arg(folder),
                                error);
                emit analysisFinished(false, error);
                return;
            }
            showSceneLabels(*labels, prompt, name.toStdString());
            emit statusMessage(tr("The classifier labelled %n tile(s)", nullptr, static_cast<int>(labels->size())), 8000);
            emit analysisFinished(true, QString());
        });
}

void AnalysisTasks::findBoxes(BoxAnalysisOptions::Task kind, const QString &query)
{
    if (!canRun())
        return;
    BoxAnalysisOptions options;
    options.task = kind;
    options.query = query.toStdString();
    options.overlap = overlap();
    options.tileIds = selectedTiles();
    const DisplaySettings display = canvas_->displaySettings();
    const bool grounding = options.task == BoxAnalysisOptions::Task::Grounding;
    const TaskRunner::Task task = grounding ? TaskRunner::Task{tr("Describe with Boxes"), tr("Describing the tiles...")}
                                            : TaskRunner::Task{tr("Find Objects"),
                                                               tr("Looking for %1...").arg(QString::fromStdString(options.query))};
    runner_->run(
        task,
        [model = session_->model(), raster = session_->raster(), display, options](const JobProgress &progress) {
            return BoxAnalysisJob(raster, *model, display, options).run(progress);
        },
        [this, grounding](TaskOutcome outcome, std::optional<BoxAnalysisResult> found, const QString &error) {
            if (outcome != TaskOutcome::Succeeded) {
                if (outcome == TaskOutcome::Failed)
                    emit failed(tr("Finding objects failed"), tr("The search could not run."), error);
                emit analysisFinished(false, error);
                return;
            }
            layer_->setBoxes(withBoxes(layer_->boxes(), found->boxes));
            session_->addBoxResults(found->boxes, grounding ? "grounding" : "refer");
            // A description with no box in it is still the model's answer about its tile.
            std::vector<AnalysisFeature> described;
            if (grounding && session_->coordinates())
                for (const UnboxedAnswer &a : found->answersWithoutBoxes)
                    described.push_back(tileAnswerFeature(a, *session_->coordinates(), "grounding", session_->modelName()));
            if (!described.empty())
                session_->addResults(described);
            QString message = tr("Found %n box(es)", nullptr, static_cast<int>(found->boxes.size()));
            if (!described.empty())
                message += QStringLiteral("; ") +
                           tr("%n tile(s) answered without a box: their answers are in Results", nullptr,
                              static_cast<int>(described.size()));
            emit statusMessage(message, 8000);
            emit analysisFinished(true, QString());
        });
}

void AnalysisTasks::describeRegion(const RotatedBox &region)
{
    if (!session_->model()) {
        emit statusMessage(tr("Load a model first (Analysis > Load Model) to describe a region."), 8000);
        return;
    }
    if (!canRun())
        return;
    BoxAnalysisOptions options;
    options.task = BoxAnalysisOptions::Task::Caption;
    options.region = region;
    options.overlap = overlap();
    const DisplaySettings display = canvas_->displaySettings();
    runner_->run(
        TaskRunner::Task{tr("Describe Region"), tr("Describing the region...")},
        [model = session_->model(), raster = session_->raster(), display, options](const JobProgress &progress) {
            return BoxAnalysisJob(raster, *model, display, options).run(progress);
        },
        [this](TaskOutcome outcome, std::optional<BoxAnalysisResult> found, const QString &error) {
            if (outcome != TaskOutcome::Succeeded || found->boxes.empty()) {
                if (outcome == TaskOutcome::Failed)
                    emit failed(tr("Describing the region failed"), tr("The region could not be described."), error);
                emit analysisFinished(false, error);
                return;
            }
            const std::vector<BoxResult> caption{found->boxes.front()};
            layer_->setBoxes(withBoxes(layer_->boxes(), caption));
            session_->addBoxResults(caption, "caption");
            emit statusMessage(tr("Region: %1").arg(QString::fromStdString(caption.front().label)), 15000);
            emit analysisFinished(true, QString());
        });
}

std::optional<ChatPicture> AnalysisTasks::chatPicture()
{
    const RasterDataset &raster = *session_->raster();
    const QList<int> selected = grid_->selectedTiles();
    const int subject = selected.size() == 1 ? selected.first() : ChatSession::ViewSubject;
    if (session_->chat().setSubject(subject) && chat_)
        chat_->setSubject(subject >= 0 ? subject : ChatPanel::CurrentView);
    try {
        if (subject >= 0)
            return ChatSession::tilePicture(raster, canvas_->displaySettings(), grid_->grid()->tile(subject));
        const QRectF view = canvas_->visibleRasterRect().intersected(QRectF(0, 0, raster.width(), raster.height()));
        const PixelRect window{int(view.left()), int(view.top()), std::max(1, int(view.width())),
                               std::max(1, int(view.height()))};
        return ChatSession::viewPicture(raster, canvas_->displaySettings(), window);
    } catch (const std::exception &e) {
        emit failed(tr("Cannot ask the model"), tr("The image for the question could not be read."),
                    QString::fromStdString(e.what()));
        return std::nullopt;
    }
}

void AnalysisTasks::ask(const QString &question)
{
    if (!canRun())
        return;
    const std::optional<ChatPicture> picture = chatPicture();
    if (!picture)
        return;
    const std::shared_ptr<GeoChatModel> model = session_->model();
    GenerationRequest request = session_->chat().nextRequest(question.toStdString(), *model);
    auto stop = std::make_shared<std::atomic<bool>>(false);
    request.cancel = stop.get();
    QPointer<ChatPanel> panel = chat_;
    request.onText = [panel](const std::string &piece) {
        const QString text = QString::fromStdString(piece);
        QMetaObject::invokeMethod(qApp, [panel, text] {
            if (panel)
                panel->appendToAnswer(text);
        }, Qt::QueuedConnection);
    };
    TaskRunner::Task task{tr("Chat"), question, TaskRunner::Display::None, [stop] { stop->store(true); }};
    const bool started = runner_->run(
        std::move(task),
        [model, image = picture->image, request, stop](const JobProgress &) { return model->generate(image, request); },
        [this, question, frame = picture->frame, shown = picture->shown](
            TaskOutcome outcome, std::optional<GenerationResult> answer, const QString &error) {
            chatStop_.reset();
            if (chat_)
                chat_->setBusy(false);
            if (outcome != TaskOutcome::Succeeded) {
                if (chat_)
                    chat_->endAnswer(false, tr("The model could not answer: %1").arg(error));
                emit chatAnswered(QString());
                return;
            }
            ChatSession &chat = session_->chat();
            std::vector<std::string> outside;
            const std::vector<BoxResult> boxes =
                chat.answerBoxes(question.toStdString(), answer->text, frame, shown, outside);
            QStringList notes;
            if (!boxes.empty()) {
                layer_->setBoxes(withBoxes(layer_->boxes(), boxes));
                session_->addBoxResults(boxes, "chat");
                notes << tr("%n box(es) drawn on the map", nullptr, static_cast<int>(boxes.size()));
            }
            // The model drew in the padding around the picture, where there is no raster.
            if (!outside.empty())
                notes << tr("%n box(es) reached outside the raster and were clipped or dropped", nullptr,
                            static_cast<int>(outside.size()));
            const QString note = notes.join(QLatin1String("; "));
            if (chat_)
                chat_->endAnswer(answer->cancelled, note);
            chat.addTurn(question.toStdString(), answer->text);
            emit chatAnswered(QString::fromStdString(answer->text));
        });
    if (!started)
        return;
    chatStop_ = stop;
    chat_->addQuestion(question);
    chat_->beginAnswer();
    chat_->setBusy(true);
}

bool AnalysisTasks::exportResults(const QString &path)
{
    if (!session_->raster() || session_->results().empty())
        return false;
    try {
        session_->writeResults(path.toStdString());
        emit statusMessage(tr("Results written to %1").arg(path), 8000);
        return true;
    } catch (const std::exception &e) {
        emit failed(tr("Export failed"), tr("The results could not be written to %1.").arg(path),
                    QString::fromStdString(e.what()));
        return false;
    }
}

void AnalysisTasks::stopChat()
{
    if (!chatStop_.expired())
        runner_->cancel();
}

} // namespace geolens
