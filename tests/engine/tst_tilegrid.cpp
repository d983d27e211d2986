#include "common/Error.h"
#include "geometry/TileGrid.h"

#include <QtTest>

using geolens::InvalidArgument;
using geolens::PixelRect;
using geolens::Tile;
using geolens::TileGrid;

class TileGridTest : public QObject {
    Q_OBJECT

private slots:
    void counts_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<double>("overlap");
        QTest::addColumn<int>("stride");
        QTest::addColumn<int>("columns");
        QTest::addColumn<int>("rows");
        QTest::newRow("exact fit") << 1008 << 504 << 0.0 << 504 << 2 << 1;
        QTest::newRow("one pixel over") << 1009 << 505 << 0.0 << 504 << 3 << 2;
        QTest::newRow("smaller than a tile") << 100 << 30 << 0.0 << 504 << 1 << 1;
        QTest::newRow("1x1") << 1 << 1 << 0.25 << 378 << 1 << 1;
        // 10 % of 504 is 50.4 px, rounded to 50: stride 454. 1000 = 504 + 454 + 42 -> 3 columns.
        QTest::newRow("10 % overlap") << 1000 << 504 << 0.1 << 454 << 3 << 1;
        QTest::newRow("50 % overlap") << 1008 << 1008 << 0.5 << 252 << 3 << 3;
        QTest::newRow("large") << 40000 << 30000 << 0.0 << 504 << 80 << 60;
    }

    void counts()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(double, overlap);
        QFETCH(int, stride);
        QFETCH(int, columns);
        QFETCH(int, rows);
        const TileGrid grid(width, height, 504, overlap);
        QCOMPARE(grid.stride(), stride);
        QCOMPARE(grid.columns(), columns);
        QCOMPARE(grid.rows(), rows);
        QCOMPARE(grid.count(), columns * rows);
        // Every pixel is covered and the last tile starts inside the raster.
        const Tile last = grid.tile(grid.count() - 1);
        QVERIFY(last.xOff < width && last.yOff < height);
        QCOMPARE(last.xOff + last.validWidth, width);
        QCOMPARE(last.yOff + last.validHeight, height);
    }

    void paddingAndValidPart()
    {
        const TileGrid grid(1100, 600, 504, 0.0);
        QCOMPARE(grid.columns(), 3);
        QCOMPARE(grid.rows(), 2);
        const Tile inner = grid.tileAt(0, 0);
        QVERIFY(!inner.isPadded());
        QCOMPARE(inner.validRect(), (PixelRect{0, 0, 504, 504}));
        const Tile corner = grid.tileAt(2, 1);
        QCOMPARE(corner.id, 5);
        QCOMPARE(corner.xOff, 1008);
        QCOMPARE(corner.yOff, 504);
        QCOMPARE(corner.validWidth, 92);
        QCOMPARE(corner.validHeight, 96);
        QVERIFY(corner.isPadded());
        QCOMPARE(corner.footprint(), (PixelRect{1008, 504, 504, 504}));
    }

    void overlapPlacesTilesAtStride()
    {
        const TileGrid grid(2000, 2000, 504, 0.2);
        QCOMPARE(grid.stride(), 403); // 504 - round(100.8)
        for (int id = 0; id < grid.count(); ++id) {
            const Tile t = grid.tile(id);
            QCOMPARE(t.id, id);
            QCOMPARE(t.xOff, t.col * 403);
            QCOMPARE(t.yOff, t.row * 403);
        }
        // Neighbours share exactly size - stride pixels.
        const Tile a = grid.tileAt(0, 0);
        const Tile b = grid.tileAt(1, 0);
        QCOMPARE(a.xOff + a.size - b.xOff, 101);
    }

    void tileAtPixel()
    {
        const TileGrid grid(1100, 600, 504, 0.0);
        QCOMPARE(grid.tileIdAt(0, 0).value(), 0);
        QCOMPARE(grid.tileIdAt(503.9, 10).value(), 0);
        QCOMPARE(grid.tileIdAt(504, 10).value(), 1);
        QCOMPARE(grid.tileIdAt(1099, 599).value(), 5);
        QVERIFY(!grid.tileIdAt(-0.5, 3).has_value());
        QVERIFY(!grid.tileIdAt(1100, 3).has_value());
        QVERIFY(!grid.tileIdAt(3, 600).has_value());

        // With overlap, the pixel goes to the tile whose centre is nearest.
        const TileGrid overlapping(1000, 504, 504, 0.5); // stride 252, tiles at 0, 252, 504
        QCOMPARE(overlapping.columns(), 3);
        QCOMPARE(overlapping.tileIdAt(100, 10).value(), 0);   // centres 252, 504, 752
        QCOMPARE(overlapping.tileIdAt(400, 10).value(), 1);
        QCOMPARE(overlapping.tileIdAt(700, 10).value(), 2);
    }

    void tilesIntersecting()
    {
        const TileGrid grid(1100, 600, 504, 0.0);
        QCOMPARE(grid.tilesIntersecting({0, 0, 10, 10}), (std::vector<int>{0}));
        QCOMPARE(grid.tilesIntersecting({500, 0, 10, 10}), (std::vector<int>{0, 1}));
        QCOMPARE(grid.tilesIntersecting({-100, -100, 5000, 5000}), (std::vector<int>{0, 1, 2, 3, 4, 5}));
        QVERIFY(grid.tilesIntersecting({2000, 2000, 10, 10}).empty());
        QVERIFY(grid.tilesIntersecting({-50, -50, 10, 10}).empty());
        // Padding counts: the corner tile's footprint reaches x = 1512.
        QCOMPARE(grid.tilesIntersecting({1400, 700, 10, 10}), (std::vector<int>{5}));
        const TileGrid overlapping(1000, 504, 504, 0.5);
        QCOMPARE(overlapping.tilesIntersecting({300, 0, 1, 1}), (std::vector<int>{0, 1}));
    }

    void invalidArguments()
    {
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileGrid(0, 10));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileGrid(10, -1));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileGrid(10, 10, 0));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileGrid(10, 10, 504, 0.51));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileGrid(10, 10, 504, -0.01));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileGrid(10, 10, 504, std::nan("")));
        const TileGrid grid(10, 10);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, grid.tile(1));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, grid.tileAt(0, 1));
    }
};

QTEST_APPLESS_MAIN(TileGridTest)
#include "tst_tilegrid.moc"
