#include "cli/DisplayOptions.h"

#include "cli/CliArguments.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"

#include <sstream>

namespace geolens::cli {

namespace {

// "4,3,2" selects RGB bands, "1" a grey band.
void applyBands(const std::string &spec, DisplaySettings &s, int bandCount)
{
    std::vector<int> bands;
    std::stringstream in(spec);
    std::string part;
    while (std::getline(in, part, ',')) {
        try {
            std::size_t used = 0;
            bands.push_back(std::stoi(part, &used));
            if (used != part.size())
                throw std::invalid_argument(part);
        } catch (const std::exception &) {
            throw UsageError{"--bands needs band numbers like 4,3,2 or 1, not '" + spec + "'"};
        }
    }
    for (int b : bands)
        if (b < 1 || b > bandCount)
            throw UsageError{"--bands: band " + std::to_string(b) + " does not exist; the raster has " +
                             std::to_string(bandCount) + " bands"};
    if (bands.size() == 3) {
        s.mode = DisplaySettings::Mode::Rgb;
        s.rgbBands = {bands[0], bands[1], bands[2]};
    } else if (bands.size() == 1) {
        s.mode = DisplaySettings::Mode::Grey;
        s.greyBand = bands[0];
    } else {
        throw UsageError{"--bands needs three bands (R,G,B) or one (grey)"};
    }
}

BandStretch limitPair(const std::string &pair, const std::string &spec)
{
    const std::size_t colon = pair.find(':');
    try {
        if (colon == std::string::npos)
            throw std::invalid_argument(pair);
        std::size_t usedLow = 0, usedHigh = 0;
        const std::string low = pair.substr(0, colon), high = pair.substr(colon + 1);
        const BandStretch s{std::stod(low, &usedLow), std::stod(high, &usedHigh)};
        if (usedLow != low.size() || usedHigh != high.size())
            throw std::invalid_argument(pair);
        if (!(s.max > s.min))
            throw UsageError{"--stretch " + spec + ": the high limit must be above the low one"};
        return s;
    } catch (const std::invalid_argument &) {
        throw UsageError{"--stretch needs none, minmax, cut or limits like 20:180, not '" + spec + "'"};
    } catch (const std::out_of_range &) {
        throw UsageError{"--stretch needs none, minmax, cut or limits like 20:180, not '" + spec + "'"};
    }
}

void applyStretch(const std::string &spec, DisplaySettings &s)
{
    using Stretch = DisplaySettings::Stretch;
    if (spec == "none" || spec == "minmax" || spec == "cut") {
        s.setStretch(spec == "none" ? Stretch::None : spec == "minmax" ? Stretch::MinMax : Stretch::CumulativeCut);
        return;
    }
    const std::vector<std::string> pairs = splitList(spec, ',');
    const std::vector<int> bands = s.displayedBands();
    if (pairs.size() != 1 && pairs.size() != bands.size())
        throw UsageError{"--stretch " + spec + ": give one LOW:HIGH pair for every displayed band or " +
                         std::to_string(bands.size()) + " pairs, one per band"};
    s.setStretch(Stretch::Custom);
    for (std::size_t i = 0; i < bands.size(); ++i)
        s.stretches[bands[i]] = limitPair(pairs[pairs.size() == 1 ? 0 : i], spec);
}

} // namespace

DisplaySettings displaySettingsFromArguments(const CliArguments &arguments, const RasterDataset &raster)
{
    DisplaySettings settings = StretchEstimator::defaultsFor(raster);
    if (const auto bands = arguments.value("bands"))
        applyBands(*bands, settings, raster.metadata().bandCount());
    if (const auto stretch = arguments.value("stretch"))
        applyStretch(*stretch, settings);
    StretchEstimator::complete(raster, settings);
    return settings;
}

} // namespace geolens::cli
