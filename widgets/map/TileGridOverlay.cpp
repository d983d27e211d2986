#include "TileGridOverlay.h"

#include "MapCanvas.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace geolens {

namespace {

// Past this many tiles on screen the grid is drawn as its outline only: the lines would merge.
constexpr int MaxTilesDrawn = 20000;
constexpr double MinLabelledTilePixels = 70.0;

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
        if (tilePixels >= MinLabelledTilePixels) {
            QFont font = painter.font();
            font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.85));
            painter.setFont(font);
            for (int id : ids) {
                const Tile t = grid_->tile(id);
                const QPointF corner = canvas.rasterToWidget(QPointF(t.xOff, t.yOff));
                const QString label = QStringLiteral("#%1 (%2, %3)").arg(id).arg(t.col).arg(t.row);
                const QRectF box(corner + QPointF(3, 3), QSizeF(painter.fontMetrics().horizontalAdvance(label) + 6,
                                                                painter.fontMetrics().height() + 2));
                painter.fillRect(box, QColor(0, 0, 0, 140));
                painter.setPen(Qt::white);
                painter.drawText(box, Qt::AlignCenter, label);
            }
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
