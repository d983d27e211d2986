#include "analysis/SceneLabelJob.h"

#include "analysis/ClassMatcher.h"
#include "analysis/TileImage.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "evaluation/ScenePresets.h"
#include "evaluation/ShardExchange.h"
#include "evaluation/ShardedRounds.h"
#include "geometry/BoxParser.h"
#include "model/GeoChatModel.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"

#include <algorithm>
#include <cmath>

namespace geolens {

namespace {

// A label's result without its tile, which every rank knows from the tile id.
Json labelToJson(const SceneLabel &l)
{
    Json top = Json::array();
    for (const auto &[name, p] : l.top)
        top.push_back(Json::array({name, p}));
    return {{"skipped", l.skipped}, {"answer", l.answer}, {"label", l.label},
            {"matched", l.matched}, {"score", l.score},   {"top", std::move(top)}};
}

void labelFromJson(const Json &j, SceneLabel &l)
{
    l.skipped = j.at("skipped").get<bool>();
    l.answer = j.at("answer").get<std::string>();
    l.label = j.at("label").get<std::string>();
    l.matched = j.at("matched").get<bool>();
    l.score = j.at("score").get<double>();
    l.top.clear();
    for (const Json &t : j.at("top"))
        l.top.emplace_back(t.at(0).get<std::string>(), t.at(1).get<double>());
}

} // namespace

void setScoredLabel(SceneLabel &label, const std::vector<std::string> &classes, const std::vector<double> &probabilities)
{
    std::vector<std::size_t> order(probabilities.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return probabilities[a] > probabilities[b]; });
    label.matched = true;
    label.label = classes.at(order.front());
    label.score = probabilities[order.front()];
    label.top.clear();
    for (std::size_t i = 0; i < std::min<std::size_t>(3, order.size()); ++i)
        label.top.emplace_back(classes.at(order[i]), probabilities[order[i]]);
}

SceneLabelJob::SceneLabelJob(std::shared_ptr<const RasterDataset> raster, GeoChatModel &model, DisplaySettings display,
                             SceneLabelOptions options)
    : raster_(std::move(raster)), model_(model), display_(std::move(display)), options_(std::move(options))
{
}

std::string SceneLabelJob::prompt(const std::vector<std::string> &classes)
{
    return sceneClassificationPrompt(classes);
}

std::vector<SceneLabel> SceneLabelJob::run(const JobProgress &progress)
{
    ShardExchange alone;
    return run(progress, alone);
}

std::vector<SceneLabel> SceneLabelJob::run(const JobProgress &progress, ShardExchange &ranks)
{
    if (options_.classes.empty())
        throw InvalidArgument("Scene labelling needs at least one class.");
    const TileGrid grid(raster_->width(), raster_->height(), options_.tileSize, options_.overlap);
    // Every rank checks every id, so a bad one stops them all before any model runs.
    std::vector<SceneLabel> labels;
    for (const Tile &tile : grid.tiles(options_.tileIds)) {
        SceneLabel label;
        label.tile = tile;
        labels.push_back(std::move(label));
    }

    StretchEstimator::complete(*raster_, display_);
    GenerationRequest request;
    request.question = prompt(options_.classes);
    request.maxNewTokens = options_.maxNewTokens;
    const ClassMatcher matcher(options_.classes);
    const auto total = static_cast<std::int64_t>(labels.size());
    progress.report(0, total, "scene");

    const auto labelTiles = [&](const std::vector<std::size_t> &items) {
        progress.throwIfCanceled();
        std::vector<RgbImage> images;
        std::vector<SceneLabel *> pending;
        for (std::size_t i : items) {
            std::optional<RgbImage> image = renderTileImage(*raster_, display_, labels[i].tile);
            if (!image) {
                labels[i].skipped = true;
                continue;
            }
            images.push_back(std::move(*image));
            pending.push_back(&labels[i]);
        }
        if (!images.empty() && options_.mode == SceneLabelOptions::Mode::Generate) {
            const std::vector<GenerationResult> results = model_.generateBatch(images, request);
            for (std::size_t k = 0; k < results.size(); ++k) {
                SceneLabel &l = *pending[k];
                l.answer = results[k].text;
                const auto match = matcher.match(l.answer);
                l.matched = match.has_value();
                // An answer that matched no class is the label as the words it says, without
                // the box markup a GeoChat answer may carry.
                l.label = match ? options_.classes[*match] : parseBoxes(l.answer).text;
                l.score = match ? 1.0 : 0.0;
            }
        } else if (!images.empty()) {
            setScoredLabel(*pending.front(), options_.classes,
                           sceneClassProbabilities(model_.scoreAnswers(images.front(), request, options_.classes)));
        }
    };

    // Score mode asks about one tile at a time.
    const std::size_t batch = options_.mode == SceneLabelOptions::Mode::Generate ? std::max(1, options_.batch) : 1;
    ShardedRounds rounds(ranks, labels.size(), batch, "the scene labels");
    std::size_t reported = 0;
    for (std::size_t round = 0; round < rounds.rounds(); ++round) {
        rounds.run(
            round, labelTiles, [&](std::size_t i) { return labelToJson(labels[i]); },
            [&](std::size_t i, const Json &j) { labelFromJson(j, labels[i]); });
        const std::size_t done = rounds.doneAfter(round);
        if (onLabelled_ && ranks.isRoot())
            for (; reported < done && reported < labels.size(); ++reported)
                onLabelled_(labels[reported]);
        progress.report(static_cast<std::int64_t>(done), total, "scene");
    }
    if (!ranks.isRoot())
        return {};
    return labels;
}

} // namespace geolens
