#pragma once

#include <cstdint>
#include <vector>

namespace geolens {

// Values of some bands over a window, resampled to width x height, band-sequential as float.
// valid[i] is 0 where any band read is nodata or NaN, or lies outside the raster.
struct RasterWindow {
    int width = 0;
    int height = 0;
    int bandCount = 0;
    std::vector<float> values;
    std::vector<std::uint8_t> valid;

    const float *band(int i) const { return values.data() + static_cast<std::size_t>(i) * width * height; }
};

} // namespace geolens
