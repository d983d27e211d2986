#include "distill/AspectTargetTable.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "model/PortablePixmap.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace geolens {

namespace fs = std::filesystem;

namespace {

Json settingsToJson(const AspectTargetSettings &s)
{
    return {{"format", "geolens-aspect-targets"},
            {"version", 1},
            {"source", s.source},
            {"teacher", s.teacher},
            {"classes", s.classes},
            {"aspects", aspectsToJson(s.aspects)},
            {"image_size", s.imageSize},
            {"tile_size", s.tileSize},
            {"overlap", s.overlap},
            {"crs", s.crs}};
}

AspectTargetSettings settingsFromJson(const Json &j, const std::string &path)
{
    try {
        if (j.value("format", std::string()) != "geolens-aspect-targets")
            throw FileError(path, "is not a GeoLens targets file (its \"format\" is not geolens-aspect-targets)");
        AspectTargetSettings s;
        s.source = j.at("source").get<std::string>();
        s.teacher = j.at("teacher").get<std::string>();
        s.classes = j.at("classes").get<std::vector<std::string>>();
        s.aspects = aspectsFromJson(j.at("aspects"));
        s.imageSize = j.at("image_size").get<int>();
        s.tileSize = j.at("tile_size").get<int>();
        s.overlap = j.at("overlap").get<double>();
        s.crs = j.value("crs", std::string());
        if (s.imageSize < 8 || s.imageSize > 4096)
            throw FileError(path, "its image_size " + std::to_string(s.imageSize) + " is not between 8 and 4096");
        return s;
    } catch (const nlohmann::json::exception &e) {
        throw FileError(path, std::string("is malformed: ") + e.what());
    }
}

Json targetToJson(const AspectTarget &t)
{
    Json j{{"id", t.id}, {"image", t.image}, {"classes", t.classProbabilities}, {"aspects", t.aspectProbabilities}};
    if (!t.truth.empty())
        j["truth"] = t.truth;
    if (t.tileId >= 0)
        j["tile"] = t.tileId;
    if (!t.footprint.empty()) {
        Json ring = Json::array();
        for (const auto &[x, y] : t.footprint)
            ring.push_back(Json::array({x, y}));
        j["footprint"] = std::move(ring);
    }
    return j;
}

AspectTarget targetFromJson(const Json &j, const AspectTargetSettings &s)
{
    AspectTarget t;
    t.id = j.at("id").get<std::string>();
    t.image = j.at("image").get<std::string>();
    t.classProbabilities = j.at("classes").get<std::vector<double>>();
    t.aspectProbabilities = j.at("aspects").get<std::vector<double>>();
    t.truth = j.value("truth", std::string());
    t.tileId = j.value("tile", -1);
    if (const Json *ring = jsonMember(j, "footprint"))
        for (const Json &p : *ring)
            t.footprint.emplace_back(p.at(0).get<double>(), p.at(1).get<double>());
    if (t.classProbabilities.size() != s.classes.size())
        throw InvalidArgument("it has " + std::to_string(t.classProbabilities.size()) + " class probabilities for " +
                              std::to_string(s.classes.size()) + " classes");
    if (t.aspectProbabilities.size() != s.aspects.size())
        throw InvalidArgument("it has " + std::to_string(t.aspectProbabilities.size()) + " aspect probabilities for " +
                              std::to_string(s.aspects.size()) + " aspects");
    for (double p : t.classProbabilities)
        if (!(p >= 0.0 && p <= 1.0))
            throw InvalidArgument("a class probability is not between 0 and 1");
    for (double p : t.aspectProbabilities)
        if (!(p >= 0.0 && p <= 1.0))
            throw InvalidArgument("an aspect probability is not between 0 and 1");
    if (!t.truth.empty() && std::find(s.classes.begin(), s.classes.end(), t.truth) == s.classes.end())
        throw InvalidArgument("its class '" + t.truth + "' is not one of the targets' classes");
    if (t.image.empty() || t.image.find("..") != std::string::npos || t.image.front() == '/')
        throw InvalidArgument("its image path '" + t.image + "' is not inside the folder");
    return t;
}

// What differs between the settings a folder was written with and those asked for now.
std::string settingsDifference(const AspectTargetSettings &was, const AspectTargetSettings &now)
{
    if (was.source != now.source)
        return "it holds the targets of " + was.source + ", not of " + now.source;
    if (was.classes != now.classes)
        return "its class list differs (" + std::to_string(was.classes.size()) + " classes there, " +
               std::to_string(now.classes.size()) + " now)";
    if (aspectText(was.aspects) != aspectText(now.aspects))
        return "its aspect questions differ";
    if (was.teacher != now.teacher)
        return "its targets came from the model " + was.teacher + ", not " + now.teacher;
    if (was.imageSize != now.imageSize || was.tileSize != now.tileSize || was.overlap != now.overlap)
        return "its tile or image size differs";
    return {};
}

} // namespace

