#include "AnalysisLayer.h"

#include "MapCanvas.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPolygonF>

#include <algorithm>
#include <map>

namespace geolens {

AnalysisLayer::AnalysisLayer(QObject *parent) : QObject(parent) {}

void AnalysisLayer::setTileLabels(std::vector<TileLabel> labels)
{
    labels_ = std::move(labels);
    emit changed();
}

void AnalysisLayer::setBoxes(std::vector<MapBox> boxes)
{
    boxes_ = std::move(boxes);
    emit changed();
}

void AnalysisLayer::clear()
{
    labels_.clear();
    boxes_.clear();
    emit changed();
}

void AnalysisLayer::setOpacity(double opacity)
{
    opacity_ = std::clamp(opacity, 0.0, 1.0);
    emit changed();
}

QColor AnalysisLayer::colourFor(const QString &label)
{
    // A hue from the name's hash: the same class keeps its colour across runs and rasters.
    const uint hash = qHash(label.toLower());
    return QColor::fromHsv(static_cast<int>(hash % 360), 190 + static_cast<int>((hash / 360) % 60), 230);
}

QString AnalysisLayer::describeAt(const QPointF &p) const
{
    for (const TileLabel &l : labels_) {
        const PixelRect r = l.tile.validRect();
        if (p.x() >= r.x && p.y() >= r.y && p.x() < r.right() && p.y() < r.bottom())
            return l.details.isEmpty() ? l.label : l.label + QStringLiteral("\n") + l.details;
    }
    return {};
}

void AnalysisLayer::paint(QPainter &painter, const MapCanvas &canvas)
{
    std::map<QString, int> counts;
    painter.setRenderHint(QPainter::Antialiasing, false);
    for (const TileLabel &l : labels_) {
        QColor fill = colourFor(l.label);
        fill.setAlphaF(static_cast<float>(opacity_ * (l.matched ? 1.0 : 0.5)));
        const PixelRect r = l.tile.validRect();
        const QRectF rect = canvas.rasterToWidget(QRectF(r.x, r.y, r.width, r.height));
        painter.fillRect(rect, fill);
        if (!l.matched) {
            painter.setPen(QPen(Qt::white, 1, Qt::DotLine));
            painter.drawRect(rect);
        }
        ++counts[l.label];
    }

    painter.setRenderHint(QPainter::Antialiasing, true);
    const QFontMetrics metrics = painter.fontMetrics();
    for (const MapBox &b : boxes_) {
        QPolygonF outline;
        for (const Point2 &c : b.box.corners())
            outline << canvas.rasterToWidget(QPointF(c.x, c.y));
        const QColor colour = colourFor(b.label);
        painter.setPen(QPen(colour, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawPolygon(outline);
        if (!b.label.isEmpty()) {
            // A callout above the box: short labels on one line, captions wrapped to a few lines.
            const int maxWidth = 320;
            const QRect textRect = metrics.boundingRect(QRect(0, 0, maxWidth, 10 * metrics.height()),
                                                        Qt::TextWordWrap, b.label);
            const QSizeF size(textRect.width() + 8, std::min(textRect.height(), 4 * metrics.height()) + 4);
            const QPointF corner = outline.boundingRect().topLeft();
            const QRectF box(corner - QPointF(0, size.height() + 4), size);
            painter.setPen(QPen(colour, 1));
            painter.drawLine(corner, box.bottomLeft());
            painter.fillRect(box, QColor(0, 0, 0, 170));
            painter.setPen(colour.lighter(130));
            painter.drawText(box.adjusted(4, 2, -4, -2), Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, b.label);
        }
    }

    if (counts.empty())
        return;
    // Legend in the top-right corner: one swatch per class with its tile count.
    const int row = metrics.height() + 4;
    int width = 0;
    for (const auto &[label, count] : counts)
        width = std::max(width, metrics.horizontalAdvance(QStringLiteral("%1 (%2)").arg(label).arg(count)));
    const QRect frame(canvas.width() - width - 44, 10, width + 34, row * static_cast<int>(counts.size()) + 8);
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.fillRect(frame, QColor(255, 255, 255, 215));
    int y = frame.top() + 4;
    for (const auto &[label, count] : counts) {
        painter.fillRect(QRect(frame.left() + 6, y + 2, 14, row - 6), colourFor(label));
        painter.setPen(Qt::black);
        painter.drawText(QRect(frame.left() + 26, y, width + 4, row), Qt::AlignVCenter | Qt::AlignLeft,
                         QStringLiteral("%1 (%2)").arg(label).arg(count));
        y += row;
    }
}

} // namespace geolens
