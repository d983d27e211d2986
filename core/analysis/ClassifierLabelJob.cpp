#include "analysis/ClassifierLabelJob.h"

#include "analysis/TileImage.h"
#include "common/Error.h"
#include "distill/TileClassifier.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"

#include <algorithm>
#include <numeric>

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
    for (std::size_t first = 0; first < labels.size(); first += static_cast<std::size_t>(options_.batch)) {
        progress.throwIfCanceled();
        const std::size_t last = std::min(labels.size(), first + static_cast<std::size_t>(options_.batch));
        std::vector<RgbImage> images;
        std::vector<SceneLabel *> pending;
        for (std::size_t i = first; i < last; ++i) {
            std::optional<RgbImage> image = renderTileImage(*raster_, display_, labels[i].tile);
            if (!image) {
                labels[i].skipped = true;
                continue;
            }
            images.push_back(classifierInputImage(*image, info.inputSize));
            pending.push_back(&labels[i]);
        }
        const std::vector<TilePrediction> predictions = classifier_.predict(images);
        for (std::size_t k = 0; k < predictions.size(); ++k) {
            const TilePrediction &p = predictions[k];
            SceneLabel &l = *pending[k];
            l.matched = true;
            l.label = info.classes[static_cast<std::size_t>(p.classIndex)];
            l.score = p.probability;
            std::vector<std::size_t> order(p.classProbabilities.size());
            std::iota(order.begin(), order.end(), 0);
            const std::size_t top = std::min<std::size_t>(3, order.size());
            std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                              [&](std::size_t a, std::size_t b) { return p.classProbabilities[a] > p.classProbabilities[b]; });
            for (std::size_t i = 0; i < top; ++i)
                l.top.emplace_back(info.classes[order[i]], p.classProbabilities[order[i]]);
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
