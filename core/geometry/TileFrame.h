#pragma once

#include "geometry/RotatedBox.h"
#include "geometry/TileGrid.h"

#include <optional>

namespace geolens {

// The link between GeoChat's 0-100 box grid and raster pixels for one tile.
//
// The model sees a square image and its grid spans that square edge to edge: grid 0 is the square's
// left (top) edge and grid 100 its right (bottom) edge, in the continuous pixel frame of Point2.
// The square is a square of raster pixels, padding included:
//   - fullTile: the whole tile footprint, padding and all (origin xOff, yOff; side = tile size);
//   - validPart: only the tile's valid pixels are sent and the model's preprocessing pads them to a
//     square centred on them, as GeoChat's expand2square does: side = max(validWidth, validHeight),
//     and the short axis starts floor((side - valid) / 2) pixels before the tile.
// Both scale x and y alike, so a box's angle is the same on the grid and in pixels.
class TileFrame {
public:
    static constexpr double GridSize = 100.0;

    // The square of raster pixels with its top-left corner at (originX, originY). Throws
    // InvalidArgument when side is not positive and finite.
    TileFrame(double originX, double originY, double side);

    static TileFrame fullTile(const Tile &tile);
    static TileFrame validPart(const Tile &tile);

    double originX() const { return originX_; }
    double originY() const { return originY_; }
    double side() const { return side_; }
    double pixelsPerGridUnit() const { return side_ / GridSize; }

    Point2 gridToPixel(const Point2 &gridPoint) const;
    Point2 pixelToGrid(const Point2 &pixelPoint) const;
    RotatedBox gridToPixel(const RotatedBox &gridBox) const;
    // For an [identify] prompt from a rectangle drawn on the raster: format the result with formatBox.
    RotatedBox pixelToGrid(const RotatedBox &pixelBox) const;

private:
    double originX_;
    double originY_;
    double side_;
};

// The tile to ask about a box drawn on the raster: among the tiles whose valid area holds the whole
// box (its turned corners), the one where the box keeps the largest margin to the valid area's
// edges (the lowest id among equals); nothing when no tile holds it.
std::optional<int> bestTileFor(const TileGrid &grid, const RotatedBox &pixelBox);

} // namespace geolens
