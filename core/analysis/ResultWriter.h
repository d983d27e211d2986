#pragma once

#include "raster/CoordinateTransformer.h"
#include "raster/RasterMetadata.h"

#include <string>
#include <vector>

namespace geolens {

// One analysis result placed on the map: a polygon in the raster's CRS (pixel coordinates for a
// raster without georeferencing) and the attributes every task shares.
struct AnalysisFeature {
    std::vector<MapPoint> polygon; // closed or not; the writer closes it
    int tileId = -1;
    std::string task;   // scene, refer, grounding, caption
    std::string prompt;
    std::string answer;
    std::string label;  // class or object name
    double score = 0.0;
    bool matched = false;
    double angle = 0.0; // degrees, counter-clockwise on screen
    std::string model;
    std::string details; // e.g. the top-3 classes
};

// Writes features with OGR: GeoPackage (.gpkg) or GeoJSON (.geojson, .json), in the raster's CRS,
// one layer named "results", to a temporary file renamed into place. Throws FileError.
void writeAnalysisFeatures(const std::string &path, const std::vector<AnalysisFeature> &features,
                           const RasterMetadata &raster);

// The same attributes as a CSV table without geometry (the label table), written atomically.
void writeAnalysisTable(const std::string &path, const std::vector<AnalysisFeature> &features);

} // namespace geolens
