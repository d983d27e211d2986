#pragma once

#include "distill/AspectQuestions.h"
#include "model/ImagePreprocessor.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace geolens {

// What a teacher pass was asked: the first file of a targets folder (targets.json). A pass that
// resumes must ask the same.
struct AspectTargetSettings {
    std::string source;                 // the raster or image folder the tiles come from
    std::string teacher;                // the model that answered
    std::vector<std::string> classes;
    std::vector<AspectQuestion> aspects;
    int imageSize = 128;                // side of the stored tile images
    int tileSize = 0;                   // raster tiles' side in pixels; 0 for an image folder
    double overlap = 0.0;
    std::string crs;                    // the raster's CRS as WKT; empty without one
};

// The teacher's soft targets for one tile or image.
struct AspectTarget {
    std::string id;                          // "tile 12", or the image's path inside its folder
    std::string image;                       // the stored image, relative to the targets folder
    std::string truth;                       // the class its folder names; empty when unknown
    std::vector<double> classProbabilities;  // one per class, summing to 1
    std::vector<double> aspectProbabilities; // P(yes) per aspect
    int tileId = -1;                         // raster tiles only
    std::vector<std::pair<double, double>> footprint; // in the raster's CRS; empty for images
};

// A targets folder: targets.json (the settings), targets.jsonl (one target a line, appended as
// each tile is done, so a pass that stops loses nothing and resumes where it stopped) and
// images/ (each tile as the student sees it, imageSize pixels square, binary PPM). Plain C++.
class AspectTargetTable {
public:
    static constexpr const char *SettingsFile = "targets.json";
    static constexpr const char *TargetsFile = "targets.jsonl";
    static constexpr const char *ImagesFolder = "images";

    // A folder to write into: made when missing; one with targets of the same settings is resumed
    // (a last line cut short by a crash is dropped). Throws FileError naming what differs when the
    // folder holds targets of other settings, or when it holds other files and no targets.
    static AspectTargetTable openForWriting(const std::string &folder, const AspectTargetSettings &settings);
    // What openForWriting would refuse, found without making or changing anything: for a command
    // to stop before it spends minutes loading the teacher.
    static void checkWritable(const std::string &folder, const AspectTargetSettings &settings);
    // The targets of a finished or interrupted pass, for training. Throws FileError naming the
    // file and line of anything malformed, and for a folder without targets.
    static AspectTargetTable read(const std::string &folder);

    const std::string &folder() const { return folder_; }
    const AspectTargetSettings &settings() const { return settings_; }
    const std::vector<AspectTarget> &targets() const { return targets_; }
    bool contains(const std::string &id) const { return ids_.count(id) > 0; }
    // The stored image of a target, as read back from its file.
    RgbImage image(const AspectTarget &target) const;

    // Stores image (made square with the model's pad colour and scaled to imageSize), then appends
    // the target; target.image is filled in. Throws FileError when the disk refuses.
    void append(AspectTarget target, const RgbImage &image);

private:
    AspectTargetTable() = default;
    void load(bool dropCutLastLine);

    std::string folder_;
    AspectTargetSettings settings_;
    std::vector<AspectTarget> targets_;
    std::set<std::string> ids_;
};

} // namespace geolens
