#pragma once

#include "raster/RasterMetadata.h"

#include <array>
#include <optional>

namespace geolens {

// Finds the red, green and blue bands of a multispectral raster, so that it opens in true colour
// rather than bands 1-2-3 (blue in the red channel, for Landsat). The evidence, in the order it is
// trusted: GDAL's colour interpretation, the band descriptions ("Red", "Band 3 - Green"), stated
// centre wavelengths, and the Landsat band order when the file's metadata or name identify the
// mission (LE07_..., LT05_..., LC08_..., SPACECRAFT_ID=LANDSAT_7).
class TrueColourBands {
public:
    enum class Evidence { ColourInterpretation, Descriptions, Wavelengths, Sensor };

    struct Choice {
        std::array<int, 3> rgb{1, 2, 3}; // 1-based
        Evidence evidence = Evidence::ColourInterpretation;
        std::string sensor; // "Landsat 7" when the choice comes from the mission
    };

    static std::optional<Choice> find(const RasterMetadata &metadata);

    // The Landsat mission (4-9) the file's metadata or name point at, or 0.
    static int landsatMission(const RasterMetadata &metadata);
};

} // namespace geolens
