#include "analysis/AnalysisFeatures.h"

#include "geometry/BoxParser.h"
#include "raster/CoordinateTransformer.h"

#include <algorithm>
#include <cstdio>

namespace geolens {

std::vector<MapPoint> tilePolygon(const Tile &tile, const CoordinateTransformer &coords)
{
    std::vector<MapPoint> polygon;
    const PixelRect r = tile.validRect();
    for (const auto &[x, y] : {std::pair<int, int>{r.x, r.y}, {r.x, r.bottom()}, {r.right(), r.bottom()}, {r.right(), r.y}})
        polygon.push_back(coords.pixelToMap(x, y));
    return polygon;
}

AnalysisFeature tileAnswerFeature(const UnboxedAnswer &answer, const CoordinateTransformer &coords, const std::string &task,
                                  const std::string &model)
{
    AnalysisFeature f;
    f.polygon = tilePolygon(answer.tile, coords);
    f.tileId = answer.tile.id;
    f.task = task;
    f.prompt = answer.prompt;
    f.answer = answer.answer;
    f.label = parseBoxes(answer.answer).text;
    f.model = model;
    return f;
}

AnalysisFeature sceneLabelFeature(const SceneLabel &label, const CoordinateTransformer &coords,
                                  const std::string &prompt, const std::string &model)
{
    AnalysisFeature f;
    f.polygon = tilePolygon(label.tile, coords);
    f.tileId = label.tile.id;
    f.task = "scene";
    f.prompt = prompt;
    f.answer = label.answer;
    f.label = label.label;
    f.score = label.score;
    f.matched = label.matched;
    f.model = model;
    for (const auto &[name, p] : label.top) {
        char percent[32];
        std::snprintf(percent, sizeof percent, " %.1f %%", p * 100.0);
        f.details += (f.details.empty() ? "" : "; ") + name + percent;
    }
    for (const auto &[key, p] : label.aspects)
        f.measures.emplace_back(aspectFieldName(key), p);
    return f;
}

AnalysisFeature boxFeature(const BoxResult &box, const CoordinateTransformer &coords, const std::string &task,
                           const std::string &model)
{
    AnalysisFeature f;
    for (const Point2 &p : box.pixelBox.corners())
        f.polygon.push_back(coords.pixelToMap(p.x, p.y));
    f.tileId = box.tileId;
    f.task = task;
    f.prompt = box.prompt;
    f.answer = box.answer;
    f.label = box.label;
    f.score = box.score;
    f.matched = true;
    f.angle = box.pixelBox.angleDegrees;
    f.model = model;
    return f;
}

std::string aspectFieldName(const std::string &key)
{
    return "p_" + key;
}

AnalysisFeature aspectTargetFeature(const AspectTarget &target, const AspectTargetSettings &settings)
{
    AnalysisFeature f;
    for (const auto &[x, y] : target.footprint)
        f.polygon.push_back({x, y});
    f.tileId = target.tileId;
    f.task = "aspects";
    const auto best = std::max_element(target.classProbabilities.begin(), target.classProbabilities.end());
    if (best != target.classProbabilities.end()) {
        f.label = settings.classes[static_cast<std::size_t>(best - target.classProbabilities.begin())];
        f.score = *best;
        f.matched = true;
    }
    f.model = settings.teacher;
    f.details = target.truth;
    for (std::size_t i = 0; i < settings.aspects.size() && i < target.aspectProbabilities.size(); ++i)
        f.measures.emplace_back(aspectFieldName(settings.aspects[i].key), target.aspectProbabilities[i]);
    return f;
}

} // namespace geolens
