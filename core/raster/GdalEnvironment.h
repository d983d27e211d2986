#pragma once

#include <cstdint>
#include <string>

namespace geolens {

// Registers GDAL's drivers once and bounds GDAL's block cache, so that memory stays bounded
// whatever the size of the rasters opened. Idempotent and thread-safe.
void initializeGdal(std::int64_t blockCacheBytes = 256ll * 1024 * 1024);

// Runs GDAL calls with errors captured instead of printed: the last error message becomes part of
// the exception GeoLens throws, so a user sees GDAL's reason next to the file name.
class GdalErrorCapture {
public:
    GdalErrorCapture();
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture &) = delete;
    GdalErrorCapture &operator=(const GdalErrorCapture &) = delete;

    // The last failure (CE_Failure or CE_Fatal) GDAL reported, or an empty string.
    const std::string &lastError() const { return lastError_; }

private:
    std::string lastError_;
};

} // namespace geolens
