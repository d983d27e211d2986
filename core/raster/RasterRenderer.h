#pragma once

#include "geometry/PixelRect.h"
#include "raster/DisplaySettings.h"

#include <cstdint>
#include <vector>

namespace geolens {

class RasterDataset;

// An 8-bit image, 4 bytes per pixel in R, G, B, A order, rows packed.
struct RgbaImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;
};

// Turns a window of a raster into display colours: band selection, stretch, and transparency
// where the data is nodata or NaN.
class RasterRenderer {
public:
    // settings must have a stretch for every displayed band when it is stretched
    // (StretchEstimator::complete). Throws FileError if the read fails.
    static RgbaImage render(const RasterDataset &dataset, const DisplaySettings &settings,
                            const PixelRect &window, int outWidth, int outHeight);

    // RGB8 (3 bytes per pixel) of a size x size tile whose valid part is window; padding and
    // invalid pixels are black. This is what the model sees.
    static std::vector<std::uint8_t> renderTileRgb(const RasterDataset &dataset,
                                                   const DisplaySettings &settings,
                                                   const PixelRect &window, int size);
};

} // namespace geolens
