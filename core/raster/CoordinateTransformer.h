#pragma once

#include "raster/RasterMetadata.h"

#include <memory>
#include <optional>

namespace geolens {

struct MapPoint {
    double x = 0.0;
    double y = 0.0;
};

struct LonLat {
    double lon = 0.0;
    double lat = 0.0;
};

// Pixel <-> map (the raster's CRS) <-> longitude/latitude (WGS84). Pixel coordinates put the
// top-left corner of the raster at (0, 0) and the centre of the first pixel at (0.5, 0.5), as
// GDAL's geotransform does. Both CRSs use the traditional GIS axis order (x = easting/longitude),
// whatever the authority says, so EPSG:4326 does not come back as latitude first.
// Not thread-safe: each thread that converts holds its own.
class CoordinateTransformer {
public:
    explicit CoordinateTransformer(const RasterMetadata &metadata);
    ~CoordinateTransformer();
    CoordinateTransformer(const CoordinateTransformer &) = delete;
    CoordinateTransformer &operator=(const CoordinateTransformer &) = delete;

    // False for a raster without geotransform: map coordinates are then pixel coordinates.
    bool hasMapCoordinates() const { return hasGeoTransform_; }
    // True when the raster's CRS can be converted to WGS84.
    bool hasLonLat() const;

    MapPoint pixelToMap(double pixelX, double pixelY) const;
    // Inverse of pixelToMap; throws InvalidArgument for a geotransform that cannot be inverted.
    MapPoint mapToPixel(double mapX, double mapY) const;

    std::optional<LonLat> mapToLonLat(const MapPoint &point) const;
    std::optional<MapPoint> lonLatToMap(const LonLat &point) const;
    std::optional<LonLat> pixelToLonLat(double pixelX, double pixelY) const;

private:
    struct Transforms;
    bool hasGeoTransform_;
    double forward_[6];
    double inverse_[6];
    bool invertible_;
    std::unique_ptr<Transforms> transforms_;
};

} // namespace geolens
