#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace geolens::test {

// Describes a raster for a test to write with GDAL. Pixel values come from value(band, x, y).
struct RasterSpec {
    int width = 64;
    int height = 48;
    int bands = 1;
    std::string dataType = "Byte"; // GDAL type name
    std::optional<int> epsg = 32632;
    std::optional<std::array<double, 6>> geoTransform = std::array<double, 6>{500000, 10, 0, 5000000, 0, -10};
    std::optional<double> nodata;
    std::array<const char *, 4> colorInterpretation{nullptr, nullptr, nullptr, nullptr}; // bands 1-4
    std::function<double(int band, int x, int y)> value = [](int b, int x, int y) { return (x + y + b * 10) % 256; };
    bool tiled = false;
    bool sparse = false; // write no pixels at all: a huge raster costs nothing
    std::string driver = "GTiff";
    std::optional<std::array<int, 2>> overviewLevels;
    std::vector<std::string> descriptions;                // band 1, 2, ...
    std::map<std::string, std::string> metadata;          // the dataset's, default domain
    std::map<int, std::map<std::string, std::string>> bandMetadata; // by band, "DOMAIN:KEY" or KEY
    bool colorTable = false;                              // a grey ramp palette on band 1
};

// Writes the raster and returns its path. Throws std::runtime_error when GDAL fails.
std::string writeRaster(const std::string &path, const RasterSpec &spec);

// Writes a netCDF classic file holding two 4x4 byte variables: GDAL opens it as a container of two
// subdatasets with zero bands of its own.
std::string writeNetcdfContainer(const std::string &path);

// Where the sample imagery made by scripts/fetch-sample-data.sh lives ("" when the build
// was configured without it).
std::string sampleDataDir();

} // namespace geolens::test
