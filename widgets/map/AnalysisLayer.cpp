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

void AnalysisLayer::setColouring(const QString &aspect)
{
    colouring_ = aspect;
    emit changed();
}

QStringList AnalysisLayer::aspectKeys() const
{
    QStringList keys;
    for (const TileLabel &l : labels_)
        for (const auto &[key, p] : l.aspects)
            if (!keys.contains(key))
                keys << key;
    return keys;
}

QColor AnalysisLayer::heatColour(double probability)
{
    // Five stops of a perceptually even ramp (after viridis), linear between them.
    static const QColor stops[] = {QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140), QColor(94, 201, 98),
                                   QColor(253, 231, 37)};
    const double at = std::clamp(probability, 0.0, 1.0) * 4.0;
    const int i = std::min(3, static_cast<int>(at));
    const double f = at - i;
    const QColor &a = stops[i], &b = stops[i + 1];
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * f),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * f),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * f));
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
    painter.setRenderHint(QPainter::Antialiasing, false);
    for (const TileLabel &l : labels_) {
        QColor fill;
        if (colouring_.isEmpty()) {
            fill = colourFor(l.label);
        } else {
            const auto aspect = std::find_if(l.aspects.begin(), l.aspects.end(),
                                             [this](const auto &a) { return a.first == colouring_; });
            if (aspect == l.aspects.end())
                continue;
            fill = heatColour(aspect->second);
        }
        // A heat map is read by its colour, so it is drawn more opaque than the classes.
        const double opacity = colouring_.isEmpty() ? opacity_ : std::max(opacity_, 0.7);
        fill.setAlphaF(static_cast<float>(opacity * (l.matched ? 1.0 : 0.5)));
        const PixelRect r = l.tile.validRect();
        const QRectF rect = canvas.rasterToWidget(QRectF(r.x, r.y, r.width, r.height));
        painter.fillRect(rect, fill);
        if (!l.matched) {
            painter.setPen(QPen(Qt::white, 1, Qt::DotLine));
            painter.drawRect(rect);
        }
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
}

QRect AnalysisLayer::legendFrame(const MapCanvas &canvas, std::vector<LegendRow> *rows) const
{
    std::vector<std::pair<QString, QColor>> entries; // the text and colour of each row
    if (colouring_.isEmpty()) {
        std::map<QString, int> counts;
        for (const TileLabel &l : labels_)
            ++counts[l.label];
        for (const auto &[label, count] : counts)
            entries.emplace_back(QStringLiteral("%1 (%2)").arg(label).arg(count), colourFor(label));
    } else if (!labels_.empty()) {
        // The aspect's name, then the ramp from yes (top) to no.
        entries.emplace_back(tr("P(%1)").arg(colouring_), QColor());
        for (int percent = 100; percent >= 0; percent -= 25)
            entries.emplace_back(QStringLiteral("%1 %").arg(percent), heatColour(percent / 100.0));
    }
    if (entries.empty())
        return {};
    // Long class names (a sentence from a model that did not answer with a class) are elided, so
    // the legend never covers most of the map; legendTextAt gives them in full.
    constexpr int MaxTextWidth = 240;
    const QFontMetrics metrics = canvas.fontMetrics();
    const int row = metrics.height() + 4;
    int width = 0;
    std::vector<LegendRow> built;
    for (const auto &[text, colour] : entries) {
        LegendRow r;
        r.text = text;
        r.shown = metrics.elidedText(r.text, Qt::ElideMiddle, MaxTextWidth);
        r.colour = colour;
        width = std::max(width, metrics.horizontalAdvance(r.shown));
        built.push_back(r);
    }
    const QRect frame(canvas.width() - width - 44, 10, width + 34, row * static_cast<int>(built.size()) + 8);
    int y = frame.top() + 4;
    for (LegendRow &r : built) {
        r.rect = QRect(frame.left(), y, frame.width(), row);
        y += row;
    }
    if (rows)
        *rows = std::move(built);
    return frame;
}

QRectF AnalysisLayer::screenArea(const MapCanvas &canvas) const
{
    return legendFrame(canvas);
}

QString AnalysisLayer::legendTextAt(const MapCanvas &canvas, const QPointF &widgetPos) const
{
    std::vector<LegendRow> rows;
    if (!legendFrame(canvas, &rows).contains(widgetPos.toPoint()))
        return {};
    for (const LegendRow &r : rows)
        if (r.rect.contains(widgetPos.toPoint()))
            return r.text;
    return {};
}

void AnalysisLayer::paintScreen(QPainter &painter, const MapCanvas &canvas)
{
    std::vector<LegendRow> rows;
    const QRect frame = legendFrame(canvas, &rows);
    if (frame.isEmpty())
        return;
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.fillRect(frame, QColor(255, 255, 255, 215));
    for (const LegendRow &r : rows) {
        if (r.colour.isValid())
            painter.fillRect(QRect(r.rect.left() + 6, r.rect.top() + 2, 14, r.rect.height() - 6), r.colour);
        painter.setPen(Qt::black);
        painter.drawText(r.rect.adjusted(26, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft, r.shown);
    }
}

} // namespace geolens
