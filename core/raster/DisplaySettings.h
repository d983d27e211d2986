#pragma once

#include "raster/RasterMetadata.h"

#include <array>
#include <map>
#include <vector>

namespace geolens {

// Linear stretch of one band: min maps to 0, max to 255.
struct BandStretch {
    double min = 0.0;
    double max = 255.0;
    bool operator==(const BandStretch &o) const { return min == o.min && max == o.max; }
};

// How a raster's bands become screen colours.
struct DisplaySettings {
    enum class Mode { Rgb, Grey };

    Mode mode = Mode::Grey;
    std::array<int, 3> rgbBands{1, 2, 3}; // 1-based
    int greyBand = 1;                     // 1-based
    // False for Byte rasters, which are shown as they are; otherwise the stretches below apply.
    bool stretched = false;
    std::map<int, BandStretch> stretches; // by band index

    // The bands a render reads, in output channel order (three for RGB, one for grey).
    std::vector<int> displayedBands() const;
    // Bands in use whose stretch has not been computed yet.
    std::vector<int> bandsMissingStretch() const;

    // The rules: RGB from colour interpretation when the bands are tagged Red/Green/Blue, else
    // bands 1-2-3 when there are three or more, else band 1 as grey. Non-Byte data is stretched.
    static DisplaySettings defaultsFor(const RasterMetadata &metadata);

    bool operator==(const DisplaySettings &o) const;
    bool operator!=(const DisplaySettings &o) const { return !(*this == o); }
};

} // namespace geolens