namespace {

// The settings of the targets already in folder, after checking that settings may go on with
// them; nothing for a folder that is missing or empty. Throws what checkWritable documents.
std::optional<AspectTargetSettings> resumableSettings(const std::string &folder, const AspectTargetSettings &settings)
{
    const fs::path settingsPath = fs::path(folder) / AspectTargetTable::SettingsFile;
    std::error_code ec;
    if (fs::exists(settingsPath)) {
        AspectTargetSettings was = settingsFromJson(readJsonFile(settingsPath.string()), settingsPath.string());
        const std::string difference = settingsDifference(was, settings);
        if (!difference.empty())
            throw FileError(folder, "cannot be resumed: " + difference +
                                        ". Choose another --out folder, or remove this one to start again.");
        return was;
    }
    if (fs::exists(folder) && !fs::is_empty(folder, ec))
        throw FileError(folder, "is not empty and holds no targets; choose a new or empty folder for the targets");
    return std::nullopt;
}

} // namespace

void AspectTargetTable::checkWritable(const std::string &folder, const AspectTargetSettings &settings)
{
    resumableSettings(folder, settings);
}

AspectTargetTable AspectTargetTable::openForWriting(const std::string &folder, const AspectTargetSettings &settings)
{
    std::optional<AspectTargetSettings> was = resumableSettings(folder, settings);
    AspectTargetTable table;
    table.folder_ = folder;
    if (was) {
        table.settings_ = std::move(*was);
        table.load(true);
        return table;
    }
    std::error_code ec;
    fs::create_directories(fs::path(folder) / ImagesFolder, ec);
    if (ec)
        throw FileError(folder, "cannot be made: " + ec.message());
    table.settings_ = settings;
    writeFileAtomically((fs::path(folder) / SettingsFile).string(), dumpJson(settingsToJson(settings), 2) + "\n");
    return table;
}

AspectTargetTable AspectTargetTable::read(const std::string &folder)
{
    const fs::path settingsPath = fs::path(folder) / SettingsFile;
    if (!fs::exists(settingsPath))
        throw FileError(folder, std::string("holds no teacher targets (no ") + SettingsFile +
                                    "); make them with geolens-cli aspects");
    AspectTargetTable table;
    table.folder_ = folder;
    table.settings_ = settingsFromJson(readJsonFile(settingsPath.string()), settingsPath.string());
    table.load(false);
    return table;
}

void AspectTargetTable::load(bool dropCutLastLine)
{
    const std::string path = (fs::path(folder_) / TargetsFile).string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return; // no tile done yet
    std::ostringstream all;
    all << in.rdbuf();
    const std::string text = all.str();
    std::size_t start = 0;
    int number = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        ++number;
        if (end == std::string::npos) {
            // The last line has no end: the pass was killed while writing it.
            if (dropCutLastLine) {
                std::filesystem::resize_file(path, start);
                break;
            }
            throw FileError(path, "line " + std::to_string(number) +
                                      " is cut short; run the teacher pass again to finish it");
        }
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty())
            continue;
        try {
            AspectTarget t = targetFromJson(parseJson(line), settings_);
            if (!ids_.insert(t.id).second)
                throw InvalidArgument("the tile '" + t.id + "' appears twice");
            targets_.push_back(std::move(t));
        } catch (const std::exception &e) {
            throw FileError(path, "line " + std::to_string(number) + ": " + e.what());
        }
    }
}

RgbImage AspectTargetTable::image(const AspectTarget &target) const
{
    return readPortablePixmap((fs::path(folder_) / target.image).string());
}

void AspectTargetTable::append(AspectTarget target, const RgbImage &image)
{
    char name[32];
    std::snprintf(name, sizeof name, "%06zu.ppm", targets_.size());
    target.image = std::string(ImagesFolder) + "/" + name;
    const RgbImage square = ImagePreprocessor::expandToSquare(image);
    writePortablePixmap((fs::path(folder_) / target.image).string(),
                        ImagePreprocessor::resizeBicubic(square, settings_.imageSize, settings_.imageSize));
    appendToFile((fs::path(folder_) / TargetsFile).string(), dumpJson(targetToJson(target)) + "\n");
    ids_.insert(target.id);
    targets_.push_back(std::move(target));
}

} // namespace geolens
