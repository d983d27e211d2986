#pragma once

#include "common/JobProgress.h"

#include <string>
#include <vector>

namespace geolens {

// Builds overviews (reduced-resolution copies) for a raster that has none, as an external .ovr
// file beside it, so zoomed-out views and decimated reads of a large raster touch a few blocks
// instead of all of them. The raster itself is never modified. A canceled or failed build removes
// its partial .ovr file.
class OverviewBuildJob {
public:
    // Overviews stop once the smallest is at most this many pixels on its longer side.
    static constexpr int SmallestOverview = 256;

    explicit OverviewBuildJob(std::string path, std::string resampling = "AVERAGE");

    // Factors 2, 4, 8... down to SmallestOverview; empty for a raster that is already small.
    static std::vector<int> factorsFor(int width, int height);

    // Returns the factors built (empty when there was nothing to do because the raster is small
    // or already has overviews). Throws FileError, Canceled.
    std::vector<int> run(const JobProgress &progress) const;

private:
    std::string path_;
    std::string resampling_;
};

} // namespace geolens
