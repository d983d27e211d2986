#include "TestRasters.h"
#include "common/Error.h"
#include "raster/RasterDataset.h"
#include "tiling/TileExportJob.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace geolens;
using geolens::test::RasterSpec;
using geolens::test::writeRaster;

class TileExportTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::shared_ptr<const RasterDataset> raster_;

    QJsonObject readJson(const QString &file)
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QJsonDocument::fromJson(f.readAll()).object();
    }

private slots:
    void initTestCase()
    {
        // 1100 x 700, 16-bit, 20 m pixels in UTM 32N; band values encode the position.
        RasterSpec spec;
        spec.width = 1100;
        spec.height = 700;
        spec.bands = 3;
        spec.dataType = "UInt16";
        spec.geoTransform = std::array<double, 6>{600000, 20, 0, 5200000, 0, -20};
        spec.value = [](int b, int x, int y) { return 1000 + b * 100 + (x % 100) + (y % 100); };
        raster_ = RasterDataset::open(writeRaster(dir_.filePath("scene.tif").toStdString(), spec));
    }

    void writesEveryTileAndTheIndex()
    {
        TileExportOptions options;
        options.overlap = 0.1; // stride 454: 3 columns (0, 454, 908) x 2 rows (0, 454)
        options.outputDir = dir_.filePath("out").toStdString();
        std::vector<std::int64_t> reported;
        const JobProgress progress([&](std::int64_t done, std::int64_t, const std::string &) { reported.push_back(done); });
        const TileExportResult result =
            TileExportJob(raster_, DisplaySettings::defaultsFor(raster_->metadata()), options).run(progress);
        QCOMPARE(result.tilesWritten, 6);
        QCOMPARE(reported.back(), std::int64_t(6));

        const QDir out(dir_.filePath("out"));
        QCOMPARE(out.entryList({"*.png"}, QDir::Files).size(), 6);
        QVERIFY(out.entryList({"*.tmp-*"}, QDir::Files | QDir::Hidden).isEmpty());

        const QImage corner(out.filePath("tile_r1_c2.png"));
        QCOMPARE(corner.size(), QSize(504, 504));
        QVERIFY(corner.pixelColor(10, 10) != QColor(Qt::black));
        QCOMPARE(corner.pixelColor(300, 10), QColor(Qt::black)); // padding: valid width 192
        QCOMPARE(corner.pixelColor(10, 300), QColor(Qt::black)); // padding: valid height 246

        const QJsonObject index = readJson(out.filePath("tiles.geojson"));
        QCOMPARE(index["type"].toString(), QString("FeatureCollection"));
        QCOMPARE(index["crs"].toObject()["properties"].toObject()["name"].toString(),
                 QString("urn:ogc:def:crs:EPSG::32632"));
        const QJsonArray features = index["features"].toArray();
        QCOMPARE(features.size(), 6);
        const QJsonObject last = features[5].toObject();
        const QJsonObject props = last["properties"].toObject();
        QCOMPARE(props["id"].toInt(), 5);
        QCOMPARE(props["col"].toInt(), 2);
        QCOMPARE(props["row"].toInt(), 1);
        QCOMPARE(props["x_off"].toInt(), 908);
        QCOMPARE(props["y_off"].toInt(), 454);
        QCOMPARE(props["valid_width"].toInt(), 192);
        QCOMPARE(props["valid_height"].toInt(), 246);
        QCOMPARE(props["file"].toString(), QString("tile_r1_c2.png"));

        // Footprint of the valid part in map units: x 600000 + 20 * [908, 1100], y 5200000 - 20 * [454, 700].
        const QJsonArray ring = last["geometry"].toObject()["coordinates"].toArray()[0].toArray();
        QCOMPARE(ring.size(), 5);
        QCOMPARE(ring.first(), ring.last());
        double minX = 1e18, maxX = -1e18, minY = 1e18, maxY = -1e18, area2 = 0;
        for (int i = 0; i < 4; ++i) {
            const QJsonArray p = ring[i].toArray(), q = ring[i + 1].toArray();
            minX = std::min(minX, p[0].toDouble());
            maxX = std::max(maxX, p[0].toDouble());
            minY = std::min(minY, p[1].toDouble());
            maxY = std::max(maxY, p[1].toDouble());
            area2 += p[0].toDouble() * q[1].toDouble() - q[0].toDouble() * p[1].toDouble();
        }
        QCOMPARE(minX, 618160.0);
        QCOMPARE(maxX, 622000.0);
        QCOMPARE(minY, 5186000.0);
        QCOMPARE(maxY, 5190920.0);
        QVERIFY(area2 > 0); // counter-clockwise exterior ring
    }

    void writesOnlyTheSelection()
    {
        TileExportOptions options;
        options.outputDir = dir_.filePath("selected").toStdString();
        options.tileIds = {1, 4};
        const TileExportResult result =
            TileExportJob(raster_, DisplaySettings::defaultsFor(raster_->metadata()), options).run(JobProgress());
        QCOMPARE(result.tilesWritten, 2);
        const QJsonArray features = readJson(dir_.filePath("selected/tiles.geojson"))["features"].toArray();
        QCOMPARE(features.size(), 2);
        QCOMPARE(features[1].toObject()["properties"].toObject()["id"].toInt(), 4);
        QVERIFY(QFile::exists(dir_.filePath("selected/tile_r1_c1.png")));

        options.tileIds = {99};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
            TileExportJob(raster_, DisplaySettings::defaultsFor(raster_->metadata()), options).run(JobProgress()));
    }

    void cancelStopsWithoutIndex()
    {
        TileExportOptions options;
        options.outputDir = dir_.filePath("canceled").toStdString();
        JobProgress *self = nullptr;
        JobProgress progress([&self](std::int64_t done, std::int64_t, const std::string &step) {
            if (step == "tiles" && done == 2)
                self->requestCancel();
        });
        self = &progress;
        QVERIFY_THROWS_EXCEPTION(Canceled,
            TileExportJob(raster_, DisplaySettings::defaultsFor(raster_->metadata()), options).run(progress));
        const QDir out(dir_.filePath("canceled"));
        QCOMPARE(out.entryList({"*.png"}, QDir::Files).size(), 2);
        QVERIFY(!out.exists("tiles.geojson"));
    }

    void outputThatIsAFileIsRefused()
    {
        const QString blocker = dir_.filePath("blocker");
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        TileExportOptions options;
        options.outputDir = blocker.toStdString();
        try {
            TileExportJob(raster_, DisplaySettings::defaultsFor(raster_->metadata()), options).run(JobProgress());
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QVERIFY(QString(e.what()).contains(blocker));
        }
    }
};

QTEST_GUILESS_MAIN(TileExportTest)
#include "tst_tileexport.moc"
