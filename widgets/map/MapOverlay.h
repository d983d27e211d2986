#pragma once

#include <QRectF>

class QPainter;

namespace geolens {

class MapCanvas;

// Something drawn over the raster in raster pixel coordinates (tile grid, boxes, labels). The
// canvas paints overlays in the order they were added, after the raster, then lets each paint what
// is fixed to the screen (a legend) on top of all of them.
class MapOverlay {
public:
    virtual ~MapOverlay() = default;
    virtual void paint(QPainter &painter, const MapCanvas &canvas) = 0;
    // Widget-anchored drawing, after every overlay's paint().
    virtual void paintScreen(QPainter &, const MapCanvas &) {}
    // The widget area paintScreen() covers; other overlays keep their labels out of it.
    virtual QRectF screenArea(const MapCanvas &) const { return {}; }
};

} // namespace geolens
