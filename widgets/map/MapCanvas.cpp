#include "MapCanvas.h"

#include "MapOverlay.h"
#include "common/Error.h"
#include "common/LruCache.h"
#include "geometry/RotatedBox.h"
#include "raster/RasterDataset.h"
#include "raster/RasterRenderer.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QKeyEvent>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace geolens {

namespace {

constexpr double MaxScale = 64.0;
constexpr double WheelStep = 1.25;
constexpr int ClickSlop = 4;
constexpr std::size_t DefaultCacheBytes = 192u * 1024 * 1024;

QImage toQImage(const RgbaImage &rgba)
{
    QImage image(rgba.width, rgba.height, QImage::Format_RGBA8888);
    const int rowBytes = rgba.width * 4;
    for (int y = 0; y < rgba.height; ++y)
        std::copy_n(rgba.pixels.data() + static_cast<std::size_t>(y) * rowBytes, rowBytes, image.scanLine(y));
    // Premultiplied ARGB is what QPainter draws fastest; convert here, off the GUI thread.
    return image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

} // namespace

struct MapCanvas::TileStore {
    struct Hash {
        std::size_t operator()(const TileKey &k) const
        {
            return (static_cast<std::size_t>(k.level) * 1000003u + static_cast<std::size_t>(k.x)) * 1000033u +
                   static_cast<std::size_t>(k.y);
        }
    };
    explicit TileStore(std::size_t bytes) : cache(bytes) {}
    LruCache<TileKey, QImage, Hash> cache;
};

MapCanvas::MapCanvas(QWidget *parent)
    : QWidget(parent), store_(std::make_unique<TileStore>(DefaultCacheBytes))
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAcceptDrops(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 150);
    // Reads serialise on the dataset; two workers keep one reading while the other converts.
    pool_.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
}

MapCanvas::~MapCanvas()
{
    queue_.clear();
    pool_.waitForDone();
}

void MapCanvas::setRaster(std::shared_ptr<const RasterDataset> raster, const DisplaySettings &settings)
{
    raster_ = std::move(raster);
    settings_ = settings;
    resetTiles();
    zoomToFit();
}

void MapCanvas::clearRaster()
{
    raster_.reset();
    resetTiles();
    emit viewChanged();
}

void MapCanvas::setDisplaySettings(const DisplaySettings &settings)
{
    if (settings == settings_)
        return;
    settings_ = settings;
    resetTiles();
}

void MapCanvas::resetTiles()
{
    ++generation_;
    store_->cache.clear();
    queue_.clear();
    inFlight_.clear();
    failed_.clear();
    update();
}

void MapCanvas::addOverlay(MapOverlay *overlay)
{
    overlays_.push_back(overlay);
    update();
}

QList<QRectF> MapCanvas::screenAreas() const
{
    QList<QRectF> areas;
    for (const MapOverlay *overlay : overlays_) {
        const QRectF area = overlay->screenArea(*this);
        if (!area.isEmpty())
            areas << area;
    }
    return areas;
}

void MapCanvas::removeOverlay(MapOverlay *overlay)
{
    overlays_.erase(std::remove(overlays_.begin(), overlays_.end(), overlay), overlays_.end());
    update();
}

QPointF MapCanvas::widgetToRaster(const QPointF &p) const
{
    return center_ + (p - QPointF(width() / 2.0, height() / 2.0)) / scale_;
}

QPointF MapCanvas::rasterToWidget(const QPointF &p) const
{
    return (p - center_) * scale_ + QPointF(width() / 2.0, height() / 2.0);
}

QRectF MapCanvas::rasterToWidget(const QRectF &r) const
{
    return QRectF(rasterToWidget(r.topLeft()), rasterToWidget(r.bottomRight()));
}

QRectF MapCanvas::visibleRasterRect() const
{
    return QRectF(widgetToRaster(QPointF(0, 0)), widgetToRaster(QPointF(width(), height())));
}

int MapCanvas::pendingTileCount() const
{
    return static_cast<int>(queue_.size() + inFlight_.size());
}

std::size_t MapCanvas::cacheCost() const
{
    return store_->cache.totalCost();
}

std::size_t MapCanvas::cacheBudget() const
{
    return store_->cache.maxCost();
}

void MapCanvas::setCacheBudget(std::size_t bytes)
{
    store_->cache.setMaxCost(bytes);
}

double MapCanvas::minScale() const
{
    if (!raster_)
        return 1e-6;
    const double fit = std::min(width() / double(raster_->width()), height() / double(raster_->height()));
    return std::min(fit, 1.0) / 8.0;
}

