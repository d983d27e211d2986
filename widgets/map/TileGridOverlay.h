#pragma once

#include "MapOverlay.h"
#include "geometry/TileGrid.h"

#include <QList>
#include <QObject>
#include <QRectF>
#include <QString>

#include <optional>
#include <set>
#include <vector>

namespace geolens {

// Draws the model's tile grid over the raster and holds the tile selection that analysis runs on.
// A click selects the tile under the cursor, Ctrl+click adds or removes it, a click outside the
// raster clears the selection.
class TileGridOverlay : public QObject, public MapOverlay {
    Q_OBJECT

public:
    explicit TileGridOverlay(QObject *parent = nullptr);

    // Replacing the grid clears the selection: tile ids mean other tiles in another grid.
    void setGrid(std::optional<TileGrid> grid);
    const std::optional<TileGrid> &grid() const { return grid_; }

    bool isVisible() const { return visible_; }
    QList<int> selectedTiles() const;

    void paint(QPainter &painter, const MapCanvas &canvas) override;

    struct Badge {
        int tileId = 0;
        QString text; // "#3 (1, 0)"
        QRectF rect;  // in widget pixels
    };
    // Where the visible tiles' badges go: each tile's top-left corner, or just below (else left
    // of) an area another overlay keeps on screen (the legend) when the corner is under it; a badge
    // that fits neither way inside its tile is left out rather than drawn under the legend. Empty
    // when tiles are too small on screen to label.
    std::vector<Badge> badges(const MapCanvas &canvas) const;

public slots:
    void setVisible(bool visible);
    void setSelectedTiles(const QList<int> &ids);
    void clearSelection();
    void handleClick(const QPointF &rasterPos, Qt::KeyboardModifiers modifiers);

signals:
    void selectionChanged(const QList<int> &ids);
    void changed();

private:
    std::optional<TileGrid> grid_;
    std::set<int> selection_;
    bool visible_ = true;
};

} // namespace geolens
