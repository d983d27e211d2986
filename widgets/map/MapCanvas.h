#pragma once

#include "raster/DisplaySettings.h"

#include <QImage>
#include <QList>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QThreadPool>
#include <QWidget>

#include <memory>
#include <set>
#include <vector>

namespace geolens {

class MapOverlay;
class RasterDataset;

// Shows a raster of any size: the view is cut into 256 px tiles of a power-of-two pyramid, each
// rendered off the GUI thread from a windowed read at just the resolution needed, and kept in a
// cache bounded in bytes. While a tile renders, the nearest coarser cached tile stands in, so a
// pan or zoom never shows a blank or freezes the window.
class MapCanvas : public QWidget {
    Q_OBJECT

public:
    static constexpr int TileSide = 256;

    explicit MapCanvas(QWidget *parent = nullptr);
    ~MapCanvas() override;

    // settings must carry a stretch for every displayed band when stretched.
    void setRaster(std::shared_ptr<const RasterDataset> raster, const DisplaySettings &settings);
    void clearRaster();
    std::shared_ptr<const RasterDataset> raster() const { return raster_; }
    void setDisplaySettings(const DisplaySettings &settings);
    const DisplaySettings &displaySettings() const { return settings_; }

    void addOverlay(MapOverlay *overlay);
    void removeOverlay(MapOverlay *overlay);
    // The widget areas overlays keep for screen-anchored drawing (legends), non-empty ones only.
    QList<QRectF> screenAreas() const;

    // Screen pixels per raster pixel.
    double scale() const { return scale_; }
    // Raster pixel position shown at the centre of the widget.
    QPointF center() const { return center_; }
    QPointF widgetToRaster(const QPointF &widgetPos) const;
    QPointF rasterToWidget(const QPointF &rasterPos) const;
    QRectF rasterToWidget(const QRectF &rasterRect) const;
    // The part of raster pixel space the widget shows (may extend past the raster).
    QRectF visibleRasterRect() const;

    // Tiles waiting for or being rendered; 0 when what is shown is final.
    int pendingTileCount() const;
    std::size_t cacheCost() const;
    std::size_t cacheBudget() const;
    void setCacheBudget(std::size_t bytes);

public slots:
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void zoomToNativeResolution();
    // Shows rasterRect (raster pixels) with a margin around it.
    void zoomToRect(const QRectF &rasterRect);
    void zoomBy(double factor, const QPointF &widgetAnchor);
    void setView(const QPointF &center, double scale);
    void panByPixels(const QPointF &widgetDelta);
    // With the region tool on, a plain left drag outlines a region (as Shift+drag always does).
    void setRegionToolActive(bool active);
    bool isRegionToolActive() const { return regionTool_; }

signals:
    void cursorMoved(const QPointF &rasterPos);
    void cursorLeft();
    void clicked(const QPointF &rasterPos, Qt::KeyboardModifiers modifiers);
    void viewChanged();
    void renderFailed(const QString &message);
    void renderingFinished();
    void fileDropped(const QString &path);
    // Shift+drag outlined this rectangle, in raster pixels, turned about its centre by angleDegrees
    // (counter-clockwise on screen, the RotatedBox convention); the wheel turns it while dragging.
    void regionSelected(const QRectF &rasterRect, double angleDegrees);
    // The outline being dragged was turned; the angle is in degrees, as regionSelected gives it.
    void regionAngleChanged(double angleDegrees);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    struct TileKey {
        int level;
        int x;
        int y;
        bool operator<(const TileKey &o) const
        {
            return level != o.level ? level < o.level : (x != o.x ? x < o.x : y < o.y);
        }
        bool operator==(const TileKey &o) const { return level == o.level && x == o.x && y == o.y; }
    };

    int levelForScale() const;
    int maxLevel() const;
    QRect tileWindow(const TileKey &key) const; // raster pixels, clipped to the raster
    std::vector<TileKey> visibleTiles(int level) const;
    void drawTile(QPainter &painter, const TileKey &key, const QImage &image, const QRect &sourceWindow);
    bool drawFromAncestor(QPainter &painter, const TileKey &key);
    void scheduleVisibleTiles(const std::vector<TileKey> &missing);
    void startRenders();
    void tileRendered(quint64 generation, TileKey key, QImage image, QString error);
    void resetTiles();
    double minScale() const;
    void clampView();

    std::shared_ptr<const RasterDataset> raster_;
    DisplaySettings settings_;
    quint64 generation_ = 0;
    struct TileStore;
    std::unique_ptr<TileStore> store_;
    std::vector<TileKey> queue_; // wanted tiles, most wanted first
    std::set<TileKey> inFlight_;
    std::set<TileKey> failed_;
    QThreadPool pool_;
    std::vector<MapOverlay *> overlays_;

    double scale_ = 1.0;
    QPointF center_;
    // True while the view is the one zoomToFit chose: a resize then fits again.
    bool fitted_ = false;
    bool dragging_ = false;
    bool outlining_ = false; // Shift+drag draws a region instead of panning
    bool regionTool_ = false;
    QPointF regionStart_, regionEnd_; // raster pixels
    double regionAngle_ = 0.0;
    QPolygonF regionOutline() const; // widget pixels
    QPoint pressPos_;
    QPoint lastDragPos_;
};

} // namespace geolens
