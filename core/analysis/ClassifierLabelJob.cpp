#include "analysis/ClassifierLabelJob.h"

#include "analysis/TileImage.h"
#include "common/Error.h"
#include "distill/TileClassifier.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"

#include <algorithm>
#include <future>

namespace geolens {

ClassifierLabelJob::ClassifierLabelJob(std::shared_ptr<const RasterDataset> raster, const TileClassifier &classifier,
                                       DisplaySettings display, ClassifierLabelOptions options)
    : raster_(std::move(raster)), classifier_(classifier), display_(std::move(display)), options_(std::move(options))
{
}

std::vector<SceneLabel> ClassifierLabelJob::run(const JobProgress &progress)
{
    if (options_.batch < 1)
        throw InvalidArgument("The classifier's batch must be at least one tile.");
    const TileGrid grid(raster_->width(), raster_->height(), options_.tileSize, options_.overlap);
    std::vector<SceneLabel> labels;
    for (const Tile &tile : grid.tiles(options_.tileIds)) {
        SceneLabel l;
        l.tile = tile;
        labels.push_back(std::move(l));
    }
    StretchEstimator::complete(*raster_, display_);
    const TileClassifierInfo &info = classifier_.info();
    const auto total = static_cast<std::int64_t>(labels.size());
    progress.report(0, total, "classifier");
    // The next batch's tiles are read and scaled on a second thread while the classifier runs on
    // this one: reading is as slow as the network at these sizes. Only that thread touches the
    // raster, one batch at a time.
    struct Batch {
        std::vector<RgbImage> images;
        std::vector<std::size_t> indices; // of the labels with data
    };
    const auto batch = static_cast<std::size_t>(options_.batch);
    const auto prepare = [&](std::size_t first) {
        Batch b;
        for (std::size_t i = first; i < std::min(labels.size(), first + batch); ++i) {
            std::optional<RgbImage> image = renderTileImage(*raster_, display_, labels[i].tile);
            if (!image) {
                labels[i].skipped = true;
                continue;
            }
            b.images.push_back(classifierInputImage(*image, info.inputSize));
            b.indices.push_back(i);
        }
        return b;
    };
    std::future<Batch> next = std::async(std::launch::async, prepare, std::size_t(0));
    for (std::size_t first = 0; first < labels.size(); first += batch) {
        Batch current = next.get();
        if (first + batch < labels.size())
            next = std::async(std::launch::async, prepare, first + batch);
        // A future of std::async waits for its thread when it goes: nothing reads after a cancel.
        progress.throwIfCanceled();
        const std::size_t last = std::min(labels.size(), first + batch);
        const std::vector<TilePrediction> predictions = classifier_.predict(current.images);
        for (std::size_t k = 0; k < predictions.size(); ++k) {
            const TilePrediction &p = predictions[k];
            SceneLabel &l = labels[current.indices[k]];
            setScoredLabel(l, info.classes, p.classProbabilities);
            for (std::size_t a = 0; a < info.aspects.size(); ++a)
                l.aspects.emplace_back(info.aspects[a].key, p.aspectProbabilities[a]);
        }
        if (onLabelled_)
            for (std::size_t i = first; i < last; ++i)
                onLabelled_(labels[i]);
        progress.report(static_cast<std::int64_t>(last), total, "classifier");
    }
    return labels;
}

} // namespace geolens
