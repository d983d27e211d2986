#pragma once

#include "analysis/BoxAnalysisJob.h"
#include "analysis/ResultWriter.h"
#include "analysis/SceneLabelJob.h"
#include "distill/AspectTargetTable.h"

namespace geolens {

class CoordinateTransformer;

// Results on the map: a scene label becomes its tile's footprint (the part inside the raster), a
// box its rotated outline, both in the raster's CRS, with the attributes the writers share. One
// conversion for the CLI and the GUI.
// A tile's valid part in map coordinates.
std::vector<MapPoint> tilePolygon(const Tile &tile, const CoordinateTransformer &coords);
// The field of an aspect's probability in a results layer: "p_" and its key.
std::string aspectFieldName(const std::string &key);
// A teacher pass's target on the map: its tile, the teacher's best class (label, score), the
// folder's class when known (details) and each aspect's P(yes) as a p_<key> field.
AnalysisFeature aspectTargetFeature(const AspectTarget &target, const AspectTargetSettings &settings);
AnalysisFeature sceneLabelFeature(const SceneLabel &label, const CoordinateTransformer &coords,
                                  const std::string &prompt, const std::string &model);
// A tile's answer that held no box, as a feature over the tile's valid part (the answer's words
// as its label, the full answer kept).
AnalysisFeature tileAnswerFeature(const UnboxedAnswer &answer, const CoordinateTransformer &coords, const std::string &task,
                                  const std::string &model);
AnalysisFeature boxFeature(const BoxResult &box, const CoordinateTransformer &coords, const std::string &task,
                           const std::string &model);

} // namespace geolens
