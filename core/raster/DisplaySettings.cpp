#include "raster/DisplaySettings.h"

#include "raster/TrueColourBands.h"

#include <algorithm>

namespace geolens {

std::vector<int> DisplaySettings::displayedBands() const
{
    if (mode == Mode::Rgb)
        return {rgbBands[0], rgbBands[1], rgbBands[2]};
    return {greyBand};
}

std::vector<int> DisplaySettings::bandsMissingStretch() const
{
    std::vector<int> missing;
    if (!stretched())
        return missing;
    for (int b : displayedBands()) {
        if (!stretches.count(b) && std::find(missing.begin(), missing.end(), b) == missing.end())
            missing.push_back(b);
    }
    return missing;
}

DisplaySettings DisplaySettings::defaultsFor(const RasterMetadata &metadata)
{
    DisplaySettings s;
    s.stretch = metadata.isByte() ? Stretch::None : Stretch::CumulativeCut;
    if (const std::optional<TrueColourBands::Choice> trueColour = TrueColourBands::find(metadata)) {
        s.mode = Mode::Rgb;
        s.rgbBands = trueColour->rgb;
    } else if (metadata.bandCount() >= 3) {
        s.mode = Mode::Rgb;
        s.rgbBands = {1, 2, 3};
    } else {
        // One or two bands: grey, with the RGB choice kept valid for a later switch.
        s.mode = Mode::Grey;
        s.greyBand = 1;
        const int last = std::max(1, metadata.bandCount());
        s.rgbBands = {1, std::min(2, last), std::min(3, last)};
    }
    return s;
}

void DisplaySettings::setStretch(Stretch s)
{
    if (s == stretch)
        return;
    if (s != Stretch::Custom)
        stretches.clear();
    stretch = s;
}

bool DisplaySettings::operator==(const DisplaySettings &o) const
{
    return mode == o.mode && rgbBands == o.rgbBands && greyBand == o.greyBand && stretch == o.stretch &&
           stretches == o.stretches;
}

} // namespace geolens
