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

// How a raster's bands become screen colours (and the colours of the tiles the model reads).
struct DisplaySettings {
    enum class Mode { Rgb, Grey };
    // How each band's values map to 0..255. None takes the values as they are (right for Byte data
    // that fills its range); MinMax and CumulativeCut are computed from a sample of the raster;
    // Custom keeps the limits the user typed.
    enum class Stretch { None, MinMax, CumulativeCut, Custom };

    Mode mode = Mode::Grey;
    std::array<int, 3> rgbBands{1, 2, 3}; // 1-based
    int greyBand = 1;                     // 1-based
    Stretch stretch = Stretch::None;
    std::map<int, BandStretch> stretches; // by band index; empty unless stretched()

    bool stretched() const { return stretch != Stretch::None; }
    // Switches to another stretch: computed limits are dropped (they belong to the old rule),
    // custom limits start from the ones in use.
    void setStretch(Stretch s);

    // The bands a render reads, in output channel order (three for RGB, one for grey).
    std::vector<int> displayedBands() const;
    // Bands in use whose stretch has not been computed yet.
    std::vector<int> bandsMissingStretch() const;

    // The rules that need no pixels: true colour when TrueColourBands finds it, else bands 1-2-3
    // when there are three or more, else band 1 as grey. Non-Byte data gets the 2-98 % cut; Byte
    // data none (StretchEstimator::defaultsFor looks at the pixels to stretch narrow Byte data).
    static DisplaySettings defaultsFor(const RasterMetadata &metadata);

    bool operator==(const DisplaySettings &o) const;
    bool operator!=(const DisplaySettings &o) const { return !(*this == o); }
};

} // namespace geolens