void MapCanvas::clampView()
{
    scale_ = std::clamp(scale_, minScale(), MaxScale);
    if (!raster_)
        return;
    // Keep at least part of the raster in view.
    center_.setX(std::clamp(center_.x(), 0.0, double(raster_->width())));
    center_.setY(std::clamp(center_.y(), 0.0, double(raster_->height())));
}

void MapCanvas::setView(const QPointF &center, double scale)
{
    fitted_ = false;
    center_ = center;
    scale_ = scale;
    clampView();
    update();
    emit viewChanged();
}

void MapCanvas::zoomBy(double factor, const QPointF &anchor)
{
    const QPointF before = widgetToRaster(anchor);
    const double oldScale = scale_;
    scale_ = std::clamp(scale_ * factor, minScale(), MaxScale);
    if (scale_ == oldScale)
        return;
    fitted_ = false;
    // Keep the raster point under the anchor where it was on screen.
    center_ = before - (anchor - QPointF(width() / 2.0, height() / 2.0)) / scale_;
    clampView();
    update();
    emit viewChanged();
}

void MapCanvas::zoomIn()
{
    zoomBy(2.0, QPointF(width() / 2.0, height() / 2.0));
}

void MapCanvas::zoomOut()
{
    zoomBy(0.5, QPointF(width() / 2.0, height() / 2.0));
}

void MapCanvas::zoomToFit()
{
    if (!raster_)
        return;
    const double sx = width() / double(raster_->width());
    const double sy = height() / double(raster_->height());
    setView(QPointF(raster_->width() / 2.0, raster_->height() / 2.0), std::min(sx, sy) * 0.98);
    fitted_ = true;
}

void MapCanvas::zoomToRect(const QRectF &r)
{
    if (!raster_ || r.isEmpty())
        return;
    const double scale = std::min(width() / (r.width() * 1.5), height() / (r.height() * 1.5));
    setView(r.center(), std::min(scale, 8.0));
}

void MapCanvas::zoomToNativeResolution()
{
    setView(center_, 1.0);
}

void MapCanvas::panByPixels(const QPointF &delta)
{
    setView(center_ - delta / scale_, scale_);
}

int MapCanvas::maxLevel() const
{
    int level = 0;
    const int largest = raster_ ? std::max(raster_->width(), raster_->height()) : 1;
    while ((static_cast<long long>(TileSide) << level) < largest && level < 30)
        ++level;
    return level;
}

int MapCanvas::levelForScale() const
{
    // The coarsest level whose resolution is still at least the screen's.
    const int level = static_cast<int>(std::floor(std::log2(1.0 / scale_) + 1e-9));
    return std::clamp(level, 0, maxLevel());
}

QRect MapCanvas::tileWindow(const TileKey &key) const
{
    const long long span = static_cast<long long>(TileSide) << key.level;
    const QRect full(int(key.x * span), int(key.y * span), int(span), int(span));
    return full.intersected(QRect(0, 0, raster_->width(), raster_->height()));
}

std::vector<MapCanvas::TileKey> MapCanvas::visibleTiles(int level) const
{
    std::vector<TileKey> keys;
    const QRectF view = visibleRasterRect().intersected(QRectF(0, 0, raster_->width(), raster_->height()));
    if (view.isEmpty())
        return keys;
    const double span = double(static_cast<long long>(TileSide) << level);
    const int x0 = int(std::floor(view.left() / span));
    const int x1 = int(std::ceil(view.right() / span)) - 1;
    const int y0 = int(std::floor(view.top() / span));
    const int y1 = int(std::ceil(view.bottom() / span)) - 1;
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x)
            keys.push_back({level, x, y});
    // Most wanted first: nearest the centre of the view.
    const QPointF c = center_;
    std::sort(keys.begin(), keys.end(), [&](const TileKey &a, const TileKey &b) {
        auto d = [&](const TileKey &k) {
            const double dx = (k.x + 0.5) * span - c.x();
            const double dy = (k.y + 0.5) * span - c.y();
            return dx * dx + dy * dy;
        };
        return d(a) < d(b);
    });
    return keys;
}

