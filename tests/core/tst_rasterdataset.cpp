#include "TestRasters.h"
#include "common/Error.h"
#include "raster/GdalEnvironment.h"
#include "raster/RasterDataset.h"
#include "geometry/TileGrid.h"

#include <gdal_priv.h>

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include <sys/stat.h>

using namespace geolens;
using geolens::test::RasterSpec;
using geolens::test::writeRaster;

namespace {

// Opening must fail with a FileError whose message names the file and says what is wrong.
void expectRefused(const std::string &path, const QString &problem)
{
    try {
        RasterDataset::open(path);
        QFAIL(qPrintable("expected a FileError for " + QString::fromStdString(path)));
    } catch (const FileError &e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(message.contains(problem, Qt::CaseInsensitive), qPrintable(message));
    }
}

} // namespace

class RasterDatasetTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::string path(const char *name) const { return dir_.filePath(name).toStdString(); }

private slots:
    void metadataOfGeoreferencedRgb()
    {
        RasterSpec spec;
        spec.width = 300;
        spec.height = 200;
        spec.bands = 3;
        spec.colorInterpretation = {"Red", "Green", "Blue", nullptr};
        spec.geoTransform = std::array<double, 6>{400000, 2.5, 0, 5600000, 0, -2.5};
        spec.overviewLevels = std::array<int, 2>{2, 4};
        const auto raster = RasterDataset::open(writeRaster(path("rgb.tif"), spec));
        const RasterMetadata &m = raster->metadata();
        QCOMPARE(m.driver, std::string("GTiff"));
        QCOMPARE(m.width, 300);
        QCOMPARE(m.height, 200);
        QCOMPARE(m.bandCount(), 3);
        QCOMPARE(m.dataType(), std::string("Byte"));
        QVERIFY(m.isByte());
        QCOMPARE(m.bands[0].colorInterpretation, std::string("Red"));
        QCOMPARE(m.bands[2].colorInterpretation, std::string("Blue"));
        QVERIFY(!m.bands[0].nodata);
        QCOMPARE(m.epsg.value_or(0), 32632);
        QVERIFY(QString::fromStdString(m.crsWkt).contains("UTM zone 32N"));
        QVERIFY(m.isGeoreferenced());
        QCOMPARE(m.geoTransform[0], 400000.0);
        QCOMPARE(m.geoTransform[5], -2.5);
        QCOMPARE(m.pixelSizeX(), 2.5);
        QCOMPARE(m.pixelSizeY(), 2.5);
        QCOMPARE(m.overviews.size(), std::size_t(2));
        QCOMPARE(m.overviews[0].width, 150);
        QCOMPARE(m.overviews[1].height, 50);
    }

    void bandDescriptionsWavelengthsAndMission()
    {
        RasterSpec spec;
        spec.bands = 4;
        spec.descriptions = {"Blue", "Green", "Red", "NIR"};
        spec.metadata = {{"SPACECRAFT_ID", "LANDSAT_8"}};
        spec.bandMetadata[1] = {{"wavelength", "482"}, {"wavelength_units", "Nanometers"}};
        spec.bandMetadata[2] = {{"IMAGERY:CENTRAL_WAVELENGTH_UM", "0.561"}};
        spec.bandMetadata[3] = {{"wavelength", "0.655"}};
        const auto raster = RasterDataset::open(writeRaster(path("described.tif"), spec));
        const RasterMetadata &m = raster->metadata();
        QCOMPARE(m.bands[2].description, std::string("Red"));
        QVERIFY(std::abs(m.bands[0].wavelengthMicrometres.value_or(0) - 0.482) < 1e-9);
        QVERIFY(std::abs(m.bands[1].wavelengthMicrometres.value_or(0) - 0.561) < 1e-9);
        QVERIFY(std::abs(m.bands[2].wavelengthMicrometres.value_or(0) - 0.655) < 1e-9);
        QVERIFY(!m.bands[3].wavelengthMicrometres);
        QCOMPARE(m.metadataItems.at("SPACECRAFT_ID"), std::string("LANDSAT_8"));
    }

    void readsWindowsAtRequestedResolution()
    {
        RasterSpec spec;
        spec.width = 100;
        spec.height = 80;
        spec.dataType = "Int32";
        spec.value = [](int, int x, int y) { return x * 1000 + y; };
        const auto raster = RasterDataset::open(writeRaster(path("ramp.tif"), spec));
        const RasterWindow full = raster->read({1}, {10, 20, 4, 3}, 4, 3);
        QCOMPARE(full.band(0)[0], 10020.0f);
        QCOMPARE(full.band(0)[3 + 4 * 2], 13022.0f);
        QVERIFY(std::all_of(full.valid.begin(), full.valid.end(), [](auto v) { return v == 1; }));
        // Decimated: a 100x80 window into 10x8 samples every 10th pixel.
        const RasterWindow coarse = raster->read({1}, {0, 0, 100, 80}, 10, 8);
        QCOMPARE(coarse.width, 10);
        const float v = coarse.band(0)[1];
        QVERIFY2(v >= 10000 && v < 20000, qPrintable(QString::number(v)));
        // Outside the raster: invalid and zero.
        const RasterWindow edge = raster->read({1}, {90, 70, 20, 20}, 20, 20);
        QCOMPARE(int(edge.valid[0]), 1);
        QCOMPARE(int(edge.valid[19]), 0);       // x = 109
        QCOMPARE(int(edge.valid[19 * 20]), 0);  // y = 89
        QCOMPARE(edge.band(0)[9], 99070.0f);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, raster->read({2}, {0, 0, 1, 1}, 1, 1));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, raster->read({1}, {0, 0, 0, 1}, 1, 1));
    }

    void overviewsServeDecimatedReads()
    {
        // Overview pixels hold 7, the full resolution holds 1: a coarse read must see 7.
        RasterSpec spec;
        spec.width = 512;
        spec.height = 512;
        spec.value = [](int, int, int) { return 1; };
        spec.overviewLevels = std::array<int, 2>{2, 4};
        const std::string file = writeRaster(path("ovr.tif"), spec);
        {
            GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
            GDALRasterBand *ov = ds->GetRasterBand(1)->GetOverview(1); // 128 x 128
            std::vector<GByte> sevens(128 * 128, 7);
            QCOMPARE(ov->RasterIO(GF_Write, 0, 0, 128, 128, sevens.data(), 128, 128, GDT_Byte, 0, 0), CE_None);
        }
        const auto raster = RasterDataset::open(file);
        QCOMPARE(raster->read({1}, {0, 0, 512, 512}, 128, 128).band(0)[500], 7.0f);
        QCOMPARE(raster->read({1}, {0, 0, 64, 64}, 64, 64).band(0)[0], 1.0f);
    }

    void nodataAndNanAreInvalid()
    {
        RasterSpec spec;
        spec.dataType = "Float32";
        spec.nodata = -9999.0;
        spec.value = [](int, int x, int y) {
            if (x == 0 && y == 0)
                return -9999.0;
            if (x == 1 && y == 0)
                return std::nan("");
            return double(x + y);
        };
        const auto raster = RasterDataset::open(writeRaster(path("float.tif"), spec));
        QCOMPARE(raster->metadata().dataType(), std::string("Float32"));
        QCOMPARE(raster->metadata().bands[0].nodata.value(), -9999.0);
        const RasterWindow w = raster->read({1}, {0, 0, 3, 1}, 3, 1);
        QCOMPARE(int(w.valid[0]), 0);
        QCOMPARE(int(w.valid[1]), 0);
        QCOMPARE(int(w.valid[2]), 1);
        QCOMPARE(w.band(0)[2], 2.0f);
    }

    void nanNodataValue()
    {
        RasterSpec spec;
        spec.dataType = "Float64";
        spec.nodata = std::nan("");
        spec.value = [](int, int x, int) { return x == 0 ? std::nan("") : 5.0; };
        const auto raster = RasterDataset::open(writeRaster(path("nan-nodata.tif"), spec));
        QVERIFY(std::isnan(raster->metadata().bands[0].nodata.value()));
        const RasterWindow w = raster->read({1}, {0, 0, 2, 1}, 2, 1);
        QCOMPARE(int(w.valid[0]), 0);
        QCOMPARE(int(w.valid[1]), 1);
    }

    void alphaBandMasksPixels()
    {
        RasterSpec spec;
        spec.bands = 4;
        spec.colorInterpretation = {"Red", "Green", "Blue", "Alpha"};
        spec.value = [](int b, int x, int) { return b == 4 ? (x < 2 ? 0 : 255) : 100; };
        const auto raster = RasterDataset::open(writeRaster(path("alpha.tif"), spec));
        const RasterWindow w = raster->read({1, 2, 3}, {0, 0, 4, 1}, 4, 1);
        QCOMPARE(w.bandCount, 3);
        QCOMPARE(int(w.valid[1]), 0);
        QCOMPARE(int(w.valid[2]), 1);
    }

    void rasterWithoutGeoreferencing()
    {
        // PNG is CreateCopy-only: write a MEM raster first.
        const std::string file = path("plain.png");
        {
            initializeGdal();
            GDALDatasetUniquePtr mem(GetGDALDriverManager()->GetDriverByName("MEM")->Create("", 40, 30, 3, GDT_Byte, nullptr));
            std::vector<GByte> px(40 * 30, 128);
            for (int b = 1; b <= 3; ++b)
                QCOMPARE(mem->GetRasterBand(b)->RasterIO(GF_Write, 0, 0, 40, 30, px.data(), 40, 30, GDT_Byte, 0, 0), CE_None);
            GDALDatasetUniquePtr out(GetGDALDriverManager()->GetDriverByName("PNG")->CreateCopy(file.c_str(), mem.get(), FALSE, nullptr, nullptr, nullptr));
            QVERIFY(out);
        }
        const auto raster = RasterDataset::open(file);
        QCOMPARE(raster->metadata().driver, std::string("PNG"));
        QVERIFY(!raster->metadata().hasGeoTransform);
        QVERIFY(!raster->metadata().isGeoreferenced());
        QVERIFY(raster->metadata().crsWkt.empty());
        QVERIFY(!raster->metadata().epsg);
    }

    void onePixelRaster()
    {
        RasterSpec spec;
        spec.width = 1;
        spec.height = 1;
        spec.value = [](int, int, int) { return 42; };
        const auto raster = RasterDataset::open(writeRaster(path("one.tif"), spec));
        QCOMPARE(raster->width(), 1);
        QCOMPARE(raster->read({1}, {0, 0, 1, 1}, 1, 1).band(0)[0], 42.0f);
        // Upsampling a single pixel is fine too.
        QCOMPARE(raster->read({1}, {0, 0, 1, 1}, 8, 8).band(0)[63], 42.0f);
    }

    void twoHundredBands()
    {
        RasterSpec spec;
        spec.width = 8;
        spec.height = 8;
        spec.bands = 200;
        spec.dataType = "Int16";
        spec.value = [](int b, int, int) { return b; };
        const auto raster = RasterDataset::open(writeRaster(path("cube.tif"), spec));
        QCOMPARE(raster->metadata().bandCount(), 200);
        QCOMPARE(raster->read({200}, {0, 0, 1, 1}, 1, 1).band(0)[0], 200.0f);
    }

    void refusesTextFileNamedTif()
    {
        const QString file = dir_.filePath("notes.tif");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("This is not an image, just some text someone renamed.\n");
        f.close();
        expectRefused(file.toStdString(), "not a raster format");
    }

    void refusesTruncatedGeoTiff()
    {
        RasterSpec spec;
        spec.width = 400;
        spec.height = 400;
        spec.value = [](int, int x, int y) { return (x * 7 + y * 13) % 251; };
        const std::string file = writeRaster(path("whole.tif"), spec);
        QFile f(QString::fromStdString(file));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.size() > 100000);
        // Keep the header (written at the start by GDAL) but cut most of the pixel data.
        QVERIFY(f.resize(f.size() / 3));
        f.close();
        try {
            RasterDataset::open(file);
            QFAIL("a truncated GeoTIFF must be refused");
        } catch (const FileError &e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(QString::fromStdString(file)), qPrintable(message));
            QVERIFY2(message.contains("truncated") || message.contains("damaged"), qPrintable(message));
        }
    }

    void refusesZeroBands()
    {
        const std::string file = test::writeNetcdfContainer(path("container.nc"));
        expectRefused(file, "no raster bands");
        expectRefused(file, "2 subdataset(s); open one of them, for example NETCDF:");
    }

    void refusesMissingEmptyAndFolder()
    {
        expectRefused(path("does-not-exist.tif"), "does not exist");
        const QString empty = dir_.filePath("empty.tif");
        QFile f(empty);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        expectRefused(empty.toStdString(), "empty");
        expectRefused(dir_.path().toStdString(), "folder");
    }

    // Files that lie or never end: a pipe (opening it would wait for a writer forever) and a VRT of
    // a few bytes declaring 2147483647 x 2147483647 pixels (tiling it would allocate without end).
    void refusesPipesAndRastersOfImpossibleSize()
    {
        const std::string pipe = path("pipe.tif");
        QCOMPARE(::mkfifo(pipe.c_str(), 0644), 0);
        QElapsedTimer timer;
        timer.start();
        expectRefused(pipe, "not a regular file");
        QVERIFY(timer.elapsed() < 5000);

        const QString vrt = dir_.filePath("huge.vrt");
        QFile f(vrt);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("<VRTDataset rasterXSize=\"2147483647\" rasterYSize=\"2147483647\">"
                "<VRTRasterBand dataType=\"Byte\" band=\"1\"/></VRTDataset>");
        f.close();
        expectRefused(vrt.toStdString(), "2147483647 x 2147483647");
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileGrid(2000000000, 2000000000, 504, 0.0));
    }

    void opensHugeRasterQuickly()
    {
        RasterSpec spec;
        spec.width = 40000;
        spec.height = 40000;
        spec.bands = 3;
        spec.tiled = true;
        spec.sparse = true;
        const std::string file = writeRaster(path("huge.tif"), spec);
        QElapsedTimer timer;
        timer.start();
        const auto raster = RasterDataset::open(file);
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(raster->width(), 40000);
        // A full-resolution window anywhere costs one or two blocks.
        timer.restart();
        for (int i = 0; i < 20; ++i)
            raster->read({1, 2, 3}, {i * 1999, i * 1777, 256, 256}, 256, 256);
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    }

    void opensOtherFormats_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("extension");
        QTest::newRow("COG") << "COG" << "cog.tif";
        QTest::newRow("VRT") << "VRT" << "vrt";
        QTest::newRow("JPEG2000") << "JP2OpenJPEG" << "jp2";
        QTest::newRow("PNG") << "PNG" << "png";
        QTest::newRow("JPEG") << "JPEG" << "jpg";
    }

    void opensOtherFormats()
    {
        QFETCH(QString, driver);
        QFETCH(QString, extension);
        initializeGdal();
        GDALDriver *target = GetGDALDriverManager()->GetDriverByName(driver.toUtf8().constData());
        if (!target)
            QSKIP("this GDAL has no such driver");
        RasterSpec spec;
        spec.width = 300;
        spec.height = 200;
        spec.bands = 3;
        const std::string source = writeRaster(path("source.tif"), spec);
        const std::string file = dir_.filePath("converted." + extension).toStdString();
        {
            GDALDatasetUniquePtr src(GDALDataset::Open(source.c_str(), GDAL_OF_RASTER));
            GDALDatasetUniquePtr out(target->CreateCopy(file.c_str(), src.get(), FALSE, nullptr, nullptr, nullptr));
            QVERIFY(out);
        }
        const auto raster = RasterDataset::open(file);
        QCOMPARE(raster->width(), 300);
        QCOMPARE(raster->height(), 200);
        QCOMPARE(raster->metadata().bandCount(), 3);
        const RasterWindow w = raster->read({1, 2, 3}, {100, 50, 20, 20}, 20, 20);
        // Lossy formats move values a little; the pattern (x + y + 10 b) % 256 must survive.
        const float expected = (100 + 50 + 10) % 256;
        QVERIFY2(std::abs(w.band(0)[0] - expected) <= 8, qPrintable(QString::number(w.band(0)[0])));
        const bool keepsGeoreference = driver != "PNG" && driver != "JPEG";
        if (keepsGeoreference) {
            QCOMPARE(raster->metadata().epsg.value_or(0), 32632);
            QCOMPARE(raster->metadata().geoTransform[0], 500000.0);
        }
    }

    void realImagery()
    {
        const QString dir = QString::fromStdString(test::sampleDataDir());
        const QString chicago = dir + "/chicago_sp27.tif";
        if (!QFile::exists(chicago))
            QSKIP("sample imagery not fetched (scripts/fetch-sample-data.sh)");
        const auto aerial = RasterDataset::open(chicago.toStdString());
        QCOMPARE(aerial->width(), 699);
        QCOMPARE(aerial->height(), 929);
        QCOMPARE(aerial->metadata().epsg.value_or(0), 26771); // NAD27 / Illinois East
        QCOMPARE(aerial->metadata().pixelSizeX(), 32.8);      // US survey feet

        const auto landsat = RasterDataset::open((dir + "/landsat8_b432.tif").toStdString());
        QCOMPARE(landsat->metadata().bandCount(), 3);
        QCOMPARE(landsat->metadata().dataType(), std::string("Int16"));
        QCOMPARE(landsat->metadata().bands[0].nodata.value_or(0), -32768.0);
        QCOMPARE(landsat->metadata().epsg.value_or(0), 32632);

        const auto world = RasterDataset::open((dir + "/bluemarble.tif").toStdString());
        QCOMPARE(world->metadata().epsg.value_or(0), 4326);
        QCOMPARE(world->metadata().overviews.size(), std::size_t(3));

        const auto jpeg = RasterDataset::open((dir + "/aero1.jpg").toStdString());
        QVERIFY(!jpeg->metadata().isGeoreferenced());
        QCOMPARE(jpeg->metadata().bandCount(), 3);
    }
};

QTEST_GUILESS_MAIN(RasterDatasetTest)
#include "tst_rasterdataset.moc"
