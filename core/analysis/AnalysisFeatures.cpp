#include "analysis/AnalysisFeatures.h"

#include "geometry/BoxParser.h"
#include "raster/CoordinateTransformer.h"

#include <cstdio>

namespace geolens {

namespace {

// A tile's valid part in map coordinates.
std::vector<MapPoint> tilePolygon(const Tile &tile, const CoordinateTransformer &coords)
{
    std::vector<MapPoint> polygon;
    const PixelRect r = tile.validRect();
    for (const auto &[x, y] : {std::pair<int, int>{r.x, r.y}, {r.x, r.bottom()}, {r.right(), r.bottom()}, {r.right(), r.y}})
        polygon.push_back(coords.pixelToMap(x, y));
    return polygon;
}

} // namespace

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

} // namespace geolens
