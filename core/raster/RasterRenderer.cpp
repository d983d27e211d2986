#include "raster/RasterRenderer.h"

#include "common/Error.h"
#include "raster/RasterDataset.h"

#include <algorithm>
#include <cmath>

namespace geolens {

namespace {

// Lookup-free linear mapping to 0..255 (the values are floats of any range).
struct ChannelMap {
    float offset = 0.0f;
    float scale = 1.0f;

    std::uint8_t operator()(float v) const
    {
        const float mapped = (v - offset) * scale;
        if (!(mapped > 0.0f))
            return 0;
        if (mapped >= 255.0f)
            return 255;
        return static_cast<std::uint8_t>(mapped + 0.5f);
    }
};

std::vector<ChannelMap> channelMaps(const DisplaySettings &settings)
{
    std::vector<ChannelMap> maps;
    for (int band : settings.displayedBands()) {
        ChannelMap m;
        if (settings.stretched()) {
            auto it = settings.stretches.find(band);
            if (it == settings.stretches.end())
                throw InvalidArgument("Band " + std::to_string(band) + " has no display stretch yet.");
            m.offset = static_cast<float>(it->second.min);
            m.scale = static_cast<float>(255.0 / (it->second.max - it->second.min));
        }
        maps.push_back(m);
    }
    return maps;
}

} // namespace

RgbaImage RasterRenderer::render(const RasterDataset &dataset, const DisplaySettings &settings,
                                 const PixelRect &window, int outWidth, int outHeight)
{
    const std::vector<ChannelMap> maps = channelMaps(settings);
    const RasterWindow data = dataset.read(settings.displayedBands(), window, outWidth, outHeight);
    RgbaImage image;
    image.width = outWidth;
    image.height = outHeight;
    const std::size_t n = static_cast<std::size_t>(outWidth) * outHeight;
    image.pixels.assign(n * 4, 0);
    const bool grey = maps.size() == 1;
    for (std::size_t i = 0; i < n; ++i) {
        if (!data.valid[i])
            continue;
        std::uint8_t *px = image.pixels.data() + i * 4;
        if (grey) {
            px[0] = px[1] = px[2] = maps[0](data.band(0)[i]);
        } else {
            for (int c = 0; c < 3; ++c)
                px[c] = maps[c](data.band(c)[i]);
        }
        px[3] = 255;
    }
    return image;
}

std::vector<std::uint8_t> RasterRenderer::renderTileRgb(const RasterDataset &dataset,
                                                        const DisplaySettings &settings,
                                                        const PixelRect &window, int size)
{
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(size) * size * 3, 0);
    if (window.isEmpty())
        return rgb;
    const RgbaImage valid = render(dataset, settings, window, window.width, window.height);
    for (int y = 0; y < window.height && y < size; ++y) {
        for (int x = 0; x < window.width && x < size; ++x) {
            const std::uint8_t *src = valid.pixels.data() + (static_cast<std::size_t>(y) * window.width + x) * 4;
            std::uint8_t *dst = rgb.data() + (static_cast<std::size_t>(y) * size + x) * 3;
            std::copy_n(src, 3, dst); // invalid pixels are already 0,0,0
        }
    }
    return rgb;
}

} // namespace geolens
