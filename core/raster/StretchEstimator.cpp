#include "raster/StretchEstimator.h"

#include "raster/RasterDataset.h"

#include <algorithm>
#include <cmath>

namespace geolens {

namespace {

constexpr int LargestDirectRead = 4096;
constexpr int LatticeSide = 8;
constexpr int LatticeWindow = 128;

std::vector<float> validSamples(const RasterDataset &dataset, int band)
{
    const RasterMetadata &m = dataset.metadata();
    std::vector<float> samples;
    auto collect = [&](const RasterWindow &w) {
        const float *v = w.band(0);
        for (std::size_t i = 0; i < w.valid.size(); ++i)
            if (w.valid[i])
                samples.push_back(v[i]);
    };

    const int largest = std::max(m.width, m.height);
    const bool smallOverview = std::any_of(m.overviews.begin(), m.overviews.end(), [](const OverviewInfo &o) {
        return std::max(o.width, o.height) <= LargestDirectRead;
    });
    if (largest <= LargestDirectRead || smallOverview) {
        const double scale = std::min(1.0, static_cast<double>(StretchEstimator::SampleSize) / largest);
        const int outW = std::max(1, static_cast<int>(std::lround(m.width * scale)));
        const int outH = std::max(1, static_cast<int>(std::lround(m.height * scale)));
        collect(dataset.read({band}, {0, 0, m.width, m.height}, outW, outH));
        return samples;
    }
    for (int j = 0; j < LatticeSide; ++j) {
        for (int i = 0; i < LatticeSide; ++i) {
            const int w = std::min(LatticeWindow, m.width);
            const int h = std::min(LatticeWindow, m.height);
            const int x = static_cast<int>((m.width - w) * (i + 0.5) / LatticeSide);
            const int y = static_cast<int>((m.height - h) * (j + 0.5) / LatticeSide);
            collect(dataset.read({band}, {x, y, w, h}, w, h));
        }
    }
    return samples;
}

double percentile(std::vector<float> &values, double percent)
{
    const double position = percent / 100.0 * (values.size() - 1);
    const auto index = static_cast<std::size_t>(std::floor(position));
    std::nth_element(values.begin(), values.begin() + index, values.end());
    const double lower = values[index];
    if (index + 1 >= values.size())
        return lower;
    const double upper = *std::min_element(values.begin() + index + 1, values.end());
    return lower + (upper - lower) * (position - index);
}

} // namespace

BandStretch StretchEstimator::cumulativeCut(const RasterDataset &dataset, int band, double lowPercent,
                                            double highPercent)
{
    std::vector<float> samples = validSamples(dataset, band);
    if (samples.empty())
        return {0.0, 1.0};
    BandStretch s{percentile(samples, lowPercent), percentile(samples, highPercent)};
    if (!(s.max > s.min)) // a constant band: keep the value visible as mid grey
        s = {s.min - 0.5, s.min + 0.5};
    return s;
}

void StretchEstimator::complete(const RasterDataset &dataset, DisplaySettings &settings)
{
    const bool minMax = settings.stretch == DisplaySettings::Stretch::MinMax;
    for (int band : settings.bandsMissingStretch())
        settings.stretches[band] = minMax ? cumulativeCut(dataset, band, 0.0, 100.0) : cumulativeCut(dataset, band);
}

DisplaySettings StretchEstimator::defaultsFor(const RasterDataset &dataset)
{
    const RasterMetadata &metadata = dataset.metadata();
    DisplaySettings settings = DisplaySettings::defaultsFor(metadata);
    const bool paletted = std::any_of(metadata.bands.begin(), metadata.bands.end(),
                                      [](const BandInfo &b) { return b.hasColorTable; });
    if (settings.stretch == DisplaySettings::Stretch::None && metadata.isByte() && !paletted) {
        DisplaySettings cut = settings;
        cut.setStretch(DisplaySettings::Stretch::CumulativeCut);
        complete(dataset, cut);
        double widest = 0.0;
        for (const auto &[band, stretch] : cut.stretches)
            widest = std::max(widest, stretch.max - stretch.min);
        if (widest < NarrowByteSpan)
            settings = cut;
    }
    complete(dataset, settings);
    return settings;
}

} // namespace geolens
