#pragma once

#include "raster/CoordinateTransformer.h"
#include "raster/RasterMetadata.h"

#include <string>
#include <utility>
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
    // Further numbers, each its own field: a multi-aspect classifier's or teacher's probabilities
    // ("p_water", ...). The layer has the union of the features' names, in the order first seen;
    // a feature without one of them leaves it null.
    std::vector<std::pair<std::string, double>> measures;
};

// Writes features with OGR: GeoPackage (.gpkg), GeoJSON (.geojson, .json) or CSV (.csv), in the
// raster's CRS, one layer named "results", to a temporary file renamed into place. Throws FileError.
//
// A CSV row holds the polygon as WKT (first column, "WKT", which OGR and QGIS read as the
// geometry), its centre (centre_x, centre_y) and the CRS ("crs": "EPSG:<code>" when the CRS has
// one, else its WKT; empty without georeferencing). OGR's CSV reader takes no CRS from the file,
// so the CRS also goes into a .prj beside it (ESRI WKT, as a shapefile's), and an older .prj of
// that name is removed when the raster has no CRS.
void writeAnalysisFeatures(const std::string &path, const std::vector<AnalysisFeature> &features,
                           const RasterMetadata &raster);

} // namespace geolens
