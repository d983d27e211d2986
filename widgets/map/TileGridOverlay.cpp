#include "TileGridOverlay.h"

#include "MapCanvas.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace geolens {

namespace {

// Past this many tiles on screen the grid is drawn as its outline only: the lines would merge.
constexpr int MaxTilesDrawn = 20000;
constexpr double MinLabelledTilePixels = 70.0;

QFont badgeFont(QFont font)
{
    font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.85));
    return font;
}

} // namespace

TileGridOverlay::TileGridOverlay(QObject *parent) : QObject(parent) {}

void TileGridOverlay::setGrid(std::optional<TileGrid> grid)
{
    grid_ = std::move(grid);
    const bool hadSelection = !selection_.empty();
    selection_.clear();
    if (hadSelection)
        emit selectionChanged({});
    emit changed();
}

QList<int> TileGridOverlay::selectedTiles() const
{
    return QList<int>(selection_.begin(), selection_.end());
}

void TileGridOverlay::setVisible(bool visible)
{
    if (visible_ == visible)
        return;
    visible_ = visible;
    emit changed();
}

void TileGridOverlay::setSelectedTiles(const QList<int> &ids)
{
    std::set<int> next;
    for (int id : ids)
        if (grid_ && id >= 0 && id < grid_->count())
            next.insert(id);
    if (next == selection_)
        return;
    selection_ = std::move(next);
    emit selectionChanged(selectedTiles());
    emit changed();
}

void TileGridOverlay::clearSelection()
{
    setSelectedTiles({});
}

void TileGridOverlay::handleClick(const QPointF &rasterPos, Qt::KeyboardModifiers modifiers)
{
    if (!grid_ || !visible_)
        return;
    const std::optional<int> id = grid_->tileIdAt(rasterPos.x(), rasterPos.y());
    if (!id) {
        clearSelection();
        return;
    }
    if (modifiers & (Qt::ControlModifier | Qt::ShiftModifier)) {
        QList<int> ids = selectedTiles();
        if (selection_.count(*id))
            ids.removeAll(*id);
        else
            ids.append(*id);
        setSelectedTiles(ids);
    } else {
        setSelectedTiles({*id});
    }
}

std::vector<TileGridOverlay::Badge> TileGridOverlay::badges(const MapCanvas &canvas) const
{
    std::vector<Badge> out;
    if (!grid_ || !visible_ || grid_->tileSize() * canvas.scale() < MinLabelledTilePixels)
        return out;
    const QRectF view = canvas.visibleRasterRect();
    const PixelRect viewPixels{int(std::floor(view.left())), int(std::floor(view.top())),
                               int(std::ceil(view.width())) + 1, int(std::ceil(view.height())) + 1};
    const std::vector<int> ids = grid_->tilesIntersecting(viewPixels);
    if (static_cast<int>(ids.size()) > MaxTilesDrawn)
        return out;
    const QFontMetrics metrics(badgeFont(canvas.font()));
    const QList<QRectF> taken = canvas.screenAreas();
    for (int id : ids) {
        const Tile t = grid_->tile(id);
        const QRectF tileRect = canvas.rasterToWidget(QRectF(t.xOff, t.yOff, t.validWidth, t.validHeight));
        Badge badge;
        badge.tileId = id;
        badge.text = QStringLiteral("#%1 (%2, %3)").arg(id).arg(t.col).arg(t.row);
        badge.rect = QRectF(tileRect.topLeft() + QPointF(3, 3),
                            QSizeF(metrics.horizontalAdvance(badge.text) + 6, metrics.height() + 2));
        bool placed = true;
        for (const QRectF &area : taken) {
            if (!badge.rect.intersects(area))
                continue;
            const QRectF below(QPointF(badge.rect.left(), area.bottom() + 3), badge.rect.size());
            const QRectF left(QPointF(area.left() - 3 - badge.rect.width(), badge.rect.top()), badge.rect.size());
            if (tileRect.contains(below))
                badge.rect = below;
            else if (tileRect.contains(left))
                badge.rect = left;
            else
                placed = false;
        }
        if (placed && std::none_of(taken.begin(), taken.end(), [&](const QRectF &a) { return a.intersects(badge.rect); }))
            out.push_back(badge);
    }
    return out;
}

void TileGridOverlay::paint(QPainter &painter, const MapCanvas &canvas)
{
    if (!grid_ || !visible_)
        return;
    const QRectF view = canvas.visibleRasterRect();
    const PixelRect viewPixels{int(std::floor(view.left())), int(std::floor(view.top())),
                               int(std::ceil(view.width())) + 1, int(std::ceil(view.height())) + 1};
    const std::vector<int> ids = grid_->tilesIntersecting(viewPixels);
    const double tilePixels = grid_->tileSize() * canvas.scale();

    // Fade the lines as tiles shrink on screen, so a zoomed-out grid does not hide the image.
    const double fade = std::clamp((tilePixels - 4.0) / 40.0, 0.2, 1.0);
    const QColor lineColor(0, 220, 255, int(200 * fade));
    const QColor selectedColor(255, 140, 0);
    painter.setRenderHint(QPainter::Antialiasing, false);

    if (static_cast<int>(ids.size()) > MaxTilesDrawn || tilePixels < 3.0) {
        painter.setPen(QPen(lineColor, 1));
        painter.drawRect(canvas.rasterToWidget(QRectF(0, 0, grid_->rasterWidth(), grid_->rasterHeight())));
    } else {
        QPen valid(lineColor, 1);
        QPen padding(lineColor, 1, Qt::DashLine);
        painter.setBrush(Qt::NoBrush);
        for (int id : ids) {
            const Tile t = grid_->tile(id);
            if (t.isPadded()) {
                painter.setPen(padding);
                painter.drawRect(canvas.rasterToWidget(QRectF(t.xOff, t.yOff, t.size, t.size)));
            }
            painter.setPen(valid);
            painter.drawRect(canvas.rasterToWidget(QRectF(t.xOff, t.yOff, t.validWidth, t.validHeight)));
        }
        painter.setFont(badgeFont(painter.font()));
        for (const Badge &badge : badges(canvas)) {
            painter.fillRect(badge.rect, QColor(0, 0, 0, 140));
            painter.setPen(Qt::white);
            painter.drawText(badge.rect, Qt::AlignCenter, badge.text);
        }
    }

    painter.setPen(QPen(selectedColor, 2));
    painter.setBrush(QColor(selectedColor.red(), selectedColor.green(), selectedColor.blue(), 60));
    for (int id : selection_) {
        const Tile t = grid_->tile(id);
        painter.drawRect(canvas.rasterToWidget(QRectF(t.xOff, t.yOff, t.validWidth, t.validHeight)));
    }
}

} // namespace geolens
