#include "CoordinateStatusWidget.h"
#include "TestRasters.h"
#include "raster/GdalEnvironment.h"
#include "raster/RasterDataset.h"

#include <QLabel>
#include <QTemporaryDir>
#include <QtTest>

using namespace geolens;

// The status bar's read-outs: pixel, map and lon/lat under the cursor, the notice for a raster
// without georeferencing, and the zoom.
class CoordinateStatusTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    RasterMetadata metadata(const char *name, const test::RasterSpec &spec)
    {
        const std::string path = test::writeRaster(dir_.filePath(name).toStdString(), spec);
        return RasterDataset::open(path)->metadata();
    }

private slots:
    void initTestCase() { initializeGdal(); }

    void readsOutPixelMapAndLonLat()
    {
        test::RasterSpec spec;
        spec.geoTransform = std::array<double, 6>{500000, 10, 0, 0, 0, -10};
        CoordinateStatusWidget status;
        status.setRaster(metadata("utm.tif", spec));
        QVERIFY(status.georeferenceNotice().isEmpty());
        status.showCursorPosition(QPointF(0.5, 0.5));
        const QString text = status.coordinateText();
        QVERIFY2(text.startsWith("Pixel 0, 0 | Map 500005.00, -5.00 | Lon 9.0000"), qPrintable(text));

        status.showCursorPosition(QPointF(-1, 3));
        QCOMPARE(status.coordinateText(), QString("outside the raster |  | "));
        status.clearCursorPosition();
        QCOMPARE(status.coordinateText(), QString(" |  | "));
    }

    void pixelsOnlyWithoutGeoreferencing()
    {
        test::RasterSpec spec;
        spec.epsg.reset();
        spec.geoTransform.reset();
        CoordinateStatusWidget status;
        status.setRaster(metadata("plain.tif", spec));
        QVERIFY(status.georeferenceNotice().contains("No georeferencing"));
        status.showCursorPosition(QPointF(3.5, 4.5));
        QCOMPARE(status.coordinateText(), QString("Pixel 3, 4 |  | "));

        // Closed: nothing to read out, and the notice goes.
        status.clearRaster();
        status.showCursorPosition(QPointF(3.5, 4.5));
        QCOMPARE(status.coordinateText(), QString(" |  | "));
        QVERIFY(status.georeferenceNotice().isEmpty());
    }

    void zoomKeepsDecimalsForSmallScales()
    {
        CoordinateStatusWidget status;
        status.showScale(0.8);
        QVERIFY(status.findChild<QLabel *>(QString(), Qt::FindDirectChildrenOnly));
        QStringList texts;
        for (QLabel *label : status.findChildren<QLabel *>())
            texts << label->text();
        QVERIFY2(texts.contains("Zoom 80 %"), qPrintable(texts.join(" | ")));
        status.showScale(0.05);
        texts.clear();
        for (QLabel *label : status.findChildren<QLabel *>())
            texts << label->text();
        QVERIFY2(texts.contains("Zoom 5.00 %"), qPrintable(texts.join(" | ")));
    }
};

QTEST_MAIN(CoordinateStatusTest)
#include "tst_coordinate_status.moc"
