#pragma once

#include "geometry/PixelRect.h"
#include "geometry/TileGrid.h"
#include "model/ImagePreprocessor.h"
#include "raster/DisplaySettings.h"

#include <optional>

namespace geolens {

class RasterDataset;

// What the model is shown of a raster window: its display colours as RGB at outWidth x
// outHeight (nodata and outside pixels black). anyValid, when given, says whether any pixel held
// data. The display settings must carry their stretches.
RgbImage renderModelImage(const RasterDataset &raster, const DisplaySettings &display, const PixelRect &window,
                          int outWidth, int outHeight, bool *anyValid = nullptr);

// A tile's valid part at full resolution, as a job gives it to the model (padding to a square is
// the model's own preprocessing); nothing when every pixel of it is nodata.
std::optional<RgbImage> renderTileImage(const RasterDataset &raster, const DisplaySettings &display, const Tile &tile);

} // namespace geolens