void MapCanvas::drawTile(QPainter &painter, const TileKey &key, const QImage &image, const QRect &sourceWindow)
{
    // Round edges in raster space consistently, so neighbouring tiles share their edges exactly
    // and no hairline seams appear between them.
    const QPointF tl = rasterToWidget(QPointF(sourceWindow.topLeft()));
    const QPointF br = rasterToWidget(QPointF(sourceWindow.x() + sourceWindow.width(), sourceWindow.y() + sourceWindow.height()));
    const QRect target(QPoint(int(std::lround(tl.x())), int(std::lround(tl.y()))),
                       QPoint(int(std::lround(br.x())) - 1, int(std::lround(br.y())) - 1));
    const QRect window = tileWindow(key);
    const double f = 1.0 / double(1 << key.level);
    const QRectF source((sourceWindow.x() - window.x()) * f, (sourceWindow.y() - window.y()) * f,
                        sourceWindow.width() * f, sourceWindow.height() * f);
    painter.drawImage(target, image, source);
}

bool MapCanvas::drawFromAncestor(QPainter &painter, const TileKey &key)
{
    const QRect window = tileWindow(key);
    for (int level = key.level + 1; level <= maxLevel(); ++level) {
        const int shift = level - key.level;
        const TileKey parent{level, key.x >> shift, key.y >> shift};
        if (const QImage *image = store_->cache.find(parent)) {
            drawTile(painter, parent, *image, window);
            return true;
        }
    }
    return false;
}

void MapCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Dark));
    if (!raster_) {
        painter.setPen(palette().color(QPalette::BrightText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Open a raster (File > Open or drag a file here)"));
        return;
    }
    painter.setRenderHint(QPainter::SmoothPixmapTransform, scale_ < 1.0);
    const int level = levelForScale();
    std::vector<TileKey> missing;
    for (const TileKey &key : visibleTiles(level)) {
        if (const QImage *image = store_->cache.find(key)) {
            drawTile(painter, key, *image, tileWindow(key));
        } else {
            drawFromAncestor(painter, key);
            if (!failed_.count(key))
                missing.push_back(key);
        }
    }
    // The raster's edge, so a dark or transparent border of the data is still readable.
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(rasterToWidget(QRectF(0, 0, raster_->width(), raster_->height())));
    for (MapOverlay *overlay : overlays_) {
        painter.save();
        overlay->paint(painter, *this);
        painter.restore();
    }
    for (MapOverlay *overlay : overlays_) {
        painter.save();
        overlay->paintScreen(painter, *this);
        painter.restore();
    }
    if (outlining_) {
        painter.setPen(QPen(Qt::yellow, 2, Qt::DashLine));
        painter.setBrush(QColor(255, 255, 0, 40));
        painter.drawPolygon(regionOutline());
    }
    scheduleVisibleTiles(missing);
}

void MapCanvas::scheduleVisibleTiles(const std::vector<TileKey> &missing)
{
    // The queue is rebuilt at every paint: tiles that scrolled out of view are never rendered.
    queue_.clear();
    for (const TileKey &key : missing)
        if (!inFlight_.count(key))
            queue_.push_back(key);
    startRenders();
}

void MapCanvas::startRenders()
{
    while (!queue_.empty() && static_cast<int>(inFlight_.size()) < pool_.maxThreadCount()) {
        const TileKey key = queue_.front();
        queue_.erase(queue_.begin());
        inFlight_.insert(key);
        const QRect window = tileWindow(key);
        const int outW = std::max(1, (window.width() + (1 << key.level) - 1) >> key.level);
        const int outH = std::max(1, (window.height() + (1 << key.level) - 1) >> key.level);
        const quint64 generation = generation_;
        pool_.start([this, raster = raster_, settings = settings_, key, window, outW, outH, generation] {
            QImage image;
            QString error;
            try {
                image = toQImage(RasterRenderer::render(
                    *raster, settings, {window.x(), window.y(), window.width(), window.height()}, outW, outH));
            } catch (const std::exception &e) {
                error = QString::fromStdString(e.what());
            }
            // The destructor waits for the pool, so this object outlives the call.
            QMetaObject::invokeMethod(this, [this, generation, key, image, error] {
                tileRendered(generation, key, image, error);
            }, Qt::QueuedConnection);
        });
    }
}

void MapCanvas::tileRendered(quint64 generation, TileKey key, QImage image, QString error)
{
    if (generation != generation_)
        return;
    inFlight_.erase(key);
    if (!error.isEmpty()) {
        const bool first = failed_.empty();
        failed_.insert(key);
        if (first)
            emit renderFailed(error);
    } else {
        store_->cache.insert(key, image, static_cast<std::size_t>(image.sizeInBytes()));
    }
    startRenders();
    update();
    if (pendingTileCount() == 0)
        emit renderingFinished();
}

void MapCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (fitted_ && raster_)
        zoomToFit();
}

