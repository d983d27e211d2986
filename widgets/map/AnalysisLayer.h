#pragma once

#include "MapOverlay.h"
#include "geometry/RotatedBox.h"
#include "geometry/TileGrid.h"

#include <QColor>
#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace geolens {

// A tile's scene label as the map shows it.
struct TileLabel {
    Tile tile;
    QString label;
    double score = 0.0;
    bool matched = true;
    QString details; // top classes, answer
    std::vector<std::pair<QString, double>> aspects; // a multi-aspect classifier's P(yes) by aspect key
};

// A box result as the map shows it, in raster pixels.
struct MapBox {
    RotatedBox box;
    QString label;
};

// Analysis results over the raster: tiles coloured by scene class with a legend, and rotated
// boxes with their labels. Colours are stable per class name.
class AnalysisLayer : public QObject, public MapOverlay {
    Q_OBJECT

public:
    explicit AnalysisLayer(QObject *parent = nullptr);

    void setTileLabels(std::vector<TileLabel> labels);
    void setBoxes(std::vector<MapBox> boxes);
    void clear();
    const std::vector<TileLabel> &tileLabels() const { return labels_; }
    const std::vector<MapBox> &boxes() const { return boxes_; }

    void setOpacity(double opacity); // 0..1 of the class fill
    double opacity() const { return opacity_; }
    static QColor colourFor(const QString &label);
    // Tiles coloured by their class (aspect empty, the default), or as a heat map of one aspect's
    // probability: dark blue at 0 through green to yellow at 1, with the ramp as the legend.
    // Tiles without that aspect are left clear.
    void setColouring(const QString &aspect);
    const QString &colouring() const { return colouring_; }
    // The aspects the labels carry, in the order of the first label that has them.
    QStringList aspectKeys() const;
    static QColor heatColour(double probability);
    // The label and details of the tile under a raster position, for tooltips.
    QString describeAt(const QPointF &rasterPos) const;

    // The class, in full, of the legend row under a widget position ("" elsewhere): the legend
    // elides long names.
    QString legendTextAt(const MapCanvas &canvas, const QPointF &widgetPos) const;

    void paint(QPainter &painter, const MapCanvas &canvas) override;
    void paintScreen(QPainter &painter, const MapCanvas &canvas) override;
    QRectF screenArea(const MapCanvas &canvas) const override;

signals:
    void changed();

private:
    struct LegendRow {
        QString text;   // "class (tiles)"
        QString shown;  // elided to the legend's width
        QColor colour;
        QRect rect;     // in widget pixels
    };
    // The legend in the canvas' top-right corner: one row per class with its tile count.
    QRect legendFrame(const MapCanvas &canvas, std::vector<LegendRow> *rows = nullptr) const;

    std::vector<TileLabel> labels_;
    std::vector<MapBox> boxes_;
    double opacity_ = 0.45;
    QString colouring_;
};

} // namespace geolens
