#pragma once

class QPainter;

namespace geolens {

class MapCanvas;

// Something drawn over the raster in raster pixel coordinates (tile grid, boxes, labels). The
// canvas paints overlays in the order they were added, after the raster.
class MapOverlay {
public:
    virtual ~MapOverlay() = default;
    virtual void paint(QPainter &painter, const MapCanvas &canvas) = 0;
};

} // namespace geolens
