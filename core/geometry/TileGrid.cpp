#include "geometry/TileGrid.h"

#include "common/Error.h"

#include <cmath>
#include <limits>
#include <string>

namespace geolens {

TileGrid::TileGrid(int rasterWidth, int rasterHeight, int tileSize, double overlap)
    : rasterWidth_(rasterWidth), rasterHeight_(rasterHeight), tileSize_(tileSize), overlap_(overlap)
{
    if (rasterWidth <= 0 || rasterHeight <= 0)
        throw InvalidArgument("The raster size " + std::to_string(rasterWidth) + " x " +
                              std::to_string(rasterHeight) + " has no pixels to tile.");
    if (tileSize <= 0)
        throw InvalidArgument("The tile size must be positive, not " + std::to_string(tileSize) + ".");
    if (!(overlap >= 0.0 && overlap <= MaxOverlap))
        throw InvalidArgument("The tile overlap must be between 0 and 0.5 (0-50 %), not " +
                              std::to_string(overlap) + ".");
    const int overlapPixels = static_cast<int>(std::lround(tileSize * overlap));
    stride_ = std::max(1, tileSize - overlapPixels);
    columns_ = countAlong(rasterWidth, tileSize, stride_);
    rows_ = countAlong(rasterHeight, tileSize, stride_);
    const long long tiles = static_cast<long long>(columns_) * rows_;
    if (tiles > MaxTiles)
        throw InvalidArgument("The raster of " + std::to_string(rasterWidth) + " x " + std::to_string(rasterHeight) +
                              " pixels makes " + std::to_string(tiles) + " tiles of " + std::to_string(tileSize) +
                              " px, more than the " + std::to_string(MaxTiles) + " GeoLens handles.");
}

int TileGrid::countAlong(int extent, int size, int stride)
{
    if (extent <= size)
        return 1;
    return 1 + (extent - size + stride - 1) / stride;
}

Tile TileGrid::tileAt(int col, int row) const
{
    if (col < 0 || col >= columns_ || row < 0 || row >= rows_)
        throw InvalidArgument("Tile (" + std::to_string(col) + ", " + std::to_string(row) +
                              ") is outside the " + std::to_string(columns_) + " x " +
                              std::to_string(rows_) + " grid.");
    Tile t;
    t.col = col;
    t.row = row;
    t.id = row * columns_ + col;
    t.size = tileSize_;
    t.xOff = col * stride_;
    t.yOff = row * stride_;
    t.validWidth = std::min(tileSize_, rasterWidth_ - t.xOff);
    t.validHeight = std::min(tileSize_, rasterHeight_ - t.yOff);
    return t;
}

Tile TileGrid::tile(int id) const
{
    if (id < 0 || id >= count())
        throw InvalidArgument("Tile " + std::to_string(id) + " does not exist; the grid has " +
                              std::to_string(count()) + " tiles.");
    return tileAt(id % columns_, id / columns_);
}

std::vector<Tile> TileGrid::tiles(const std::vector<int> &ids) const
{
    std::vector<Tile> out;
    if (ids.empty())
        for (int id = 0; id < count(); ++id)
            out.push_back(tile(id));
    for (int id : ids)
        out.push_back(tile(id));
    return out;
}

std::optional<int> TileGrid::tileIdAt(double pixelX, double pixelY) const
{
    if (!(pixelX >= 0 && pixelY >= 0 && pixelX < rasterWidth_ && pixelY < rasterHeight_))
        return std::nullopt;
    // Tiles holding x start in (x - size, x]: at most ceil(size / stride) candidates per axis.
    auto candidates = [&](double v, int n) {
        const int last = std::min(n - 1, static_cast<int>(std::floor(v / stride_)));
        const int first = std::max(0, static_cast<int>(std::floor((v - tileSize_) / stride_)) + 1);
        return std::make_pair(first, last);
    };
    const auto [c0, c1] = candidates(pixelX, columns_);
    const auto [r0, r1] = candidates(pixelY, rows_);
    std::optional<int> best;
    double bestDistance = std::numeric_limits<double>::max();
    for (int r = r0; r <= r1; ++r) {
        for (int c = c0; c <= c1; ++c) {
            const Tile t = tileAt(c, r);
            const double dx = pixelX - (t.xOff + t.validWidth / 2.0);
            const double dy = pixelY - (t.yOff + t.validHeight / 2.0);
            const double d = dx * dx + dy * dy;
            if (d < bestDistance) {
                bestDistance = d;
                best = t.id;
            }
        }
    }
    return best;
}

std::vector<int> TileGrid::tilesIntersecting(const PixelRect &rect) const
{
    std::vector<int> ids;
    if (rect.isEmpty())
        return ids;
    auto range = [&](int lo, int hi, int n) {
        // Footprint of index i is [i*stride, i*stride + size); it meets [lo, hi) when
        // i*stride < hi and i*stride + size > lo.
        const int first = std::max(0, (lo - tileSize_) / stride_ + ((lo - tileSize_) >= 0 ? 1 : 0));
        const int last = std::min(n - 1, (hi - 1) / stride_);
        return std::make_pair(first, hi <= 0 ? -1 : last);
    };
    const auto [c0, c1] = range(rect.x, rect.right(), columns_);
    const auto [r0, r1] = range(rect.y, rect.bottom(), rows_);
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c)
            ids.push_back(r * columns_ + c);
    return ids;
}

} // namespace geolens
