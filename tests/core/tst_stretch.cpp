#include "TestRasters.h"
#include "common/Error.h"
#include "raster/DisplaySettings.h"
#include "raster/RasterDataset.h"
#include "raster/RasterRenderer.h"
#include "raster/StretchEstimator.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace geolens;
using geolens::test::RasterSpec;
using geolens::test::writeRaster;

class StretchTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::string path(const char *name) const { return dir_.filePath(name).toStdString(); }

private slots:
    void defaultBandChoice()
    {
        RasterMetadata m;
        auto band = [](int i, const char *ci, const char *type = "Byte") {
            BandInfo b;
            b.index = i;
            b.colorInterpretation = ci;
            b.dataType = type;
            return b;
        };
        m.bands = {band(1, "Blue"), band(2, "Green"), band(3, "Red"), band(4, "Undefined")};
        DisplaySettings s = DisplaySettings::defaultsFor(m);
        QVERIFY(s.mode == DisplaySettings::Mode::Rgb);
        QCOMPARE(s.rgbBands, (std::array<int, 3>{3, 2, 1})); // from the colour interpretation
        QVERIFY(!s.stretched);

        m.bands = {band(1, "Gray", "UInt16"), band(2, "Undefined", "UInt16"), band(3, "Undefined", "UInt16"),
                   band(4, "Undefined", "UInt16")};
        s = DisplaySettings::defaultsFor(m);
        QCOMPARE(s.rgbBands, (std::array<int, 3>{1, 2, 3}));
        QVERIFY(s.stretched);
        QCOMPARE(s.bandsMissingStretch(), (std::vector<int>{1, 2, 3}));

        m.bands = {band(1, "Gray", "Float32")};
        s = DisplaySettings::defaultsFor(m);
        QVERIFY(s.mode == DisplaySettings::Mode::Grey);
        QCOMPARE(s.displayedBands(), (std::vector<int>{1}));
        QCOMPARE(s.rgbBands, (std::array<int, 3>{1, 1, 1})); // valid if the user switches to RGB
        m.bands = {band(1, "Gray"), band(2, "Undefined")};
        QVERIFY(DisplaySettings::defaultsFor(m).mode == DisplaySettings::Mode::Grey);
        QCOMPARE(DisplaySettings::defaultsFor(m).rgbBands, (std::array<int, 3>{1, 2, 2}));
    }

    void cumulativeCutOfRamp()
    {
        // Values 0..9999 once each: the 2 and 98 percentiles are 199.98 and 9799.02.
        RasterSpec spec;
        spec.width = 100;
        spec.height = 100;
        spec.dataType = "UInt16";
        spec.value = [](int, int x, int y) { return y * 100 + x; };
        const auto raster = RasterDataset::open(writeRaster(path("ramp.tif"), spec));
        const BandStretch s = StretchEstimator::cumulativeCut(*raster, 1);
        QVERIFY2(std::abs(s.min - 199.98) < 1e-6, qPrintable(QString::number(s.min, 'g', 10)));
        QVERIFY2(std::abs(s.max - 9799.02) < 1e-6, qPrintable(QString::number(s.max, 'g', 10)));
    }

    void cutIgnoresNodataAndNan()
    {
        // Half the pixels are nodata (-1e6) or NaN; the rest are 10..19.
        RasterSpec spec;
        spec.width = 50;
        spec.height = 40;
        spec.dataType = "Float32";
        spec.nodata = -1e6;
        spec.value = [](int, int x, int y) {
            if (x < 15)
                return -1e6;
            if (x < 25)
                return std::nan("");
            return 10.0 + (x + y) % 10;
        };
        const auto raster = RasterDataset::open(writeRaster(path("holes.tif"), spec));
        const BandStretch s = StretchEstimator::cumulativeCut(*raster, 1);
        QVERIFY(s.min >= 10.0 && s.min < 11.0);
        QVERIFY(s.max > 18.0 && s.max <= 19.0);
    }

    void constantAndEmptyBands()
    {
        RasterSpec spec;
        spec.dataType = "Int16";
        spec.value = [](int, int, int) { return 500; };
        const auto flat = RasterDataset::open(writeRaster(path("flat.tif"), spec));
        const BandStretch s = StretchEstimator::cumulativeCut(*flat, 1);
        QVERIFY(s.min < 500 && s.max > 500);

        spec.nodata = 500;
        const auto empty = RasterDataset::open(writeRaster(path("allnodata.tif"), spec));
        const BandStretch e = StretchEstimator::cumulativeCut(*empty, 1);
        QCOMPARE(e.min, 0.0);
        QCOMPARE(e.max, 1.0);
    }

    void largeRasterUsesLatticeSample()
    {
        // 30000 x 30000 UInt16 without overviews: a decimated read would touch every block; the
        // lattice reads 64 small windows.
        RasterSpec spec;
        spec.width = 30000;
        spec.height = 30000;
        spec.dataType = "UInt16";
        spec.tiled = true;
        spec.sparse = true;
        const std::string file = writeRaster(path("big.tif"), spec);
        const auto raster = RasterDataset::open(file);
        QElapsedTimer timer;
        timer.start();
        const BandStretch s = StretchEstimator::cumulativeCut(*raster, 1);
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        // Sparse blocks read as 0: a constant band.
        QVERIFY(s.min < 0.0 && s.max > 0.0);
    }

    void rendererAppliesStretchAndTransparency()
    {
        RasterSpec spec;
        spec.width = 4;
        spec.height = 1;
        spec.dataType = "UInt16";
        spec.nodata = 0;
        spec.value = [](int, int x, int) { return std::array<double, 4>{0, 1000, 2000, 3000}[x]; };
        const auto raster = RasterDataset::open(writeRaster(path("r.tif"), spec));
        DisplaySettings s = DisplaySettings::defaultsFor(raster->metadata());
        s.stretches[1] = {1000, 3000};
        const RgbaImage img = RasterRenderer::render(*raster, s, {0, 0, 4, 1}, 4, 1);
        QCOMPARE(img.pixels.size(), std::size_t(16));
        QCOMPARE(int(img.pixels[3]), 0);   // nodata: transparent
        QCOMPARE(int(img.pixels[4]), 0);   // 1000 -> 0
        QCOMPARE(int(img.pixels[7]), 255);
        QCOMPARE(int(img.pixels[8]), 128); // 2000 -> 127.5 -> 128
        QCOMPARE(int(img.pixels[9]), 128); // grey: R = G = B
        QCOMPARE(int(img.pixels[12]), 255);

        // Without a stretch for a displayed band, rendering refuses instead of guessing.
        DisplaySettings missing = DisplaySettings::defaultsFor(raster->metadata());
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, RasterRenderer::render(*raster, missing, {0, 0, 4, 1}, 4, 1));
    }

    void rendererRgbByteAsIs()
    {
        RasterSpec spec;
        spec.width = 2;
        spec.height = 2;
        spec.bands = 3;
        spec.value = [](int b, int x, int y) { return b * 50 + x + 2 * y; };
        const auto raster = RasterDataset::open(writeRaster(path("rgb.tif"), spec));
        DisplaySettings s = DisplaySettings::defaultsFor(raster->metadata());
        s.rgbBands = {3, 2, 1};
        const RgbaImage img = RasterRenderer::render(*raster, s, {0, 0, 2, 2}, 2, 2);
        QCOMPARE(int(img.pixels[0]), 150);
        QCOMPARE(int(img.pixels[1]), 100);
        QCOMPARE(int(img.pixels[2]), 50);
        QCOMPARE(int(img.pixels[3]), 255);
        QCOMPARE(int(img.pixels[12]), 153); // (1, 1): 150 + 1 + 2

        const std::vector<std::uint8_t> tile = RasterRenderer::renderTileRgb(*raster, s, {0, 0, 2, 2}, 4);
        QCOMPARE(tile.size(), std::size_t(4 * 4 * 3));
        QCOMPARE(int(tile[0]), 150);
        QCOMPARE(int(tile[(1 * 4 + 1) * 3]), 153);
        QCOMPARE(int(tile[(3 * 4 + 3) * 3]), 0); // padding
    }
};

QTEST_GUILESS_MAIN(StretchTest)
#include "tst_stretch.moc"
