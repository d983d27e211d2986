#pragma once

#include "geometry/PixelRect.h"
#include "raster/RasterMetadata.h"
#include "raster/RasterWindow.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace geolens {

// A raster opened through GDAL. It never reads the whole raster: every read is a window resampled
// to the size the caller needs, and GDAL takes it from the smallest overview that still has enough
// resolution. Reads from several threads are serialised (a GDAL dataset handle is not
// thread-safe); metadata is immutable after open and free to read from any thread.
class RasterDataset {
public:
    // Largest band count GeoLens accepts: hyperspectral cubes open, but a file claiming more is
    // treated as corrupt.
    static constexpr int MaxBands = 4096;
    // Largest pixel count (2^42, a 2 million pixel square): more is a header that lies (a few
    // bytes of VRT may declare 2147483647 x 2147483647) and would make tiling allocate without end.
    static constexpr std::int64_t MaxPixels = std::int64_t(1) << 42;
    // Largest single read, in values (bands x pixels; 4 GiB of floats).
    static constexpr std::int64_t MaxReadValues = std::int64_t(1) << 30;

    // Throws FileError naming the file and the problem for anything that is not a usable raster.
    static std::unique_ptr<RasterDataset> open(const std::string &path);
    ~RasterDataset();
    RasterDataset(const RasterDataset &) = delete;
    RasterDataset &operator=(const RasterDataset &) = delete;

    const RasterMetadata &metadata() const { return metadata_; }
    const std::string &path() const { return metadata_.path; }
    int width() const { return metadata_.width; }
    int height() const { return metadata_.height; }

    // Reads bands (1-based) over window, resampled to outWidth x outHeight. Parts of the window
    // outside the raster come back invalid. Throws FileError if GDAL fails to read.
    RasterWindow read(const std::vector<int> &bands, const PixelRect &window, int outWidth,
                      int outHeight) const;

private:
    struct Handle;
    RasterDataset(std::unique_ptr<Handle> handle, RasterMetadata metadata);

    std::unique_ptr<Handle> handle_;
    RasterMetadata metadata_;
    mutable std::mutex mutex_;
};

} // namespace geolens
