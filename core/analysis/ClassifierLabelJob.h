#pragma once

#include "analysis/SceneLabelJob.h"

namespace geolens {

class TileClassifier;

struct ClassifierLabelOptions {
    int tileSize = TileGrid::DefaultTileSize;
    double overlap = 0.0;
    std::vector<int> tileIds; // empty: every tile
    int batch = 32;           // tiles per forward pass
};

// Labels tiles of a raster with a trained multi-aspect classifier (distill/TileClassifier): each
// tile's valid part rendered as for GeoChat, then its class, the class's probability, the best
// three classes and every aspect's probability. Hundreds of times faster than asking GeoChat.
// Shared by `geolens-cli analyze --classifier` and the GUI.
class ClassifierLabelJob {
public:
    ClassifierLabelJob(std::shared_ptr<const RasterDataset> raster, const TileClassifier &classifier,
                       DisplaySettings display, ClassifierLabelOptions options);

    void setOnLabelled(std::function<void(const SceneLabel &)> onLabelled) { onLabelled_ = std::move(onLabelled); }

    // Throws InvalidArgument for a bad tile id or batch, Canceled when canceled (the tiles labelled
    // before went to onLabelled).
    std::vector<SceneLabel> run(const JobProgress &progress);

private:
    std::function<void(const SceneLabel &)> onLabelled_;
    std::shared_ptr<const RasterDataset> raster_;
    const TileClassifier &classifier_;
    DisplaySettings display_;
    ClassifierLabelOptions options_;
};

} // namespace geolens
