#pragma once

#include "geometry/PixelRect.h"

#include <optional>
#include <vector>

namespace geolens {

// One cell of a TileGrid. A tile always spans size x size pixels starting at (xOff, yOff); at the
// right and bottom edges only the first validWidth x validHeight of them lie inside the raster
// and the rest is padding.
struct Tile {
    int id = 0; // row-major: row * columns + col
    int col = 0;
    int row = 0;
    int xOff = 0;
    int yOff = 0;
    int size = 0;
    int validWidth = 0;
    int validHeight = 0;

    PixelRect footprint() const { return {xOff, yOff, size, size}; }
    PixelRect validRect() const { return {xOff, yOff, validWidth, validHeight}; }
    bool isPadded() const { return validWidth < size || validHeight < size; }
};

// Cuts a raster into square tiles (504 px for GeoChat) that overlap by a fraction of their size.
// Tiles start at multiples of the stride from the top-left corner; the last column and row are
// padded rather than shifted, so every tile keeps the same stride and a pixel's tile is a division
// away.
class TileGrid {
public:
    static constexpr int DefaultTileSize = 504;
    static constexpr double MaxOverlap = 0.5;
    // Most tiles a grid may have: the largest raster GeoLens opens (2^42 pixels) in 504 px tiles at
    // the largest overlap (a 252 px stride) makes 69 million.
    static constexpr int MaxTiles = 70000000;

    // Throws InvalidArgument for a non-positive raster or tile size, or overlap outside [0, 0.5].
    TileGrid(int rasterWidth, int rasterHeight, int tileSize = DefaultTileSize, double overlap = 0.0);

    int rasterWidth() const { return rasterWidth_; }
    int rasterHeight() const { return rasterHeight_; }
    int tileSize() const { return tileSize_; }
    double overlap() const { return overlap_; }
    // Distance between the origins of neighbouring tiles: size minus the rounded overlap in pixels.
    int stride() const { return stride_; }
    int columns() const { return columns_; }
    int rows() const { return rows_; }
    int count() const { return columns_ * rows_; }

    Tile tile(int id) const;           // throws InvalidArgument when out of range
    Tile tileAt(int col, int row) const; // throws InvalidArgument when out of range
    // The tiles of ids in their order, or every tile, row-major, for no ids (as a job's tile
    // choice says). Throws InvalidArgument for an id out of range.
    std::vector<Tile> tiles(const std::vector<int> &ids = {}) const;

    // The tile whose centre is nearest to the pixel position among the tiles whose valid area holds
    // it; nothing when the position is outside the raster.
    std::optional<int> tileIdAt(double pixelX, double pixelY) const;

    // Ids of the tiles whose footprint (padding included) intersects the rectangle, row-major.
    std::vector<int> tilesIntersecting(const PixelRect &rect) const;

private:
    static int countAlong(int extent, int size, int stride);

    int rasterWidth_;
    int rasterHeight_;
    int tileSize_;
    double overlap_;
    int stride_;
    int columns_;
    int rows_;
};

} // namespace geolens