void MapCanvas::setRegionToolActive(bool active)
{
    regionTool_ = active;
    if (active)
        setCursor(Qt::CrossCursor);
    else if (!outlining_)
        unsetCursor();
}

QPolygonF MapCanvas::regionOutline() const
{
    const RotatedBox box = RotatedBox::fromCorners(regionStart_.x(), regionStart_.y(), regionEnd_.x(), regionEnd_.y(),
                                                   regionAngle_);
    QPolygonF outline;
    for (const Point2 &corner : box.corners())
        outline << rasterToWidget(QPointF(corner.x, corner.y));
    return outline;
}

void MapCanvas::wheelEvent(QWheelEvent *event)
{
    if (outlining_) {
        // While a region is dragged the wheel turns it: 15 degrees a notch, 1 degree with Ctrl.
        const double notches = event->angleDelta().y() / 120.0;
        const double step = (event->modifiers() & Qt::ControlModifier) ? 1.0 : 15.0;
        regionAngle_ = normaliseAngleDegrees(regionAngle_ + notches * step);
        emit regionAngleChanged(regionAngle_);
        update();
        event->accept();
        return;
    }
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0.0)
        zoomBy(std::pow(WheelStep, steps), event->position());
    event->accept();
}

void MapCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && (regionTool_ || (event->modifiers() & Qt::ShiftModifier)) && raster_) {
        outlining_ = true;
        regionStart_ = regionEnd_ = widgetToRaster(event->position());
        regionAngle_ = 0.0;
        setCursor(Qt::CrossCursor);
        return;
    }
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        pressPos_ = event->position().toPoint();
        lastDragPos_ = pressPos_;
        dragging_ = false;
    }
    QWidget::mousePressEvent(event);
}

void MapCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (outlining_) {
        regionEnd_ = widgetToRaster(event->position());
        update();
        emit cursorMoved(regionEnd_);
        return;
    }
    if (event->buttons() & (Qt::LeftButton | Qt::MiddleButton)) {
        if (!dragging_ && (pos - pressPos_).manhattanLength() > ClickSlop) {
            dragging_ = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (dragging_) {
            panByPixels(pos - lastDragPos_);
            lastDragPos_ = pos;
        }
    }
    if (raster_)
        emit cursorMoved(widgetToRaster(event->position()));
}

void MapCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (outlining_ && event->button() == Qt::LeftButton) {
        outlining_ = false;
        if (!regionTool_)
            unsetCursor();
        regionEnd_ = widgetToRaster(event->position());
        const QRectF region = QRectF(regionStart_, regionEnd_).normalized();
        update();
        // A click with Shift is not a region: it needs some extent on screen.
        if (region.width() * scale_ >= 4 && region.height() * scale_ >= 4)
            emit regionSelected(region, regionAngle_);
        return;
    }
    if (event->button() == Qt::LeftButton && !dragging_ && raster_)
        emit clicked(widgetToRaster(event->position()), event->modifiers());
    if (dragging_)
        unsetCursor();
    dragging_ = false;
    QWidget::mouseReleaseEvent(event);
}

void MapCanvas::keyPressEvent(QKeyEvent *event)
{
    const double step = std::min(width(), height()) / 4.0;
    switch (event->key()) {
    case Qt::Key_Left: panByPixels(QPointF(step, 0)); break;
    case Qt::Key_Right: panByPixels(QPointF(-step, 0)); break;
    case Qt::Key_Up: panByPixels(QPointF(0, step)); break;
    case Qt::Key_Down: panByPixels(QPointF(0, -step)); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomIn(); break;
    case Qt::Key_Minus: zoomOut(); break;
    case Qt::Key_Escape:
        if (!outlining_)
            return QWidget::keyPressEvent(event);
        outlining_ = false; // Escape drops the region being dragged
        dragging_ = true;   // and the release that follows is not a click
        if (!regionTool_)
            unsetCursor();
        update();
        break;
    default: QWidget::keyPressEvent(event); return;
    }
    event->accept();
}

void MapCanvas::leaveEvent(QEvent *event)
{
    emit cursorLeft();
    QWidget::leaveEvent(event);
}

void MapCanvas::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        event->acceptProposedAction();
}

void MapCanvas::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        emit fileDropped(urls.first().toLocalFile());
        event->acceptProposedAction();
    }
}

} // namespace geolens
