#include "analysis/ModelComparisonJob.h"

#include "analysis/ClassMatcher.h"
#include "analysis/SceneLabelJob.h"
#include "analysis/TileImage.h"
#include "common/EditDistance.h"
#include "common/Error.h"
#include "geometry/RotatedIou.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace geolens {

struct ModelComparisonJob::PreparedTile {
    Tile tile;
    RgbImage image;
};

namespace {

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double similarity(const std::string &a, const std::string &b)
{
    const std::string x = ClassMatcher::normalise(a);
    const std::string y = ClassMatcher::normalise(b);
    const std::size_t longer = std::max(x.size(), y.size());
    if (longer == 0)
        return 1.0;
    return 1.0 - static_cast<double>(editDistance(x, y)) / static_cast<double>(longer);
}

// Greedy one-to-one pairing, best IoU first: enough for the handful of boxes a tile holds.
void matchBoxes(const std::vector<BoxResult> &teacher, const std::vector<BoxResult> &student, TileAgreement &out)
{
    struct Pair {
        double iou;
        std::size_t t, s;
    };
    std::vector<Pair> pairs;
    for (std::size_t t = 0; t < teacher.size(); ++t)
        for (std::size_t s = 0; s < student.size(); ++s) {
            const double iou = rotatedIou(teacher[t].pixelBox, student[s].pixelBox);
            if (iou >= ModelComparisonJob::BoxMatchIou)
                pairs.push_back({iou, t, s});
        }
    std::sort(pairs.begin(), pairs.end(), [](const Pair &a, const Pair &b) { return a.iou > b.iou; });
    std::vector<bool> teacherUsed(teacher.size()), studentUsed(student.size());
    double iouSum = 0.0;
    for (const Pair &p : pairs) {
        if (teacherUsed[p.t] || studentUsed[p.s])
            continue;
        teacherUsed[p.t] = studentUsed[p.s] = true;
        ++out.matchedBoxes;
        iouSum += p.iou;
    }
    out.teacherBoxes = static_cast<int>(teacher.size());
    out.studentBoxes = static_cast<int>(student.size());
    out.meanIou = out.matchedBoxes > 0 ? iouSum / out.matchedBoxes : 0.0;
}

} // namespace

const char *ComparisonTask::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Scene: return "scene";
    case Kind::Refer: return "refer";
    case Kind::Grounding: return "grounding";
    case Kind::Question: return "question";
    }
    return "scene";
}

ComparisonTask::Kind ComparisonTask::kindFromName(const std::string &name)
{
    for (Kind k : {Kind::Scene, Kind::Refer, Kind::Grounding, Kind::Question})
        if (name == kindName(k))
            return k;
    throw InvalidArgument("The comparison task must be scene, refer, grounding or question, not '" + name + "'.");
}

double ModelRun::meanSecondsPerTile() const
{
    if (tiles.empty())
        return 0.0;
    double sum = 0.0;
    for (const TileAnswer &t : tiles)
        sum += t.seconds;
    return sum / static_cast<double>(tiles.size());
}

double ModelRun::tokensPerSecond() const
{
    double seconds = 0.0, tokens = 0.0;
    for (const TileAnswer &t : tiles) {
        seconds += t.seconds;
        tokens += t.tokens;
    }
    return seconds > 0.0 ? tokens / seconds : 0.0;
}

double ComparisonReport::speedup() const
{
    const double s = student.meanSecondsPerTile();
    return s > 0.0 ? teacher.meanSecondsPerTile() / s : 0.0;
}

double ComparisonReport::labelAgreement() const
{
    if (tiles.empty())
        return 0.0;
    const auto same = std::count_if(tiles.begin(), tiles.end(), [](const TileAgreement &t) { return t.sameLabel; });
    return static_cast<double>(same) / static_cast<double>(tiles.size());
}

double ComparisonReport::meanAnswerSimilarity() const
{
    if (tiles.empty())
        return 0.0;
    double sum = 0.0;
    for (const TileAgreement &t : tiles)
        sum += t.answerSimilarity;
    return sum / static_cast<double>(tiles.size());
}

double ComparisonReport::boxF1() const
{
    double matched = 0, teacherBoxes = 0, studentBoxes = 0;
    for (const TileAgreement &t : tiles) {
        matched += t.matchedBoxes;
        teacherBoxes += t.teacherBoxes;
        studentBoxes += t.studentBoxes;
    }
    if (teacherBoxes + studentBoxes == 0)
        return -1.0;
    // F1 = 2 * matched / (teacher + student): precision and recall against the teacher's boxes.
    return 2.0 * matched / (teacherBoxes + studentBoxes);
}

ModelComparisonJob::ModelComparisonJob(std::shared_ptr<const RasterDataset> raster, DisplaySettings display,
                                       ComparisonTask task, std::vector<int> tileIds, int tileSize, double overlap)
    : raster_(std::move(raster)), display_(std::move(display)), task_(std::move(task)), tileIds_(std::move(tileIds)),
      tileSize_(tileSize), overlap_(overlap)
{
    if (task_.maxNewTokens <= 0)
        task_.maxNewTokens = task_.kind == ComparisonTask::Kind::Scene ? 16 : 256;
}

