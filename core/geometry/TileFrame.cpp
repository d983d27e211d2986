#include "geometry/TileFrame.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace geolens {

TileFrame::TileFrame(double originX, double originY, double side)
    : originX_(originX), originY_(originY), side_(side)
{
    if (!(side > 0.0) || !std::isfinite(side) || !std::isfinite(originX) || !std::isfinite(originY))
        throw InvalidArgument("A tile frame needs a finite origin and a positive side, not a side of " +
                              std::to_string(side) + ".");
}

TileFrame TileFrame::fullTile(const Tile &tile)
{
    return TileFrame(tile.xOff, tile.yOff, tile.size);
}

TileFrame TileFrame::validPart(const Tile &tile)
{
    const int side = std::max(tile.validWidth, tile.validHeight);
    // Integer division, as expand2square pastes the image at ((side - w) // 2, (side - h) // 2).
    const int padLeft = (side - tile.validWidth) / 2;
    const int padTop = (side - tile.validHeight) / 2;
    return TileFrame(tile.xOff - padLeft, tile.yOff - padTop, side);
}

Point2 TileFrame::gridToPixel(const Point2 &gridPoint) const
{
    const double scale = pixelsPerGridUnit();
    return {originX_ + gridPoint.x * scale, originY_ + gridPoint.y * scale};
}

Point2 TileFrame::pixelToGrid(const Point2 &pixelPoint) const
{
    const double scale = pixelsPerGridUnit();
    return {(pixelPoint.x - originX_) / scale, (pixelPoint.y - originY_) / scale};
}

RotatedBox TileFrame::gridToPixel(const RotatedBox &gridBox) const
{
    const double scale = pixelsPerGridUnit();
    const Point2 centre = gridToPixel(Point2{gridBox.cx, gridBox.cy});
    return {centre.x, centre.y, gridBox.width * scale, gridBox.height * scale, gridBox.angleDegrees};
}

RotatedBox TileFrame::pixelToGrid(const RotatedBox &pixelBox) const
{
    const double scale = pixelsPerGridUnit();
    const Point2 centre = pixelToGrid(Point2{pixelBox.cx, pixelBox.cy});
    return {centre.x, centre.y, pixelBox.width / scale, pixelBox.height / scale, pixelBox.angleDegrees};
}

std::optional<int> bestTileFor(const TileGrid &grid, const RotatedBox &pixelBox)
{
    double left = 0.0;
    double top = 0.0;
    double right = 0.0;
    double bottom = 0.0;
    bool first = true;
    for (const Point2 &p : pixelBox.corners()) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y))
            return std::nullopt;
        left = first ? p.x : std::min(left, p.x);
        top = first ? p.y : std::min(top, p.y);
        right = first ? p.x : std::max(right, p.x);
        bottom = first ? p.y : std::max(bottom, p.y);
        first = false;
    }
    // Outside the raster no valid area can hold it; this also keeps the casts below in range.
    if (left < 0.0 || top < 0.0 || right > grid.rasterWidth() || bottom > grid.rasterHeight())
        return std::nullopt;

    // A tile can hold the box only when it starts at or before the box's top-left corner and its
    // footprint reaches past the box's bottom-right corner.
    const double stride = grid.stride();
    const auto firstIndex = [&](double farEdge) {
        return std::max(0, static_cast<int>(std::ceil((farEdge - grid.tileSize()) / stride)));
    };
    const auto lastIndex = [&](double nearEdge, int count) {
        return std::min(count - 1, static_cast<int>(std::floor(nearEdge / stride)));
    };
    std::optional<int> best;
    double bestMargin = -1.0;
    for (int row = firstIndex(bottom); row <= lastIndex(top, grid.rows()); ++row) {
        for (int col = firstIndex(right); col <= lastIndex(left, grid.columns()); ++col) {
            const Tile tile = grid.tileAt(col, row);
            const double margin = std::min({left - tile.xOff, top - tile.yOff,
                                            tile.xOff + tile.validWidth - right,
                                            tile.yOff + tile.validHeight - bottom});
            if (margin >= 0.0 && margin > bestMargin) {
                bestMargin = margin;
                best = tile.id;
            }
        }
    }
    return best;
}

} // namespace geolens
