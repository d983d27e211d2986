#include "cli/ClassifierCommands.h"

#include "cli/CliArguments.h"
#include "cli/EvaluateCommand.h"
#include "cli/ImageFolderSource.h"
#include "cli/ModelOptions.h"
#include "cli/TerminalProgress.h"
#include "common/Error.h"
#include "distill/AspectTargetJob.h"
#include "distill/ClassifierTest.h"
#include "distill/ClassifierTraining.h"
#include "distill/GeoChatAspectTeacher.h"
#include "distill/TileClassifier.h"
#include "distributed/DistributedGroup.h"
#include "evaluation/GroupExchange.h"
#include "model/CpuThreads.h"
#include "model/GeoChatModel.h"

#ifdef GEOLENS_WITH_RASTER
#include "analysis/AnalysisFeatures.h"
#include "analysis/RasterTileSource.h"
#include "analysis/ResultWriter.h"
#include "cli/DisplayOptions.h"
#include "raster/RasterDataset.h"
#endif

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace geolens::cli {

namespace fs = std::filesystem;

int runAspects(const std::vector<std::string> &args)
{
    const CliArguments a(args,
                         {"model", "tokenizer", "classes", "preset", "aspects", "out", "store-size", "tiles", "overlap", "tile-size",
                          "image-size", "device", "dtype", "quantize", "threads", "vision-tower", "bands", "stretch"},
                         {});
    if (a.positional().size() != 1)
        throw UsageError{"aspects needs exactly one raster file or image folder"};
    const std::string input = a.positional().front();
    const auto folder = a.value("model");
    const auto out = a.value("out");
    if (!folder || !out)
        throw UsageError{"aspects needs --model DIR and --out TARGETS_FOLDER"};

    AspectTargetSettings settings;
    settings.source = fs::absolute(input).lexically_normal().string();
    settings.teacher = modelDisplayName(*folder);
    settings.classes = sceneClasses(a, "the teacher pass");
    settings.aspects = a.value("aspects") ? readAspectFile(*a.value("aspects")) : defaultAspects();
    settings.imageSize = a.intValue("store-size", 128);
    if (settings.imageSize < 32 || settings.imageSize > 1024)
        throw UsageError{"--store-size must be between 32 and 1024 pixels"};

    std::unique_ptr<TileSampleSource> source;
    std::error_code ec;
#ifdef GEOLENS_WITH_RASTER
    std::shared_ptr<const RasterDataset> raster;
#endif
    if (fs::is_directory(input, ec)) {
        source = std::make_unique<ImageFolderSource>(input, settings.classes);
    } else {
#ifdef GEOLENS_WITH_RASTER
        raster = RasterDataset::open(input);
        settings.tileSize = a.intValue("tile-size", TileGrid::DefaultTileSize);
        settings.overlap = a.doubleValue("overlap", 0.0);
        if (settings.tileSize < 32 || settings.tileSize > 8192)
            throw UsageError{"--tile-size must be between 32 and 8192 pixels"};
        if (!(settings.overlap >= 0.0 && settings.overlap <= 0.5))
            throw UsageError{"--overlap must be between 0 and 0.5"};
        settings.crs = raster->metadata().crsWkt;
        const TileGrid grid(raster->width(), raster->height(), settings.tileSize, settings.overlap);
        source = std::make_unique<RasterTileSource>(raster, displaySettingsFromArguments(a, *raster), grid,
                                                    tileList(a.value("tiles", "all")));
#else
        throw UsageError{"this build reads image folders only (no GDAL); give a folder of images"};
#endif
    }

    AspectTargetTable::checkWritable(*out, settings);
    // Under torchrun every process loads the teacher on its own GPU and takes a share of the tiles.
    DistributedGroup group(LaunchEnvironment::fromEnvironment(), DistributedOptions());
    GroupExchange ranks(group);
    const auto model = loadModelOrRandom(*folder, a, rankLoadOptions(a, group.environment()));
    std::optional<TerminalProgress> bar;
    if (ranks.isRoot())
        bar.emplace("aspects");
    const JobProgress progress([&bar](std::int64_t done, std::int64_t total, const std::string &) {
        if (bar)
            bar->update(done, total);
    });
    GeoChatAspectTeacher teacher(*model, progress.cancelFlag());
    AspectTargetJob job(*source, teacher, *out, settings);
    const auto started = std::chrono::steady_clock::now();
    const AspectTargetSummary summary = job.run(progress, ranks);
    if (!ranks.isRoot())
        return 0;
    const std::string rate = tileRateSince(started, summary.judged, 3);
    bar.reset();
    std::cerr << "geolens-cli: the teacher judged " << summary.judged << " tiles";
    if (ranks.distributed())
        std::cerr << " on " << ranks.worldSize() << " processes";
    if (summary.resumed)
        std::cerr << " (" << summary.resumed << " done before)";
    if (summary.skipped)
        std::cerr << " (" << summary.skipped << " without data skipped)";
    if (summary.judged)
        std::cerr << rate;
    std::cerr << "; targets in " << *out << std::endl;
#ifdef GEOLENS_WITH_RASTER
    if (raster) {
        // The targets on the map, one tile a feature, rewritten whole from the table each run.
        const AspectTargetTable table = AspectTargetTable::read(*out);
        std::vector<AnalysisFeature> features;
        for (const AspectTarget &t : table.targets())
            features.push_back(aspectTargetFeature(t, table.settings()));
        const std::string layer = (fs::path(*out) / "targets.gpkg").string();
        writeAnalysisFeatures(layer, features, raster->metadata());
        std::cerr << "geolens-cli: wrote " << layer << std::endl;
    }
#endif
    return 0;
}

int runTrainClassifier(const std::vector<std::string> &args)
{
    const CliArguments a(args,
                         {"targets", "out", "architecture", "width", "epochs", "batch", "lr", "weight-decay",
                          "class-weight", "aspect-weight", "class-target", "validation", "patience", "seed", "device",
                          "threads", "test", "clip-model"},
                         {"no-augment"});
    if (!a.positional().empty())
        throw UsageError{"train-classifier takes no positional arguments"};
    ClassifierTrainingOptions o;
    const auto targets = a.value("targets");
    const auto out = a.value("out");
    if (!targets || !out)
        throw UsageError{"train-classifier needs --targets TARGETS_FOLDER and --out RUN_FOLDER"};
    o.targets = *targets;
    o.out = *out;
    o.architecture = a.value("architecture", o.architecture);
    o.clipModel = a.value("clip-model", "");
    if (o.architecture == "clip" && o.clipModel.empty())
        throw UsageError{"--architecture clip needs --clip-model DIR: the model folder whose CLIP tower the student keeps"};
    o.width = a.intValue("width", o.width);
    o.epochs = a.intValue("epochs", o.epochs);
    o.batch = a.intValue("batch", o.batch);
    o.learningRate = a.doubleValue("lr", o.learningRate);
    o.weightDecay = a.doubleValue("weight-decay", o.weightDecay);
    o.classWeight = a.doubleValue("class-weight", o.classWeight);
    o.aspectWeight = a.doubleValue("aspect-weight", o.aspectWeight);
    const std::string target = a.value("class-target", "auto");
    if (target != "auto" && target != "truth" && target != "teacher")
        throw UsageError{"--class-target must be auto, truth or teacher"};
    o.classTarget = target == "truth" ? ClassTarget::Truth : target == "teacher" ? ClassTarget::Teacher : ClassTarget::Auto;
    o.validationFraction = a.doubleValue("validation", o.validationFraction);
    o.patience = a.intValue("patience", o.patience);
    o.seed = static_cast<std::uint64_t>(a.intValue("seed", 1));
    o.augment = !a.has("no-augment");
    o.device = a.value("device", o.device);
    setCpuThreads(a.intValue("threads", 0));

    std::optional<TerminalProgress> bar;
    bar.emplace("training");
    const JobProgress progress([&bar](std::int64_t done, std::int64_t total, const std::string &) {
        if (bar)
            bar->update(done, total);
    });
    ClassifierTraining training(o);
    training.setOnEpoch([&](const ClassifierEpoch &e) {
        char line[256];
        std::snprintf(line, sizeof line,
                      "epoch %d: train loss %.4f, validation loss %.4f, accuracy %.3f, teacher agreement %.3f, "
                      "aspect error %.3f (%.1f s)%s",
                      e.epoch, e.trainLoss, e.validationLoss, e.validationAccuracy, e.teacherAgreement, e.aspectError,
                      e.seconds, e.best ? ", best so far" : "");
        bar.reset();
        std::cerr << line << std::endl;
        bar.emplace("training");
    });
    const ClassifierTrainingResult r = training.run(progress);
    bar.reset();
    char summary[256];
    std::snprintf(summary, sizeof summary, "best epoch %d of %d: validation accuracy %.3f against the %s%s",
                  r.bestEpoch, r.epochs, r.bestAccuracy, r.accuracyAgainst.c_str(),
                  r.stoppedEarly ? " (stopped early)" : "");
    std::cerr << "geolens-cli: " << summary << "; " << r.trainImages << " training and " << r.validationImages
              << " validation images";
    if (r.resumedFromEpoch)
        std::cerr << "; resumed after epoch " << r.resumedFromEpoch;
    std::cerr << "; classifier in " << r.classifier << std::endl;
    if (const auto test = a.value("test")) {
        // The best classifier on targets it never saw.
        const ClassifierTestScore s =
            testTileClassifier(*TileClassifier::load(r.classifier), AspectTargetTable::read(*test), JobProgress());
        char accuracy[32] = "unknown";
        if (s.truthKnown)
            std::snprintf(accuracy, sizeof accuracy, "%.3f", s.accuracy);
        char line[320];
        std::snprintf(line, sizeof line,
                      "test on %d images of %s: accuracy %s, teacher agreement %.3f, aspect error %.3f, "
                      "%.1f images/s",
                      s.images, test->c_str(), accuracy, s.teacherAgreement, s.aspectError,
                      s.seconds > 0 ? s.images / s.seconds : 0.0);
        std::cerr << "geolens-cli: " << line << std::endl;
    }
    return 0;
}

} // namespace geolens::cli
