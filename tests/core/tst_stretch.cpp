#include "TestRasters.h"
#include "common/Error.h"
#include "raster/DisplaySettings.h"
#include "raster/RasterDataset.h"
#include "raster/RasterRenderer.h"
#include "raster/StretchEstimator.h"
#include "raster/TrueColourBands.h"

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
        QVERIFY(!s.stretched());

        m.bands = {band(1, "Gray", "UInt16"), band(2, "Undefined", "UInt16"), band(3, "Undefined", "UInt16"),
                   band(4, "Undefined", "UInt16")};
        s = DisplaySettings::defaultsFor(m);
        QCOMPARE(s.rgbBands, (std::array<int, 3>{1, 2, 3}));
        QVERIFY(s.stretched());
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

    void trueColourFromTheEvidence()
    {
        auto bands = [](int count, const std::string &path) {
            RasterMetadata m;
            m.path = path;
            for (int i = 1; i <= count; ++i) {
                BandInfo b;
                b.index = i;
                b.dataType = "Byte";
                b.colorInterpretation = i == 1 ? "Gray" : "Undefined";
                m.bands.push_back(b);
            }
            return m;
        };
        using Evidence = TrueColourBands::Evidence;

        RasterMetadata m = bands(5, "/data/scene.tif");
        QVERIFY(!TrueColourBands::find(m));
        QCOMPARE(DisplaySettings::defaultsFor(m).rgbBands, (std::array<int, 3>{1, 2, 3}));
        const char *described[] = {"Band 1 - Blue", "Band 2 - Green", "Band 3 - Red", "Red Edge 1", "Near infrared"};
        for (int i = 0; i < 5; ++i)
            m.bands[i].description = described[i];
        auto choice = TrueColourBands::find(m);
        QVERIFY(choice);
        QCOMPARE(choice->rgb, (std::array<int, 3>{3, 2, 1}));
        QVERIFY(choice->evidence == Evidence::Descriptions);
        QCOMPARE(DisplaySettings::defaultsFor(m).rgbBands, (std::array<int, 3>{3, 2, 1}));
        // A red edge band is not the red band, wherever it stands.
        const char *edgeFirst[] = {"Blue", "Green", "Red edge", "Red", "NIR"};
        for (int i = 0; i < 5; ++i)
            m.bands[i].description = edgeFirst[i];
        QCOMPARE(TrueColourBands::find(m)->rgb, (std::array<int, 3>{4, 2, 1}));

        m = bands(5, "/data/scene.tif");
        const double centres[] = {0.443, 0.49, 0.56, 0.665, 0.842}; // Sentinel-2 B1-B4, B8
        for (int i = 0; i < 5; ++i)
            m.bands[i].wavelengthMicrometres = centres[i];
        choice = TrueColourBands::find(m);
        QVERIFY(choice);
        QCOMPARE(choice->rgb, (std::array<int, 3>{4, 3, 2}));
        QVERIFY(choice->evidence == Evidence::Wavelengths);

        // Landsat scene identifiers: TM and ETM+ count blue from band 1, OLI from band 2.
        m = bands(6, "/data/LE07_L2SP_123032_20000101_20200101_02_T1_SR.tif");
        choice = TrueColourBands::find(m);
        QVERIFY(choice);
        QCOMPARE(choice->rgb, (std::array<int, 3>{3, 2, 1}));
        QVERIFY(choice->evidence == Evidence::Sensor);
        QCOMPARE(choice->sensor, std::string("Landsat 7"));
        QCOMPARE(TrueColourBands::find(bands(6, "LT51230322000001BJC00.tif"))->rgb, (std::array<int, 3>{3, 2, 1}));
        QCOMPARE(TrueColourBands::find(bands(7, "LC08_L1TP_123032_20200101_20200113_01_T1.tif"))->rgb,
                 (std::array<int, 3>{4, 3, 2}));
        QVERIFY(!TrueColourBands::find(bands(3, "LC08_L1TP_123032_20200101_20200113_01_T1.tif")));
        QVERIFY(!TrueColourBands::find(bands(4, "LM05_L1TP_123032_19900101_20200101_02_T2.tif"))); // MSS: no blue
        QVERIFY(!TrueColourBands::find(bands(3, "landsat8_b432.tif"))); // already 4-3-2, in that order
        m = bands(6, "/data/etm.tif");
        QCOMPARE(TrueColourBands::landsatMission(m), 0);
        m.metadataItems["SPACECRAFT_ID"] = "LANDSAT_5";
        QCOMPARE(TrueColourBands::landsatMission(m), 5);
        QCOMPARE(TrueColourBands::find(m)->rgb, (std::array<int, 3>{3, 2, 1}));
        m.metadataItems["SPACECRAFT_ID"] = "LANDSAT_10";
        QCOMPARE(TrueColourBands::landsatMission(m), 0);
    }

    void narrowByteDataIsStretched()
    {
        // A 6-band Landsat 7 scene in Byte whose values sit between 40 and 100: shown as is it is
        // dark, so it opens in true colour with the 2-98 % cut.
        RasterSpec spec;
        spec.bands = 6;
        spec.value = [](int b, int x, int y) { return 40 + (x + 2 * y + b * 7) % 61; };
        const auto landsat = RasterDataset::open(writeRaster(path("LE07_L2SP_123032_20000101_20200101_02_T1.tif"), spec));
        DisplaySettings s = StretchEstimator::defaultsFor(*landsat);
        QCOMPARE(s.rgbBands, (std::array<int, 3>{3, 2, 1}));
        QVERIFY(s.stretch == DisplaySettings::Stretch::CumulativeCut);
        QVERIFY(s.bandsMissingStretch().empty());
        for (int band : {1, 2, 3}) {
            QVERIFY(s.stretches.at(band).min >= 40.0);
            QVERIFY(s.stretches.at(band).max <= 100.0);
        }
        // The tiles the model reads use the whole 0..255 range.
        const std::vector<std::uint8_t> tile = RasterRenderer::renderTileRgb(*landsat, s, {0, 0, 64, 48}, 64);
        const auto [low, high] = std::minmax_element(tile.begin(), tile.begin() + 64 * 48 * 3);
        QCOMPARE(int(*low), 0);
        QCOMPARE(int(*high), 255);

        // Byte data that fills its range, and a palette, are shown as they are.
        spec.bands = 3;
        spec.value = [](int b, int x, int y) { return (x * 4 + y + b) % 256; };
        const auto wide = RasterDataset::open(writeRaster(path("wide.tif"), spec));
        s = StretchEstimator::defaultsFor(*wide);
        QVERIFY(s.stretch == DisplaySettings::Stretch::None);
        QVERIFY(s.stretches.empty());
        spec.bands = 1;
        spec.colorTable = true;
        spec.value = [](int, int x, int) { return 3 + x % 5; };
        const auto paletted = RasterDataset::open(writeRaster(path("classes.tif"), spec));
        QVERIFY(StretchEstimator::defaultsFor(*paletted).stretch == DisplaySettings::Stretch::None);
    }

    void stretchRules()
    {
        RasterSpec spec;
        spec.width = 100;
        spec.height = 100;
        spec.dataType = "UInt16";
        spec.value = [](int, int x, int y) { return y * 100 + x; };
        const auto raster = RasterDataset::open(writeRaster(path("rules.tif"), spec));
        DisplaySettings s = StretchEstimator::defaultsFor(*raster);
        QVERIFY(s.stretch == DisplaySettings::Stretch::CumulativeCut);
        QVERIFY(std::abs(s.stretches.at(1).min - 199.98) < 1e-6);

        s.setStretch(DisplaySettings::Stretch::MinMax);
        QVERIFY(s.stretches.empty()); // the cut's limits are not min-max limits
        StretchEstimator::complete(*raster, s);
        QCOMPARE(s.stretches.at(1).min, 0.0);
        QCOMPARE(s.stretches.at(1).max, 9999.0);

        // Custom starts from the limits in use and keeps what the user types.
        s.setStretch(DisplaySettings::Stretch::Custom);
        QCOMPARE(s.stretches.at(1).max, 9999.0);
        s.stretches[1] = {1000, 2000};
        StretchEstimator::complete(*raster, s);
        QCOMPARE(s.stretches.at(1), (BandStretch{1000, 2000}));
        const std::vector<std::uint8_t> pixel = RasterRenderer::renderTileRgb(*raster, s, {0, 15, 1, 1}, 1);
        QCOMPARE(int(pixel[0]), 128); // 1500 is half way

        // None shows values as they are, clamped to 0..255.
        s.setStretch(DisplaySettings::Stretch::None);
        QVERIFY(s.stretches.empty());
        QVERIFY(s.bandsMissingStretch().empty());
        QCOMPARE(int(RasterRenderer::renderTileRgb(*raster, s, {99, 0, 1, 1}, 1)[0]), 99);
        QCOMPARE(int(RasterRenderer::renderTileRgb(*raster, s, {0, 5, 1, 1}, 1)[0]), 255);
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
