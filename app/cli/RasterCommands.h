#pragma once

#include <string>
#include <vector>

namespace geolens::cli {

// `info FILE`: the raster's metadata as JSON on stdout.
int runInfo(const std::vector<std::string> &args);
// `tiles FILE --size 504 --overlap 0.1 --out DIR [--bands R,G,B|G]`: PNG tiles and tiles.geojson.
int runTiles(const std::vector<std::string> &args);
// `overviews FILE [--resampling average]`: FILE.ovr for a raster that has no overviews.
int runOverviews(const std::vector<std::string> &args);

} // namespace geolens::cli
