#pragma once

#include "raster/DisplaySettings.h"

namespace geolens {

class RasterDataset;

// Computes display stretches from a decimated read, never from the whole raster: one resampled
// read when an overview (or the raster itself) is small enough, else a regular lattice of small
// full-resolution windows, so the cost is the same for a 1000 or a 100000 pixel wide raster.
class StretchEstimator {
public:
    static constexpr int SampleSize = 1024;

    // The cumulative cut of one band: the lowPercent and highPercent percentiles of its valid
    // values (nodata and NaN ignored). A band with no valid sample gets 0..1.
    static BandStretch cumulativeCut(const RasterDataset &dataset, int band, double lowPercent = 2.0,
                                     double highPercent = 98.0);

    // Fills settings.stretches for every displayed band that lacks one, by the settings' rule:
    // percentiles 0-100 for MinMax, 2-98 for CumulativeCut, and 2-98 as the starting point of
    // Custom limits.
    static void complete(const RasterDataset &dataset, DisplaySettings &settings);

    // The settings a raster opens with, stretches computed: DisplaySettings::defaultsFor, and the
    // 2-98 % cut for Byte data whose displayed bands all sit in a narrow part of 0..255 (the
    // widest cut spans less than NarrowByteSpan), which shows it as is would leave dark. Byte
    // bands with a colour table keep their colours.
    static DisplaySettings defaultsFor(const RasterDataset &dataset);
    static constexpr double NarrowByteSpan = 160.0;
};

} // namespace geolens
