#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace geolens {

struct BandInfo {
    int index = 0;                 // 1-based, as GDAL and users count bands
    std::string dataType;          // GDAL's name: Byte, UInt16, Int16, Float32...
    std::optional<double> nodata;  // may be NaN
    std::string colorInterpretation; // GDAL's name: Red, Green, Blue, Gray, Alpha, Undefined...
    std::string description;
    bool hasColorTable = false;
    // Centre wavelength when the file states one (ENVI's wavelength, GDAL's IMAGERY domain).
    std::optional<double> wavelengthMicrometres;
};

struct OverviewInfo {
    int width = 0;
    int height = 0;
};

// What a raster is, read once at open time; plain data so that any layer can hold a copy.
struct RasterMetadata {
    std::string path;
    std::string driver; // short name: GTiff, VRT, PNG, JPEG, JP2OpenJPEG...
    int width = 0;
    int height = 0;
    std::vector<BandInfo> bands;
    std::string crsWkt;       // empty when the raster has no CRS
    std::optional<int> epsg;  // when the CRS is identified by an EPSG code
    bool hasGeoTransform = false;
    // GDAL order: originX, pixelWidth, rowRotation, originY, columnRotation, pixelHeight.
    std::array<double, 6> geoTransform{0, 1, 0, 0, 0, 1};
    std::vector<OverviewInfo> overviews; // of band 1, largest first
    // The dataset's own metadata items (default and IMAGERY domains), which may name the
    // satellite or sensor (SPACECRAFT_ID=LANDSAT_7, SATELLITEID, SENSOR...).
    std::map<std::string, std::string> metadataItems;

    int bandCount() const { return static_cast<int>(bands.size()); }
    // Data type of the first band; rasters with mixed types are read as Float32 anyway.
    std::string dataType() const { return bands.empty() ? std::string() : bands.front().dataType; }
    bool isByte() const;
    // Ground size of one pixel along x and y (positive), from the geotransform.
    double pixelSizeX() const;
    double pixelSizeY() const;
    // True when the raster places its pixels in a CRS: both a geotransform and a CRS.
    bool isGeoreferenced() const { return hasGeoTransform && !crsWkt.empty(); }
};

} // namespace geolens