std::string ModelComparisonJob::prompt() const
{
    switch (task_.kind) {
    case ComparisonTask::Kind::Scene:
        return SceneLabelJob::prompt(task_.classes);
    case ComparisonTask::Kind::Refer:
        return BoxAnalysisJob::referPrompt(task_.text);
    case ComparisonTask::Kind::Grounding:
        return BoxAnalysisJob::groundingPrompt();
    case ComparisonTask::Kind::Question:
        return task_.text;
    }
    return {};
}

const std::vector<ModelComparisonJob::PreparedTile> &ModelComparisonJob::preparedTiles()
{
    if (prepared_)
        return *prepared_;
    const bool blank = task_.text.find_first_not_of(" \t\n") == std::string::npos;
    if (task_.kind == ComparisonTask::Kind::Scene && task_.classes.empty())
        throw InvalidArgument("Comparing scene labels needs at least one class.");
    if (task_.kind == ComparisonTask::Kind::Refer && blank)
        throw InvalidArgument("Comparing found objects needs a query, such as \"airplanes\".");
    if (task_.kind == ComparisonTask::Kind::Question && blank)
        throw InvalidArgument("Comparing answers needs a question.");
    if (tileIds_.empty())
        throw InvalidArgument("Choose the tiles to compare the models on.");
    if (tileIds_.size() > static_cast<std::size_t>(MaxTiles))
        throw InvalidArgument("A comparison takes at most " + std::to_string(MaxTiles) + " tiles, not " +
                              std::to_string(tileIds_.size()) + ".");

    const TileGrid grid(raster_->width(), raster_->height(), tileSize_, overlap_);
    StretchEstimator::complete(*raster_, display_);
    // Both models see the very same pixels, and reading them is not charged to either model.
    auto tiles = std::make_shared<std::vector<PreparedTile>>();
    for (int id : tileIds_) {
        const Tile tile = grid.tile(id);
        if (std::optional<RgbImage> image = renderTileImage(*raster_, display_, tile))
            tiles->push_back({tile, std::move(*image)});
    }
    if (tiles->empty())
        throw InvalidArgument("Every chosen tile of " + raster_->path() + " is nodata; choose tiles with pixels.");
    prepared_ = std::move(tiles);
    return *prepared_;
}

ModelRun ModelComparisonJob::runModel(GeoChatModel &model, const JobProgress &progress, std::int64_t done0,
                                      std::int64_t total)
{
    const std::vector<PreparedTile> &tiles = preparedTiles();
    if (total <= 0)
        total = static_cast<std::int64_t>(tiles.size());
    ModelRun run;
    run.device = model.deviceName();
    run.dtype = model.dtypeName();
    run.parameters = model.parameterCount();

    GenerationRequest request;
    request.question = prompt();
    request.maxNewTokens = task_.maxNewTokens;

    // The first call on a device pays for allocations and kernel choices; neither model is
    // charged for it.
    {
        GenerationRequest warmUp = request;
        warmUp.maxNewTokens = 2;
        model.generate(tiles.front().image, warmUp);
    }

    const ClassMatcher matcher(task_.classes);
    const std::string defaultLabel = task_.kind == ComparisonTask::Kind::Refer ? task_.text : std::string();
    std::int64_t done = done0;
    for (const PreparedTile &p : tiles) {
        progress.throwIfCanceled();
        const auto start = std::chrono::steady_clock::now();
        const GenerationResult result = model.generate(p.image, request);
        TileAnswer a;
        a.seconds = secondsSince(start);
        a.tile = p.tile;
        a.answer = result.text;
        a.tokens = static_cast<int>(result.tokens.size());
        if (task_.kind == ComparisonTask::Kind::Scene) {
            const auto match = matcher.match(a.answer);
            a.matched = match.has_value();
            a.label = match ? task_.classes[*match] : a.answer;
        } else {
            a.boxes = BoxAnalysisJob::boxesFromAnswer(p.tile, a.answer, defaultLabel, run.issues);
            for (BoxResult &b : a.boxes)
                b.prompt = request.question;
        }
        run.tiles.push_back(std::move(a));
        progress.report(++done, total, "compare");
    }
    return run;
}

ComparisonReport ModelComparisonJob::compare(const ComparisonTask &task, ModelRun teacher, ModelRun student)
{
    ComparisonReport report;
    report.task = task;
    // Row i of every list is one tile: tiles only one model answered are left out.
    std::vector<TileAnswer> teacherTiles, studentTiles;
    for (TileAnswer &t : teacher.tiles) {
        const auto s = std::find_if(student.tiles.begin(), student.tiles.end(),
                                    [&](const TileAnswer &a) { return a.tile.id == t.tile.id; });
        if (s == student.tiles.end())
            continue;
        TileAgreement agreement;
        agreement.tileId = t.tile.id;
        agreement.answerSimilarity = similarity(t.answer, s->answer);
        agreement.sameLabel = task.kind == ComparisonTask::Kind::Scene
                                  ? t.label == s->label
                                  : ClassMatcher::normalise(t.answer) == ClassMatcher::normalise(s->answer);
        matchBoxes(t.boxes, s->boxes, agreement);
        report.tiles.push_back(agreement);
        teacherTiles.push_back(std::move(t));
        studentTiles.push_back(*s);
    }
    teacher.tiles = std::move(teacherTiles);
    student.tiles = std::move(studentTiles);
    report.teacher = std::move(teacher);
    report.student = std::move(student);
    return report;
}

