#include "RasterInfoPanel.h"

#include <QEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace geolens {

namespace {

QString number(double v)
{
    return QString::number(v, 'g', 12);
}

// The CRS's name is the first quoted string of its WKT.
QString crsName(const std::string &wkt)
{
    const QString text = QString::fromStdString(wkt);
    const int a = text.indexOf(QLatin1Char('"'));
    const int b = a >= 0 ? text.indexOf(QLatin1Char('"'), a + 1) : -1;
    return b > a ? text.mid(a + 1, b - a - 1) : QString();
}

} // namespace

RasterInfoPanel::RasterInfoPanel(QWidget *parent) : QWidget(parent), tree_(new QTreeWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tree_);
    tree_->setColumnCount(2);
    tree_->setRootIsDecorated(true);
    tree_->setAlternatingRowColors(true);
    tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    rebuild();
}

void RasterInfoPanel::setMetadata(const RasterMetadata &metadata)
{
    metadata_ = metadata;
    rebuild();
}

void RasterInfoPanel::clear()
{
    metadata_.reset();
    rebuild();
}

void RasterInfoPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        rebuild();
    QWidget::changeEvent(event);
}

void RasterInfoPanel::rebuild()
{
    tree_->clear();
    tree_->setHeaderLabels({tr("Property"), tr("Value")});
    if (!metadata_)
        return;
    const RasterMetadata &m = *metadata_;
    auto add = [](QTreeWidgetItem *parent, const QString &key, const QString &value) {
        auto *item = new QTreeWidgetItem(parent, {key, value});
        item->setToolTip(1, value);
        return item;
    };
    auto *root = tree_->invisibleRootItem();
    add(root, tr("File"), QFileInfo(QString::fromStdString(m.path)).fileName())
        ->setToolTip(1, QString::fromStdString(m.path));
    add(root, tr("Format"), QString::fromStdString(m.driver));
    add(root, tr("Size"), tr("%1 x %2 pixels").arg(m.width).arg(m.height));
    add(root, tr("Bands"), QString::number(m.bandCount()));
    add(root, tr("Data type"), QString::fromStdString(m.dataType()));
    if (m.isGeoreferenced()) {
        const QString name = crsName(m.crsWkt);
        auto *crs = add(root, tr("CRS"), m.epsg ? QStringLiteral("EPSG:%1 %2").arg(*m.epsg).arg(name) : name);
        crs->setToolTip(1, QString::fromStdString(m.crsWkt));
    } else {
        add(root, tr("CRS"), tr("none: pixel coordinates only"));
    }
    if (m.hasGeoTransform) {
        add(root, tr("Pixel size"), QStringLiteral("%1, %2").arg(number(m.pixelSizeX()), number(m.pixelSizeY())));
        add(root, tr("Origin"), QStringLiteral("%1, %2").arg(number(m.geoTransform[0]), number(m.geoTransform[3])));
        QStringList gt;
        for (double v : m.geoTransform)
            gt << number(v);
        add(root, tr("Geotransform"), gt.join(QStringLiteral(", ")));
    }
    QStringList overviews;
    for (const OverviewInfo &o : m.overviews)
        overviews << QStringLiteral("%1x%2").arg(o.width).arg(o.height);
    add(root, tr("Overviews"), overviews.isEmpty() ? tr("none") : overviews.join(QStringLiteral(", ")));

    auto *bands = add(root, tr("Band list"), QString());
    constexpr int MaxBandsListed = 256;
    for (const BandInfo &b : m.bands) {
        if (b.index > MaxBandsListed) {
            add(bands, QStringLiteral("..."), tr("%n more band(s)", nullptr, m.bandCount() - MaxBandsListed));
            break;
        }
        QString nodata = tr("none");
        if (b.nodata)
            nodata = std::isnan(*b.nodata) ? QStringLiteral("NaN") : number(*b.nodata);
        auto *band = add(bands, tr("Band %1").arg(b.index),
                         QStringLiteral("%1, %2").arg(QString::fromStdString(b.dataType),
                                                      QString::fromStdString(b.colorInterpretation)));
        add(band, tr("Nodata"), nodata);
        if (!b.description.empty())
            add(band, tr("Description"), QString::fromStdString(b.description));
    }
    tree_->expandToDepth(0);
}

} // namespace geolens
