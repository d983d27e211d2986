#pragma once

#include <QWidget>

#include <memory>

class QLabel;
class QPointF;

namespace geolens {

class CoordinateTransformer;
struct RasterMetadata;

// The status bar's read-outs for the open raster: a notice when it has no georeferencing, the
// pixel, map and longitude/latitude under the cursor, and the zoom.
class CoordinateStatusWidget : public QWidget {
    Q_OBJECT

public:
    explicit CoordinateStatusWidget(QWidget *parent = nullptr);
    ~CoordinateStatusWidget() override;

    // The raster the cursor moves over; its coordinates are made here, once.
    void setRaster(const RasterMetadata &metadata);
    void clearRaster();

    // The notice's text while it is shown; empty for a georeferenced raster or none.
    QString georeferenceNotice() const;
    // "pixel | map | lon/lat" as shown; parts left empty stay empty.
    QString coordinateText() const;

public slots:
    // p in raster pixels.
    void showCursorPosition(const QPointF &p);
    void clearCursorPosition();
    void showScale(double scale);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QLabel *noticeLabel_;
    QLabel *pixelLabel_;
    QLabel *mapLabel_;
    QLabel *lonLatLabel_;
    QLabel *scaleLabel_;
    std::unique_ptr<RasterMetadata> metadata_;
    std::unique_ptr<CoordinateTransformer> coords_;
};

} // namespace geolens
