#pragma once

#include "raster/RasterMetadata.h"

#include <string>

namespace geolens {

// The JSON document `geolens-cli info` prints: width, height, bands, data_type, nodata (per band,
// null where unset, "nan" for a NaN nodata), crs_wkt, epsg (or null), geotransform (6 numbers),
// pixel_size ([x, y]), overviews ([{width, height}]), plus driver, path, georeferenced and the
// colour interpretation of each band.
std::string rasterInfoJson(const RasterMetadata &metadata, int indent = 2);

} // namespace geolens