namespace {

Json boxJson(const BoxResult &b)
{
    Json o = Json::object();
    o["label"] = b.label;
    o["cx"] = b.pixelBox.cx;
    o["cy"] = b.pixelBox.cy;
    o["width"] = b.pixelBox.width;
    o["height"] = b.pixelBox.height;
    o["angle"] = b.pixelBox.angleDegrees;
    return o;
}

Json runJson(const ModelRun &run)
{
    Json o = Json::object();
    o["folder"] = run.folder;
    o["device"] = run.device;
    o["dtype"] = run.dtype;
    o["parameters"] = run.parameters;
    o["load_seconds"] = run.loadSeconds;
    o["seconds_per_tile"] = run.meanSecondsPerTile();
    o["tokens_per_second"] = run.tokensPerSecond();
    Json tiles = Json::array();
    for (const TileAnswer &t : run.tiles) {
        Json a = Json::object();
        a["tile"] = t.tile.id;
        a["answer"] = t.answer;
        if (!t.label.empty() || t.matched) {
            a["label"] = t.label;
            a["matched"] = t.matched;
        }
        Json boxes = Json::array();
        for (const BoxResult &b : t.boxes)
            boxes.push_back(boxJson(b));
        a["boxes"] = std::move(boxes);
        a["tokens"] = t.tokens;
        a["seconds"] = t.seconds;
        tiles.push_back(std::move(a));
    }
    o["tiles"] = std::move(tiles);
    Json issues = Json::array();
    for (const std::string &i : run.issues)
        issues.push_back(i);
    o["issues"] = std::move(issues);
    return o;
}

} // namespace

Json ModelComparisonJob::toJson(const ComparisonReport &report)
{
    Json o = Json::object();
    o["task"] = ComparisonTask::kindName(report.task.kind);
    o["prompt"] = report.prompt;
    Json summary = Json::object();
    summary["tiles"] = static_cast<std::int64_t>(report.tiles.size());
    summary["speedup"] = report.speedup();
    summary["label_agreement"] = report.labelAgreement();
    summary["answer_similarity"] = report.meanAnswerSimilarity();
    const double f1 = report.boxF1();
    summary["box_f1"] = f1 < 0 ? Json() : Json(f1);
    o["summary"] = std::move(summary);
    o["teacher"] = runJson(report.teacher);
    o["student"] = runJson(report.student);
    Json tiles = Json::array();
    for (const TileAgreement &t : report.tiles) {
        Json a = Json::object();
        a["tile"] = t.tileId;
        a["same"] = t.sameLabel;
        a["answer_similarity"] = t.answerSimilarity;
        a["teacher_boxes"] = t.teacherBoxes;
        a["student_boxes"] = t.studentBoxes;
        a["matched_boxes"] = t.matchedBoxes;
        a["mean_iou"] = t.meanIou;
        tiles.push_back(std::move(a));
    }
    o["agreement"] = std::move(tiles);
    return o;
}

ComparisonReport ModelComparisonJob::run(const std::string &teacherFolder, const ModelLoadOptions &teacherOptions,
                                         const std::string &studentFolder, const ModelLoadOptions &studentOptions,
                                         const JobProgress &progress)
{
    const auto tileCount = static_cast<std::int64_t>(preparedTiles().size());
    // Loading counts as one unit per model next to one per tile.
    const std::int64_t total = 2 * (tileCount + 1);

    auto runOne = [&](const std::string &folder, ModelLoadOptions options, std::int64_t done0) {
        progress.report(done0, total, "load");
        progress.throwIfCanceled();
        // Loading a 13B model takes a while; a Cancel pressed meanwhile stops it between layers.
        JobProgress loadProgress([&progress, &loadProgress](std::int64_t, std::int64_t, const std::string &) {
            if (progress.isCanceled())
                loadProgress.requestCancel();
        });
        options.progress = &loadProgress;
        const auto start = std::chrono::steady_clock::now();
        std::unique_ptr<GeoChatModel> model = GeoChatModel::load(folder, options);
        const double loadSeconds = secondsSince(start);
        progress.throwIfCanceled();
        ModelRun run = runModel(*model, progress, done0 + 1, total);
        run.folder = folder;
        run.loadSeconds = loadSeconds;
        return run;
    };

    ModelRun teacher = runOne(teacherFolder, teacherOptions, 0);
    ModelRun student = runOne(studentFolder, studentOptions, tileCount + 1);
    ComparisonReport report = compare(task_, std::move(teacher), std::move(student));
    report.prompt = prompt();
    return report;
}

} // namespace geolens
