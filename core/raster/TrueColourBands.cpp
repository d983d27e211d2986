#include "raster/TrueColourBands.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

namespace geolens {

namespace {

enum Colour { Red = 0, Green = 1, Blue = 2 };

bool complete(const std::array<int, 3> &rgb)
{
    return rgb[Red] && rgb[Green] && rgb[Blue] && rgb[Red] != rgb[Green] && rgb[Red] != rgb[Blue] &&
           rgb[Green] != rgb[Blue];
}

std::set<std::string> words(const std::string &text)
{
    std::set<std::string> out;
    std::string word;
    for (char c : text + ' ') {
        if (std::isalpha(static_cast<unsigned char>(c))) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!word.empty()) {
            out.insert(word);
            word.clear();
        }
    }
    return out;
}

std::array<int, 3> fromInterpretation(const RasterMetadata &m)
{
    std::array<int, 3> rgb{0, 0, 0};
    const char *names[3] = {"Red", "Green", "Blue"};
    for (int c = 0; c < 3; ++c)
        for (const BandInfo &b : m.bands)
            if (!rgb[c] && b.colorInterpretation == names[c])
                rgb[c] = b.index;
    return rgb;
}

// "Red", "B4 red", "Band 2 - Green": a whole word, and not a red edge band.
std::array<int, 3> fromDescriptions(const RasterMetadata &m)
{
    std::array<int, 3> rgb{0, 0, 0};
    const char *names[3] = {"red", "green", "blue"};
    for (const BandInfo &b : m.bands) {
        const std::set<std::string> w = words(b.description);
        if (w.count("edge") || w.count("rededge"))
            continue;
        for (int c = 0; c < 3; ++c)
            if (!rgb[c] && w.count(names[c]))
                rgb[c] = b.index;
    }
    return rgb;
}

// The band whose centre wavelength lies in each colour's window, nearest its middle.
std::array<int, 3> fromWavelengths(const RasterMetadata &m)
{
    struct Window {
        double low, high, centre;
    };
    const Window windows[3] = {{0.62, 0.70, 0.655}, {0.52, 0.60, 0.56}, {0.43, 0.52, 0.48}};
    std::array<int, 3> rgb{0, 0, 0};
    for (int c = 0; c < 3; ++c) {
        double best = 1.0;
        for (const BandInfo &b : m.bands) {
            if (!b.wavelengthMicrometres)
                continue;
            const double w = *b.wavelengthMicrometres;
            if (w >= windows[c].low && w < windows[c].high && std::abs(w - windows[c].centre) < best) {
                best = std::abs(w - windows[c].centre);
                rgb[c] = b.index;
            }
        }
    }
    return rgb;
}

} // namespace

int TrueColourBands::landsatMission(const RasterMetadata &metadata)
{
    // "LANDSAT_7", "Landsat 8", "landsat-9" in any metadata value or the file name.
    static const std::regex named("landsat[ _-]?0?([4-9])(?![0-9])", std::regex::icase);
    // Scene identifiers: collection (LE07_L1TP_..., LC08_...) and pre-collection (LE71230322000...).
    // L[TE] are TM/ETM+, L[CO] OLI; LM (MSS) has no blue band and is left out.
    static const std::regex sceneId("^L[TECO](?:0([4-9])_|([4-9])[0-9]{6})", std::regex::icase);
    auto missionIn = [](const std::string &text, const std::regex &pattern) {
        std::smatch match;
        if (!std::regex_search(text, match, pattern))
            return 0;
        for (std::size_t i = 1; i < match.size(); ++i)
            if (match[i].matched)
                return std::stoi(match[i].str());
        return 0;
    };
    for (const auto &[key, value] : metadata.metadataItems)
        if (const int mission = missionIn(value, named))
            return mission;
    const std::string name = std::filesystem::path(metadata.path).filename().string();
    if (const int mission = missionIn(name, sceneId))
        return mission;
    return missionIn(name, named);
}

std::optional<TrueColourBands::Choice> TrueColourBands::find(const RasterMetadata &metadata)
{
    Choice choice;
    choice.rgb = fromInterpretation(metadata);
    if (complete(choice.rgb))
        return choice;
    choice.rgb = fromDescriptions(metadata);
    choice.evidence = Evidence::Descriptions;
    if (complete(choice.rgb))
        return choice;
    choice.rgb = fromWavelengths(metadata);
    choice.evidence = Evidence::Wavelengths;
    if (complete(choice.rgb))
        return choice;

    // The missions' band numbering: TM and ETM+ count blue, green, red from band 1; OLI puts a
    // coastal band first, so a stack of its bands is only trusted when it starts there (7 or more).
    const int mission = landsatMission(metadata);
    choice.evidence = Evidence::Sensor;
    choice.sensor = "Landsat " + std::to_string(mission);
    if ((mission == 4 || mission == 5 || mission == 7) && metadata.bandCount() >= 3) {
        choice.rgb = {3, 2, 1};
        return choice;
    }
    if ((mission == 8 || mission == 9) && metadata.bandCount() >= 7) {
        choice.rgb = {4, 3, 2};
        return choice;
    }
    return std::nullopt;
}

} // namespace geolens
