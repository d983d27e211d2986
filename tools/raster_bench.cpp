// geolens-raster-bench FILE [TILES]: how fast GeoLens opens a raster and renders the 256 px view
// tiles the map canvas asks for, at full resolution (panning at 1:1) and at the zoom that fits the
// whole raster in a 1280 px window. Prints one JSON object. A benchmark, not a test: it asserts
// nothing and is not run by ctest.

#include "common/JsonIo.h"
#include "raster/DisplaySettings.h"
#include "raster/RasterDataset.h"
#include "raster/RasterRenderer.h"
#include "raster/StretchEstimator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

long peakRssKiB()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stol(line.substr(6));
    return -1;
}

geolens::Json summary(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[static_cast<std::size_t>(q * (ms.size() - 1))]; };
    return {{"tiles", ms.size()}, {"median_ms", at(0.5)}, {"p95_ms", at(0.95)}, {"max_ms", ms.back()}};
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::cerr << "usage: geolens-raster-bench FILE [TILES]\n";
        return 2;
    }
    const int tiles = argc > 2 ? std::max(1, std::atoi(argv[2])) : 64;
    try {
        auto start = Clock::now();
        const auto raster = geolens::RasterDataset::open(argv[1]);
        const double openMs = millisecondsSince(start);

        start = Clock::now();
        geolens::DisplaySettings settings = geolens::DisplaySettings::defaultsFor(raster->metadata());
        geolens::StretchEstimator::complete(*raster, settings);
        const double stretchMs = millisecondsSince(start);

        constexpr int Side = 256;
        std::mt19937 random(42);
        auto renderAt = [&](int level) {
            const long long span = static_cast<long long>(Side) << level;
            const int cols = static_cast<int>((raster->width() + span - 1) / span);
            const int rows = static_cast<int>((raster->height() + span - 1) / span);
            std::vector<double> ms;
            for (int i = 0; i < tiles; ++i) {
                const int tx = static_cast<int>(random() % cols), ty = static_cast<int>(random() % rows);
                const geolens::PixelRect window{static_cast<int>(tx * span), static_cast<int>(ty * span),
                                                static_cast<int>(std::min<long long>(span, raster->width() - tx * span)),
                                                static_cast<int>(std::min<long long>(span, raster->height() - ty * span))};
                const auto t0 = Clock::now();
                geolens::RasterRenderer::render(*raster, settings, window, (window.width + (1 << level) - 1) >> level,
                                                (window.height + (1 << level) - 1) >> level);
                ms.push_back(millisecondsSince(t0));
            }
            return ms;
        };
        int fitLevel = 0;
        while ((std::max(raster->width(), raster->height()) >> fitLevel) > 1280)
            ++fitLevel;

        geolens::Json report = {
            {"file", argv[1]},
            {"width", raster->width()},
            {"height", raster->height()},
            {"overviews", raster->metadata().overviews.size()},
            {"open_ms", openMs},
            {"stretch_ms", stretchMs},
            {"pan_1to1", summary(renderAt(0))},
            {"fit_level", fitLevel},
            {"fit_view", summary(renderAt(fitLevel))},
            {"peak_rss_mib", peakRssKiB() / 1024.0},
        };
        std::cout << geolens::dumpJson(report, 2) << std::endl;
    } catch (const std::exception &e) {
        std::cerr << "geolens-raster-bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
