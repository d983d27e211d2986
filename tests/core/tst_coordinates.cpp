#include "TestRasters.h"
#include "raster/CoordinateTransformer.h"
#include "raster/RasterDataset.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace geolens;
using geolens::test::RasterSpec;
using geolens::test::writeRaster;

// Expected values come from the projections' definitions, not from GDAL: UTM zone 32N has its
// central meridian at 9 deg E with false easting 500000 m; spherical Web Mercator maps
// (lon, lat) to (R lon, R ln tan(pi/4 + lat/2)) with R = 6378137 m.
class CoordinatesTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    std::unique_ptr<RasterDataset> make(const char *name, int epsg, std::array<double, 6> gt)
    {
        RasterSpec spec;
        spec.width = 100;
        spec.height = 100;
        spec.epsg = epsg;
        spec.geoTransform = gt;
        return RasterDataset::open(writeRaster(dir_.filePath(name).toStdString(), spec));
    }

private slots:
    void pixelToMapFollowsGeotransform()
    {
        const auto r = make("utm.tif", 32632, {500000, 10, 0, 100000, 0, -10});
        const CoordinateTransformer t(r->metadata());
        QVERIFY(t.hasMapCoordinates());
        const MapPoint corner = t.pixelToMap(0, 0);
        QCOMPARE(corner.x, 500000.0);
        QCOMPARE(corner.y, 100000.0);
        const MapPoint centre = t.pixelToMap(10.5, 20.5);
        QCOMPARE(centre.x, 500105.0);
        QCOMPARE(centre.y, 99795.0);
        const MapPoint back = t.mapToPixel(500105.0, 99795.0);
        QCOMPARE(back.x, 10.5);
        QCOMPARE(back.y, 20.5);
    }

    void utmCentralMeridianAndEquator()
    {
        const auto r = make("utm0.tif", 32632, {500000, 10, 0, 0, 0, -10});
        const CoordinateTransformer t(r->metadata());
        QVERIFY(t.hasLonLat());
        const auto ll = t.pixelToLonLat(0, 0);
        QVERIFY(ll);
        // Longitude first whatever EPSG:4326's official axis order says.
        QVERIFY2(std::abs(ll->lon - 9.0) < 1e-9, qPrintable(QString::number(ll->lon, 'g', 17)));
        QVERIFY2(std::abs(ll->lat - 0.0) < 1e-9, qPrintable(QString::number(ll->lat, 'g', 17)));
        // On the central meridian, easting stays 500000 for any latitude.
        const auto map = t.lonLatToMap({9.0, 45.0});
        QVERIFY(map);
        QVERIFY(std::abs(map->x - 500000.0) < 1e-6);
        // The meridian arc from the equator to 45 deg N on WGS84 is 4984944.378 m; UTM scales
        // it by k0 = 0.9996.
        QVERIFY2(std::abs(map->y - 4984944.378 * 0.9996) < 0.5, qPrintable(QString::number(map->y, 'f', 4)));
    }

    void webMercatorMatchesFormula()
    {
        const auto r = make("merc.tif", 3857, {0, 100, 0, 0, 0, -100});
        const CoordinateTransformer t(r->metadata());
        const double R = 6378137.0;
        const double lon = 10.0, lat = 45.0;
        const double x = R * lon * M_PI / 180.0;
        const double y = R * std::log(std::tan(M_PI / 4 + lat * M_PI / 360.0));
        const auto ll = t.mapToLonLat({x, y});
        QVERIFY(ll);
        QVERIFY2(std::abs(ll->lon - lon) < 1e-9 && std::abs(ll->lat - lat) < 1e-9,
                 qPrintable(QString("%1 %2").arg(ll->lon, 0, 'g', 15).arg(ll->lat, 0, 'g', 15)));
        const auto map = t.lonLatToMap({lon, lat});
        QVERIFY(std::abs(map->x - x) < 1e-6 && std::abs(map->y - y) < 1e-6);
    }

    void geographicCrsKeepsLonLatOrder()
    {
        // EPSG:4326 is officially latitude-first; GeoTIFF geotransforms are x = longitude.
        const auto r = make("wgs84.tif", 4326, {100.0, 0.01, 0, 40.0, 0, -0.01});
        const CoordinateTransformer t(r->metadata());
        const MapPoint p = t.pixelToMap(50, 100);
        QCOMPARE(p.x, 100.5);
        QCOMPARE(p.y, 39.0);
        const auto ll = t.mapToLonLat(p);
        QVERIFY(ll);
        QVERIFY(std::abs(ll->lon - 100.5) < 1e-12);
        QVERIFY(std::abs(ll->lat - 39.0) < 1e-12);
    }

    void rotatedGeotransformRoundTrips()
    {
        const auto r = make("rot.tif", 32632, {500000, 8.660254, 5, 100000, 5, -8.660254});
        const CoordinateTransformer t(r->metadata());
        const MapPoint m = t.pixelToMap(12.25, 77.75);
        const MapPoint p = t.mapToPixel(m.x, m.y);
        QVERIFY(std::abs(p.x - 12.25) < 1e-9 && std::abs(p.y - 77.75) < 1e-9);
        QVERIFY(std::abs(r->metadata().pixelSizeX() - 10.0) < 1e-5);
    }

    void withoutGeoreferencingPixelsOnly()
    {
        RasterMetadata m;
        m.width = 10;
        m.height = 10;
        const CoordinateTransformer t(m);
        QVERIFY(!t.hasMapCoordinates());
        QVERIFY(!t.hasLonLat());
        QVERIFY(!t.pixelToLonLat(1, 1));
        const MapPoint p = t.pixelToMap(3, 4); // identity
        QCOMPARE(p.x, 3.0);
        QCOMPARE(p.y, 4.0);
    }

    void realChicagoPhoto()
    {
        const QString file = QString::fromStdString(test::sampleDataDir()) + "/chicago_sp27.tif";
        if (!QFile::exists(file))
            QSKIP("sample imagery not fetched");
        const auto r = RasterDataset::open(file.toStdString());
        const CoordinateTransformer t(r->metadata());
        // The photo shows downtown Chicago and the lake front: about 87.6 W, 41.9 N.
        const auto ll = t.pixelToLonLat(r->width() / 2.0, r->height() / 2.0);
        QVERIFY(ll);
        QVERIFY2(ll->lon > -87.75 && ll->lon < -87.5 && ll->lat > 41.8 && ll->lat < 42.0,
                 qPrintable(QString("%1 %2").arg(ll->lon).arg(ll->lat)));
    }
};

QTEST_GUILESS_MAIN(CoordinatesTest)
#include "tst_coordinates.moc"
