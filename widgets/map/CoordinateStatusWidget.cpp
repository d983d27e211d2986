#include "CoordinateStatusWidget.h"

#include "raster/CoordinateTransformer.h"
#include "raster/RasterMetadata.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointF>

#include <cmath>

namespace geolens {

CoordinateStatusWidget::CoordinateStatusWidget(QWidget *parent)
    : QWidget(parent), noticeLabel_(new QLabel(this)), pixelLabel_(new QLabel(this)), mapLabel_(new QLabel(this)),
      lonLatLabel_(new QLabel(this)), scaleLabel_(new QLabel(this))
{
    noticeLabel_->setStyleSheet(QStringLiteral("QLabel { background: #ffd54f; color: #000; padding: 0 6px; }"));
    noticeLabel_->hide();
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QLabel *label : {noticeLabel_, pixelLabel_, mapLabel_, lonLatLabel_, scaleLabel_})
        layout->addWidget(label);
    for (QLabel *label : {pixelLabel_, mapLabel_, lonLatLabel_})
        label->setMinimumWidth(150);
    retranslate();
}

CoordinateStatusWidget::~CoordinateStatusWidget() = default;

void CoordinateStatusWidget::setRaster(const RasterMetadata &metadata)
{
    metadata_ = std::make_unique<RasterMetadata>(metadata);
    coords_ = std::make_unique<CoordinateTransformer>(metadata);
    noticeLabel_->setVisible(!metadata.isGeoreferenced());
    clearCursorPosition();
}

void CoordinateStatusWidget::clearRaster()
{
    metadata_.reset();
    coords_.reset();
    noticeLabel_->hide();
    clearCursorPosition();
    scaleLabel_->clear();
}

QString CoordinateStatusWidget::georeferenceNotice() const
{
    return noticeLabel_->isVisibleTo(this) ? noticeLabel_->text() : QString();
}

QString CoordinateStatusWidget::coordinateText() const
{
    return QStringList{pixelLabel_->text(), mapLabel_->text(), lonLatLabel_->text()}.join(QStringLiteral(" | "));
}

void CoordinateStatusWidget::showCursorPosition(const QPointF &p)
{
    if (!metadata_)
        return;
    const RasterMetadata &m = *metadata_;
    const bool inside = p.x() >= 0 && p.y() >= 0 && p.x() < m.width && p.y() < m.height;
    mapLabel_->clear();
    lonLatLabel_->clear();
    if (!inside) {
        pixelLabel_->setText(tr("outside the raster"));
        return;
    }
    pixelLabel_->setText(tr("Pixel %1, %2").arg(int(std::floor(p.x()))).arg(int(std::floor(p.y()))));
    if (!m.isGeoreferenced())
        return;
    const MapPoint map = coords_->pixelToMap(p.x(), p.y());
    // Degrees want more decimals than metres or feet.
    const bool geographic = m.epsg && coords_->hasLonLat() && std::abs(m.pixelSizeX()) < 1.0 && std::abs(map.x) <= 360.0;
    const int decimals = geographic ? 6 : 2;
    mapLabel_->setText(tr("Map %1, %2").arg(map.x, 0, 'f', decimals).arg(map.y, 0, 'f', decimals));
    if (const auto ll = coords_->mapToLonLat(map))
        lonLatLabel_->setText(tr("Lon %1, Lat %2").arg(ll->lon, 0, 'f', 6).arg(ll->lat, 0, 'f', 6));
    else
        lonLatLabel_->setText(tr("Lon/Lat unavailable"));
}

void CoordinateStatusWidget::clearCursorPosition()
{
    pixelLabel_->clear();
    mapLabel_->clear();
    lonLatLabel_->clear();
}

void CoordinateStatusWidget::showScale(double scale)
{
    scaleLabel_->setText(tr("Zoom %1 %").arg(scale * 100.0, 0, 'f', scale < 0.1 ? 2 : 0));
}

void CoordinateStatusWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void CoordinateStatusWidget::retranslate()
{
    pixelLabel_->setToolTip(tr("Pixel (column, row) under the cursor"));
    mapLabel_->setToolTip(tr("Map coordinates in the raster's CRS"));
    lonLatLabel_->setToolTip(tr("Longitude and latitude (WGS84)"));
    noticeLabel_->setText(tr("No georeferencing: coordinates are in pixels"));
    noticeLabel_->setToolTip(tr("This raster has no CRS or geotransform; results will be placed in pixel coordinates."));
}

} // namespace geolens
