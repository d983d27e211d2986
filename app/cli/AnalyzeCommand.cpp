#include "cli/AnalyzeCommand.h"

#include "analysis/AnalysisFeatures.h"
#include "analysis/BoxAnalysisJob.h"
#include "analysis/ClassifierLabelJob.h"
#include "analysis/ResultWriter.h"
#include "evaluation/ScenePresets.h"
#include "analysis/SceneLabelJob.h"
#include "cli/CliArguments.h"
#include "cli/DisplayOptions.h"
#include "cli/EvaluateCommand.h"
#include "cli/ModelOptions.h"
#include "cli/TerminalProgress.h"
#include "common/Error.h"
#include "distributed/DistributedGroup.h"
#include "evaluation/GroupExchange.h"
#include "geometry/RotatedBox.h"
#include "distill/TileClassifier.h"
#include "model/CpuThreads.h"
#include "model/GeoChatModel.h"
#include "raster/CoordinateTransformer.h"
#include "raster/RasterDataset.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

namespace geolens::cli {

namespace {

// --tiles, --overlap, --batch and --max-new-tokens, shared by every task.
template <typename Options>
void readTileOptions(const CliArguments &a, Options &options, int defaultBatch)
{
    options.tileIds = tileList(a.value("tiles", "all"));
    options.overlap = a.doubleValue("overlap", 0.0);
    if (!(options.overlap >= 0.0 && options.overlap <= 0.5))
        throw UsageError{"--overlap must be between 0 and 0.5"};
    options.batch = a.intValue("batch", defaultBatch);
    if (options.batch < 1 || options.batch > 256)
        throw UsageError{"--batch must be between 1 and 256"};
    options.maxNewTokens = a.intValue("max-new-tokens", options.maxNewTokens);
    if (options.maxNewTokens < 1)
        throw UsageError{"--max-new-tokens must be positive"};
}

// --box x1,y1,x2,y2[,angle] in raster pixels; the grammar is RotatedBox::parse's.
RotatedBox regionOption(const std::string &spec)
{
    try {
        return RotatedBox::parse(spec);
    } catch (const InvalidArgument &e) {
        throw UsageError{std::string("--box: ") + e.what()};
    }
}

// The bar of the whole job, on rank 0 only: under a launcher every rank shares the terminal.
std::optional<TerminalProgress> rootProgressBar(const ShardExchange &ranks, const std::string &label)
{
    std::optional<TerminalProgress> bar;
    if (ranks.isRoot())
        bar.emplace(label);
    return bar;
}

// " on 2 processes" when the job was shared, for the closing line.
std::string processesNote(const ShardExchange &ranks)
{
    return ranks.distributed() ? " on " + std::to_string(ranks.worldSize()) + " processes" : std::string();
}

int runBoxTask(const std::string &path, const std::string &folder, const std::string &out, const std::string &task,
               const CliArguments &a)
{
    BoxAnalysisOptions options;
    options.task = task == "refer" ? BoxAnalysisOptions::Task::Refer
                   : task == "grounding" ? BoxAnalysisOptions::Task::Grounding
                                         : BoxAnalysisOptions::Task::Caption;
    options.query = a.value("query", "");
    if (options.task == BoxAnalysisOptions::Task::Refer && options.query.empty())
        throw UsageError{"--task refer needs --query TEXT (what to find)"};
    if (const auto box = a.value("box"))
        options.region = regionOption(*box);
    if (options.task == BoxAnalysisOptions::Task::Caption && !options.region)
        throw UsageError{"--task caption needs --box x1,y1,x2,y2[,angle] in raster pixels"};
    readTileOptions(a, options, 4);

    DistributedGroup group(LaunchEnvironment::fromEnvironment(), DistributedOptions());
    GroupExchange ranks(group);
    // A caption is one question: rank 0 asks it alone.
    if (options.task == BoxAnalysisOptions::Task::Caption && !ranks.isRoot())
        return 0;
    std::shared_ptr<const RasterDataset> raster = RasterDataset::open(path);
    const auto model = loadModelOrRandom(folder, a, rankLoadOptions(a, group.environment()));
    std::optional<TerminalProgress> bar = rootProgressBar(ranks, task);
    const JobProgress progress([&bar](std::int64_t done, std::int64_t total, const std::string &) {
        if (bar)
            bar->update(done, total);
    });
    BoxAnalysisJob job(raster, *model, displaySettingsFromArguments(a, *raster), options);
    const BoxAnalysisResult result = job.run(progress, ranks);
    if (!ranks.isRoot())
        return 0;
    for (const std::string &issue : result.issues)
        std::cerr << "geolens-cli: " << issue << std::endl;

    const CoordinateTransformer coords(raster->metadata());
    std::vector<AnalysisFeature> features;
    for (const BoxResult &b : result.boxes)
        features.push_back(boxFeature(b, coords, task, modelDisplayName(folder)));
    writeAnalysisFeatures(out, features, raster->metadata());
    std::cerr << "geolens-cli: " << features.size() << (task == "caption" ? " caption" : " boxes")
              << processesNote(ranks) << "; wrote " << out << std::endl;
    return 0;
}

// Scene labels from a trained multi-aspect classifier: its own classes and aspects.
int runClassifierTask(const std::string &path, const std::string &folder, const std::string &out, const CliArguments &a)
{
    if (a.value("classes") || a.value("preset") || a.value("mode"))
        throw UsageError{"a classifier has its own classes: leave out --classes, --preset and --mode"};
    ClassifierLabelOptions options;
    options.tileIds = tileList(a.value("tiles", "all"));
    options.overlap = a.doubleValue("overlap", 0.0);
    if (!(options.overlap >= 0.0 && options.overlap <= 0.5))
        throw UsageError{"--overlap must be between 0 and 0.5"};
    options.batch = a.intValue("batch", 32);
    if (options.batch < 1 || options.batch > 1024)
        throw UsageError{"--batch must be between 1 and 1024"};
    setCpuThreads(a.intValue("threads", 0));
    std::shared_ptr<const RasterDataset> raster = RasterDataset::open(path);
    const auto classifier = TileClassifier::load(folder);
    std::optional<TerminalProgress> bar;
    bar.emplace("classifier");
    const JobProgress progress([&bar](std::int64_t done, std::int64_t total, const std::string &) { bar->update(done, total); });
    ClassifierLabelJob job(raster, *classifier, displaySettingsFromArguments(a, *raster), options);
    const auto started = std::chrono::steady_clock::now();
    const std::vector<SceneLabel> labels = job.run(progress);
    const std::string rate = tileRateSince(started, labels.size(), 1);
    bar.reset();
    const CoordinateTransformer coords(raster->metadata());
    std::vector<AnalysisFeature> features;
    // A classifier inside its training run's folder is named by the run.
    const std::filesystem::path where = std::filesystem::absolute(folder).lexically_normal();
    const std::string name = modelDisplayName(
        where.filename() == "classifier" ? where.parent_path().string() : where.string());
    for (const SceneLabel &l : labels)
        if (!l.skipped)
            features.push_back(sceneLabelFeature(l, coords, "multi-aspect classifier", name));
    writeAnalysisFeatures(out, features, raster->metadata());
    std::cerr << "geolens-cli: labelled " << features.size() << " tiles with the classifier" << rate;
    if (features.size() != labels.size())
        std::cerr << " (" << labels.size() - features.size() << " without data skipped)";
    std::cerr << "; wrote " << out << std::endl;
    return 0;
}

} // namespace

int runAnalyze(const std::vector<std::string> &args)
{
    const CliArguments a(args,
                         {"model", "tokenizer", "classifier", "task", "classes", "preset", "mode", "query", "box", "tiles", "overlap", "out",
                          "image-size", "device", "dtype", "quantize", "threads", "vision-tower", "batch", "max-new-tokens", "bands", "stretch"},
                         {});
    if (a.positional().size() != 1)
        throw UsageError{"analyze needs exactly one raster file"};
    const std::string path = a.positional().front();
    const auto folder = a.value("model");
    const auto out = a.value("out");
    if (const auto classifier = a.value("classifier")) {
        if (folder)
            throw UsageError{"give either --model or --classifier, not both"};
        if (!out)
            throw UsageError{"analyze needs --out FILE.gpkg|.geojson|.csv"};
        if (a.value("task", "scene") != "scene")
            throw UsageError{"a classifier labels scenes only: --task scene"};
        return runClassifierTask(path, *classifier, *out, a);
    }
    if (!folder || !out)
        throw UsageError{"analyze needs --model DIR and --out FILE.gpkg|.geojson|.csv"};
    const std::string task = a.value("task", "scene");
    if (task == "refer" || task == "grounding" || task == "caption")
        return runBoxTask(path, *folder, *out, task, a);
    if (task != "scene")
        throw UsageError{"--task must be scene, refer, grounding or caption"};

    SceneLabelOptions options;
    options.classes = sceneClasses(a, "scene labelling");
    const std::string mode = a.value("mode", "generate");
    if (mode != "generate" && mode != "score")
        throw UsageError{"--mode must be generate or score"};
    options.mode = mode == "score" ? SceneLabelOptions::Mode::Score : SceneLabelOptions::Mode::Generate;
    readTileOptions(a, options, 8);

    DistributedGroup group(LaunchEnvironment::fromEnvironment(), DistributedOptions());
    GroupExchange ranks(group);
    std::shared_ptr<const RasterDataset> raster = RasterDataset::open(path);
    const auto model = loadModelOrRandom(*folder, a, rankLoadOptions(a, group.environment()));
    std::optional<TerminalProgress> bar = rootProgressBar(ranks, "scene");
    const JobProgress progress([&bar](std::int64_t done, std::int64_t total, const std::string &) {
        if (bar)
            bar->update(done, total);
    });
    SceneLabelJob job(raster, *model, displaySettingsFromArguments(a, *raster), options);
    const auto started = std::chrono::steady_clock::now();
    const std::vector<SceneLabel> labels = job.run(progress, ranks);
    const std::string rate = tileRateSince(started, labels.size(), 3);
    if (!ranks.isRoot())
        return 0; // rank 0 writes the results of every rank

    const CoordinateTransformer coords(raster->metadata());
    std::vector<AnalysisFeature> features;
    for (const SceneLabel &l : labels)
        if (!l.skipped)
            features.push_back(sceneLabelFeature(l, coords, SceneLabelJob::prompt(options.classes), modelDisplayName(*folder)));
    writeAnalysisFeatures(*out, features, raster->metadata());
    std::cerr << "geolens-cli: labelled " << features.size() << " tiles" << processesNote(ranks) << rate;
    if (features.size() != labels.size())
        std::cerr << " (" << labels.size() - features.size() << " without data skipped)";
    std::cerr << "; wrote " << *out << std::endl;
    return 0;
}

} // namespace geolens::cli
