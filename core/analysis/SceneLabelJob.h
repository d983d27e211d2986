#pragma once

#include "common/JobProgress.h"
#include "geometry/TileGrid.h"
#include "raster/DisplaySettings.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace geolens {

class GeoChatModel;
class RasterDataset;
class ShardExchange;

struct SceneLabelOptions {
    enum class Mode {
        Generate, // a free answer, mapped to the nearest class
        Score,    // the likelihood of every class as the answer: a probability per class
    };
    std::vector<std::string> classes;
    Mode mode = Mode::Generate;
    int tileSize = TileGrid::DefaultTileSize;
    double overlap = 0.0;
    std::vector<int> tileIds; // empty: every tile
    int batch = 8;            // tiles per forward pass in generate mode
    int maxNewTokens = 16;
};

struct SceneLabel {
    Tile tile;
    bool skipped = false;     // nothing but nodata in the tile
    std::string answer;       // the model's words (generate mode)
    std::string label;        // the class, or the answer's words (box markup left out) when it matched none
    bool matched = false;     // label is one of the classes
    double score = 0.0;       // probability of label (score mode), 1 for a matched free answer
    std::vector<std::pair<std::string, double>> top; // best three classes with probabilities (score mode)
    std::vector<std::pair<std::string, double>> aspects; // a multi-aspect classifier's P(yes) by aspect key
};

// Makes label the most probable of classes (probabilities, one each): label, score, matched, and
// the best three in top (ties in the classes' order). Shared by score mode and the classifier.
void setScoredLabel(SceneLabel &label, const std::vector<std::string> &classes, const std::vector<double> &probabilities);

// Labels tiles of a raster with a scene class: each tile's valid part is rendered with the
// display settings (padding to a square is the model's own preprocessing) and classified with
// GeoChat's prompt. Shared by the CLI's analyze verb and the GUI.
class SceneLabelJob {
public:
    SceneLabelJob(std::shared_ptr<const RasterDataset> raster, GeoChatModel &model, DisplaySettings display,
                  SceneLabelOptions options);

    // GeoChat's classification prompt for these classes.
    static std::string prompt(const std::vector<std::string> &classes);

    // Throws InvalidArgument for an empty class list or a bad tile id, Canceled when canceled.
    std::vector<SceneLabel> run(const JobProgress &progress);
    // The same with the tiles shared among the ranks of a data-parallel run (ShardedRounds): every
    // rank labels its share; rank 0 returns the labels of every tile, in the order run() gives
    // them, and reports the progress of the whole; the other ranks return none.
    std::vector<SceneLabel> run(const JobProgress &progress, ShardExchange &ranks);

    // Called (on rank 0) with each label as soon as its round is in, before a cancel or a failure
    // can end the run: what finished before a cancel is kept by the caller, not lost with it.
    void setOnLabelled(std::function<void(const SceneLabel &)> onLabelled) { onLabelled_ = std::move(onLabelled); }

private:
    std::function<void(const SceneLabel &)> onLabelled_;
    std::shared_ptr<const RasterDataset> raster_;
    GeoChatModel &model_;
    DisplaySettings display_;
    SceneLabelOptions options_;
};

} // namespace geolens
