#include "analysis/TileImage.h"

#include "raster/RasterRenderer.h"

#include <algorithm>

namespace geolens {

RgbImage renderModelImage(const RasterDataset &raster, const DisplaySettings &display, const PixelRect &window,
                          int outWidth, int outHeight, bool *anyValid)
{
    const RgbaImage rgba = RasterRenderer::render(raster, display, window, outWidth, outHeight);
    RgbImage rgb{rgba.width, rgba.height, std::vector<std::uint8_t>(static_cast<std::size_t>(rgba.width) * rgba.height * 3)};
    bool valid = false;
    for (std::size_t i = 0; i < static_cast<std::size_t>(rgba.width) * rgba.height; ++i) {
        std::copy_n(rgba.pixels.begin() + i * 4, 3, rgb.pixels.begin() + i * 3);
        valid = valid || rgba.pixels[i * 4 + 3] != 0;
    }
    if (anyValid)
        *anyValid = valid;
    return rgb;
}

std::optional<RgbImage> renderTileImage(const RasterDataset &raster, const DisplaySettings &display, const Tile &tile)
{
    bool anyValid = false;
    RgbImage rgb = renderModelImage(raster, display, tile.validRect(), tile.validWidth, tile.validHeight, &anyValid);
    if (!anyValid)
        return std::nullopt;
    return rgb;
}

} // namespace geolens
