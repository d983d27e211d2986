#include "cli/AnalyzeCommand.h"

#include "analysis/ResultWriter.h"
#include "analysis/ScenePresets.h"
#include "analysis/SceneLabelJob.h"
#include "cli/CliArguments.h"
#include "cli/ModelOptions.h"
#include "cli/TerminalProgress.h"
#include "model/GeoChatModel.h"
#include "raster/CoordinateTransformer.h"
#include "raster/RasterDataset.h"

#include <filesystem>
#include <iostream>
#include <sstream>

namespace geolens::cli {

namespace {

std::vector<std::string> splitList(const std::string &text, char separator)
{
    std::vector<std::string> items;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, separator)) {
        const auto first = item.find_first_not_of(" \t");
        const auto last = item.find_last_not_of(" \t");
        if (first != std::string::npos)
            items.push_back(item.substr(first, last - first + 1));
    }
    return items;
}

std::vector<int> tileList(const std::string &spec)
{
    if (spec == "all")
        return {};
    std::vector<int> ids;
    for (const std::string &item : splitList(spec, ',')) {
        try {
            std::size_t used = 0;
            ids.push_back(std::stoi(item, &used));
            if (used != item.size() || ids.back() < 0)
                throw std::invalid_argument(item);
        } catch (const std::exception &) {
            throw UsageError{"--tiles needs \"all\" or tile ids like 0,5,7, not '" + spec + "'"};
        }
    }
    return ids;
}

std::string modelName(const std::string &folder)
{
    const std::filesystem::path p = std::filesystem::path(folder).lexically_normal();
    return (p.filename().empty() ? p.parent_path() : p).filename().string();
}

} // namespace

int runAnalyze(const std::vector<std::string> &args)
{
    const CliArguments a(args,
                         {"model", "task", "classes", "preset", "mode", "query", "box", "tiles", "overlap", "out",
                          "image-size", "device", "dtype", "threads", "batch"},
                         {});
    if (a.positional().size() != 1)
        throw UsageError{"analyze needs exactly one raster file"};
    const std::string path = a.positional().front();
    const auto folder = a.value("model");
    const auto out = a.value("out");
    if (!folder || !out)
        throw UsageError{"analyze needs --model DIR and --out FILE.gpkg|.geojson|.csv"};
    const std::string task = a.value("task", "scene");
    if (task != "scene")
        throw UsageError{"--task " + task + " is not available yet; this version labels scenes (--task scene)"};

    SceneLabelOptions options;
    if (const auto classes = a.value("classes"))
        options.classes = splitList(*classes, ',');
    if (const auto preset = a.value("preset")) {
        if (!options.classes.empty())
            throw UsageError{"give either --classes or --preset, not both"};
        options.classes = scenePreset(*preset).classes;
    }
    if (options.classes.empty())
        throw UsageError{"scene labelling needs --classes \"a,b,c\" or --preset ucm|aid|nwpu"};
    const std::string mode = a.value("mode", "generate");
    if (mode != "generate" && mode != "score")
        throw UsageError{"--mode must be generate or score"};
    options.mode = mode == "score" ? SceneLabelOptions::Mode::Score : SceneLabelOptions::Mode::Generate;
    options.tileIds = tileList(a.value("tiles", "all"));
    options.overlap = a.doubleValue("overlap", 0.0);
    if (!(options.overlap >= 0.0 && options.overlap <= 0.5))
        throw UsageError{"--overlap must be between 0 and 0.5"};
    options.batch = a.intValue("batch", 8);
    if (options.batch < 1 || options.batch > 256)
        throw UsageError{"--batch must be between 1 and 256"};

    std::shared_ptr<const RasterDataset> raster = RasterDataset::open(path);
    const auto model = GeoChatModel::load(*folder, loadOptions(a));
    TerminalProgress bar("scene");
    const JobProgress progress([&bar](std::int64_t done, std::int64_t total, const std::string &) { bar.update(done, total); });
    SceneLabelJob job(raster, *model, DisplaySettings::defaultsFor(raster->metadata()), options);
    const std::vector<SceneLabel> labels = job.run(progress);

    const CoordinateTransformer coords(raster->metadata());
    std::vector<AnalysisFeature> features;
    for (const SceneLabel &l : labels) {
        if (l.skipped)
            continue;
        AnalysisFeature f;
        const PixelRect r = l.tile.validRect();
        for (const auto &[x, y] : {std::pair<int, int>{r.x, r.y}, {r.x, r.bottom()}, {r.right(), r.bottom()}, {r.right(), r.y}})
            f.polygon.push_back(coords.pixelToMap(x, y));
        f.tileId = l.tile.id;
        f.task = "scene";
        f.prompt = SceneLabelJob::prompt(options.classes);
        f.answer = l.answer;
        f.label = l.label;
        f.score = l.score;
        f.matched = l.matched;
        f.model = modelName(*folder);
        for (const auto &[name, p] : l.top)
            f.details += (f.details.empty() ? "" : "; ") + name + " " + std::to_string(p);
        features.push_back(std::move(f));
    }
    const std::string ext = std::filesystem::path(*out).extension().string();
    if (ext == ".csv" || ext == ".CSV")
        writeAnalysisTable(*out, features);
    else
        writeAnalysisFeatures(*out, features, raster->metadata());
    std::cerr << "geolens-cli: labelled " << features.size() << " tiles";
    if (features.size() != labels.size())
        std::cerr << " (" << labels.size() - features.size() << " without data skipped)";
    std::cerr << "; wrote " << *out << std::endl;
    return 0;
}

} // namespace geolens::cli
