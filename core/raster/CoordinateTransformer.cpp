#include "raster/CoordinateTransformer.h"

#include "common/Error.h"
#include "raster/GdalEnvironment.h"

#include <gdal.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>

namespace geolens {

namespace {

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation *t) const { OGRCoordinateTransformation::DestroyCT(t); }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

} // namespace

struct CoordinateTransformer::Transforms {
    TransformPtr toLonLat;
    TransformPtr fromLonLat;
};

CoordinateTransformer::CoordinateTransformer(const RasterMetadata &metadata)
    : hasGeoTransform_(metadata.hasGeoTransform), transforms_(std::make_unique<Transforms>())
{
    initializeGdal();
    std::copy(metadata.geoTransform.begin(), metadata.geoTransform.end(), forward_);
    invertible_ = GDALInvGeoTransform(forward_, inverse_) != 0;

    if (metadata.crsWkt.empty() || !metadata.hasGeoTransform)
        return;
    OGRSpatialReference source;
    if (source.importFromWkt(metadata.crsWkt.c_str()) != OGRERR_NONE)
        return;
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    GdalErrorCapture quiet; // a CRS PROJ cannot relate to WGS84 simply has no lon/lat
    transforms_->toLonLat.reset(OGRCreateCoordinateTransformation(&source, &wgs84));
    transforms_->fromLonLat.reset(OGRCreateCoordinateTransformation(&wgs84, &source));
}

CoordinateTransformer::~CoordinateTransformer() = default;

bool CoordinateTransformer::hasLonLat() const
{
    return transforms_->toLonLat && transforms_->fromLonLat;
}

MapPoint CoordinateTransformer::pixelToMap(double pixelX, double pixelY) const
{
    double x = 0, y = 0;
    GDALApplyGeoTransform(const_cast<double *>(forward_), pixelX, pixelY, &x, &y);
    return {x, y};
}

MapPoint CoordinateTransformer::mapToPixel(double mapX, double mapY) const
{
    if (!invertible_)
        throw InvalidArgument("The raster's geotransform cannot be inverted.");
    double px = 0, py = 0;
    GDALApplyGeoTransform(const_cast<double *>(inverse_), mapX, mapY, &px, &py);
    return {px, py};
}

std::optional<LonLat> CoordinateTransformer::mapToLonLat(const MapPoint &point) const
{
    if (!transforms_->toLonLat)
        return std::nullopt;
    double x = point.x, y = point.y;
    GdalErrorCapture quiet;
    if (!transforms_->toLonLat->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y))
        return std::nullopt;
    return LonLat{x, y};
}

std::optional<MapPoint> CoordinateTransformer::lonLatToMap(const LonLat &point) const
{
    if (!transforms_->fromLonLat)
        return std::nullopt;
    double x = point.lon, y = point.lat;
    GdalErrorCapture quiet;
    if (!transforms_->fromLonLat->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y))
        return std::nullopt;
    return MapPoint{x, y};
}

std::optional<LonLat> CoordinateTransformer::pixelToLonLat(double pixelX, double pixelY) const
{
    return mapToLonLat(pixelToMap(pixelX, pixelY));
}

} // namespace geolens
