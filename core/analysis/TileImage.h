#pragma once

#include "geometry/PixelRect.h"
#include "model/ImagePreprocessor.h"
#include "raster/DisplaySettings.h"

namespace geolens {

class RasterDataset;

// What the model is shown of a raster window: its display colours as RGB at outWidth x
// outHeight (nodata and outside pixels black). anyValid, when given, says whether any pixel held
// data. The display settings must carry their stretches.
RgbImage renderModelImage(const RasterDataset &raster, const DisplaySettings &display, const PixelRect &window,
                          int outWidth, int outHeight, bool *anyValid = nullptr);

} // namespace geolens
