#include "AnalysisLayer.h"
#include "MapCanvas.h"
#include "TestRasters.h"
#include "TileGridOverlay.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

using namespace geolens;
using geolens::test::RasterSpec;
using geolens::test::writeRaster;

namespace {

// Distinct colours in the picture: a blank canvas has one or two.
int distinctColours(const QImage &image)
{
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return static_cast<int>(colours.size());
}

} // namespace

class MapCanvasTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    std::shared_ptr<const RasterDataset> openRaster(const char *name, RasterSpec spec, DisplaySettings &settings)
    {
        auto raster = RasterDataset::open(writeRaster(dir_.filePath(name).toStdString(), spec));
        settings = DisplaySettings::defaultsFor(raster->metadata());
        StretchEstimator::complete(*raster, settings);
        return raster;
    }

    static bool show(MapCanvas &canvas, int width, int height)
    {
        canvas.resize(width, height);
        canvas.show();
        return QTest::qWaitForWindowExposed(&canvas);
    }

    static bool waitForTiles(MapCanvas &canvas)
    {
        QCoreApplication::processEvents();
        canvas.repaint();
        return QTest::qWaitFor([&] {
            canvas.repaint();
            return canvas.pendingTileCount() == 0;
        }, 20000);
    }

private slots:
    void drawsTheRasterAndZooms()
    {
        RasterSpec spec;
        spec.width = 2000;
        spec.height = 1500;
        spec.bands = 3;
        spec.dataType = "UInt16";
        spec.value = [](int b, int x, int y) { return ((x / 50 + y / 50) % 2 ? 3000 : 500) + b * 200 + x % 97; };
        DisplaySettings settings;
        auto raster = openRaster("scene.tif", spec, settings);

        MapCanvas canvas;
        QVERIFY(show(canvas, 640, 480));
        canvas.setRaster(raster, settings);
        QVERIFY(waitForTiles(canvas));
        const QImage fit = canvas.grab().toImage();
        QVERIFY2(distinctColours(fit) > 20, qPrintable(QString::number(distinctColours(fit))));
        // Fit: the whole raster is visible and centred.
        QVERIFY(canvas.scale() < 0.33 && canvas.scale() > 0.3);
        QCOMPARE(canvas.center(), QPointF(1000, 750));

        // Zoom in at a point: that raster point stays under the cursor.
        const QPointF anchor(100, 100);
        const QPointF before = canvas.widgetToRaster(anchor);
        canvas.zoomBy(4.0, anchor);
        const QPointF after = canvas.widgetToRaster(anchor);
        QVERIFY(std::abs(before.x() - after.x()) < 1e-6 && std::abs(before.y() - after.y()) < 1e-6);
        QVERIFY(waitForTiles(canvas));
        const QImage zoomed = canvas.grab().toImage();
        // 50 px checks, stretched to near black and white, with a faint ramp inside each.
        QVERIFY2(distinctColours(zoomed) >= 10, qPrintable(QString::number(distinctColours(zoomed))));
        QVERIFY(zoomed != fit);

        canvas.zoomToNativeResolution();
        QCOMPARE(canvas.scale(), 1.0);
        // Wheel zoom also anchors at the cursor.
        const QPoint cursor(200, 150);
        const QPointF under = canvas.widgetToRaster(cursor);
        QWheelEvent wheel(cursor, canvas.mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&canvas, &wheel);
        QCOMPARE(canvas.scale(), 1.25);
        QVERIFY((canvas.widgetToRaster(cursor) - under).manhattanLength() < 1e-6);
    }

    void dragPansAndClickSelectsTile()
    {
        RasterSpec spec;
        spec.width = 1200;
        spec.height = 1200;
        DisplaySettings settings;
        auto raster = openRaster("pan.tif", spec, settings);
        MapCanvas canvas;
        QVERIFY(show(canvas, 600, 600));
        canvas.setRaster(raster, settings);
        TileGridOverlay grid;
        grid.setGrid(TileGrid(1200, 1200, 504, 0.0));
        canvas.addOverlay(&grid);
        connect(&canvas, &MapCanvas::clicked, &grid, &TileGridOverlay::handleClick);
        QSignalSpy selection(&grid, &TileGridOverlay::selectionChanged);

        canvas.setView(QPointF(600, 600), 1.0);
        QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(300, 300));
        QTest::mouseMove(&canvas, QPoint(320, 310));
        QTest::mouseMove(&canvas, QPoint(400, 350));
        QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(400, 350));
        QCOMPARE(canvas.center(), QPointF(500, 550)); // content moved right/down by (100, 50)
        QCOMPARE(selection.count(), 0); // a drag is not a click

        // Click on raster pixel (700, 300): tile column 1, row 0.
        const QPoint onTile1 = canvas.rasterToWidget(QPointF(700, 300)).toPoint();
        QTest::mouseClick(&canvas, Qt::LeftButton, Qt::NoModifier, onTile1);
        QCOMPARE(grid.selectedTiles(), QList<int>{1});
        const QPoint onTile3 = canvas.rasterToWidget(QPointF(100, 600)).toPoint();
        QTest::mouseClick(&canvas, Qt::LeftButton, Qt::ControlModifier, onTile3);
        QCOMPARE(grid.selectedTiles(), (QList<int>{1, 3}));
        QTest::mouseClick(&canvas, Qt::LeftButton, Qt::ControlModifier, onTile1);
        QCOMPARE(grid.selectedTiles(), QList<int>{3});
        QVERIFY(waitForTiles(canvas));
        const QImage picture = canvas.grab().toImage();
        // The selected tile is tinted orange: some pixel must be strongly red over blue.
        bool orange = false;
        for (int y = 0; y < picture.height() && !orange; y += 4)
            for (int x = 0; x < picture.width() && !orange; ++x) {
                const QColor c = picture.pixelColor(x, y);
                orange = c.red() > 200 && c.blue() < 80 && c.green() > 100 && c.green() < 180;
            }
        QVERIFY(orange);
        grid.setGrid(TileGrid(1200, 1200, 504, 0.5));
        QVERIFY(grid.selectedTiles().isEmpty()); // new grid, new ids
    }

    // The scene legend is drawn over the grid, never under a tile badge: a badge whose corner is
    // under the legend moves below it; long class names are elided with the full text on hover.
    void legendAndTileBadgesDoNotOverlap()
    {
        RasterSpec spec;
        spec.width = 1100;
        spec.height = 600;
        DisplaySettings settings;
        auto raster = openRaster("legend.tif", spec, settings);
        MapCanvas canvas;
        QVERIFY(show(canvas, 800, 500));
        canvas.setRaster(raster, settings);
        AnalysisLayer labels;
        TileGridOverlay grid;
        grid.setGrid(TileGrid(1100, 600, 504, 0.0));
        canvas.addOverlay(&labels);
        canvas.addOverlay(&grid);
        // Tile 1's top-left corner (raster 504, 0) at widget (740, 5): under the legend.
        canvas.setView(QPointF(164, 245), 1.0);
        QCOMPARE(canvas.rasterToWidget(QPointF(504, 0)), QPointF(740, 5));
        auto badgeOf = [&](int id) {
            for (const TileGridOverlay::Badge &b : grid.badges(canvas))
                if (b.tileId == id)
                    return b.rect;
            return QRectF();
        };
        QCOMPARE(badgeOf(1).topLeft(), QPointF(743, 8)); // no legend yet: the corner

        const TileGrid tiles(1100, 600, 504, 0.0);
        const QString sentence = QStringLiteral("a large airport with two runways, several terminals and "
                                                "many parked aircraft along the aprons");
        labels.setTileLabels({TileLabel{tiles.tile(0), "forest", 0.9, true, {}, {}},
                              TileLabel{tiles.tile(1), sentence, 0.0, false, {}, {}}});
        const QList<QRectF> areas = canvas.screenAreas();
        QCOMPARE(areas.size(), 1);
        const QRectF legend = areas.front();
        QVERIFY2(legend.width() < 320, qPrintable(QString::number(legend.width()))); // elided
        const std::vector<TileGridOverlay::Badge> badges = grid.badges(canvas);
        QVERIFY(!badges.empty());
        for (const TileGridOverlay::Badge &b : badges)
            QVERIFY2(!b.rect.intersects(legend), qPrintable(b.text));
        QVERIFY(badgeOf(1).top() > legend.bottom());
        QCOMPARE(badgeOf(1).left(), 743.0);

        // The full class on hover over its (elided) row; rows are in name order.
        QCOMPARE(labels.legendTextAt(canvas, QPointF(legend.center().x(), legend.top() + 8)), sentence + " (1)");
        QCOMPARE(labels.legendTextAt(canvas, QPointF(legend.center().x(), legend.bottom() - 8)), QString("forest (1)"));
        QCOMPARE(labels.legendTextAt(canvas, QPointF(20, 400)), QString());

        // Drawn on top: tile 1's cyan edge does not show through the legend.
        QVERIFY(waitForTiles(canvas));
        const QImage picture = canvas.grab().toImage();
        QVERIFY(picture.pixelColor(740, static_cast<int>(legend.center().y())).red() > 150);
    }

    void outlinesAndTurnsRegions()
    {
        RasterSpec spec;
        spec.width = 1200;
        spec.height = 1200;
        DisplaySettings settings;
        auto raster = openRaster("region.tif", spec, settings);
        MapCanvas canvas;
        QVERIFY(show(canvas, 600, 600));
        canvas.setRaster(raster, settings);
        canvas.setView(QPointF(600, 600), 1.0);
        QSignalSpy regions(&canvas, &MapCanvas::regionSelected);
        QSignalSpy clicks(&canvas, &MapCanvas::clicked);
        auto wheel = [&](QPoint at, int delta, Qt::KeyboardModifiers modifiers) {
            QWheelEvent event(at, canvas.mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::LeftButton, modifiers,
                              Qt::NoScrollPhase, false);
            QApplication::sendEvent(&canvas, &event);
        };

        // Shift+drag, turned by two wheel notches (30 degrees) and one Ctrl notch back (-1 degree).
        const QPoint from = canvas.rasterToWidget(QPointF(500, 520)).toPoint();
        const QPoint to = canvas.rasterToWidget(QPointF(700, 620)).toPoint();
        QTest::mousePress(&canvas, Qt::LeftButton, Qt::ShiftModifier, from);
        QTest::mouseMove(&canvas, to);
        const double scaleBefore = canvas.scale();
        wheel(to, 240, Qt::ShiftModifier);
        wheel(to, -120, Qt::ShiftModifier | Qt::ControlModifier);
        QCOMPARE(canvas.scale(), scaleBefore); // the wheel turned the region, it did not zoom
        // The turned outline is drawn: the yellow dashes reach outside the unturned rectangle.
        const QImage picture = canvas.grab().toImage();
        const QPoint outside = canvas.rasterToWidget(QPointF(600 + 30, 520 - 40)).toPoint(); // above the top edge
        bool yellowOutside = false;
        for (int dy = -6; dy <= 6 && !yellowOutside; ++dy)
            for (int dx = -60; dx <= 60 && !yellowOutside; ++dx) {
                const QColor c = picture.pixelColor(outside + QPoint(dx, dy));
                yellowOutside = c.red() > 200 && c.green() > 200 && c.blue() < 80;
            }
        QVERIFY(yellowOutside);
        QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::ShiftModifier, to);
        QCOMPARE(regions.count(), 1);
        const QRectF rect = regions.first().at(0).toRectF();
        QVERIFY(std::abs(rect.left() - 500) < 1.5 && std::abs(rect.top() - 520) < 1.5);
        QVERIFY(std::abs(rect.width() - 200) < 1.5 && std::abs(rect.height() - 100) < 1.5);
        QCOMPARE(regions.first().at(1).toDouble(), 29.0);
        QCOMPARE(clicks.count(), 0);

        // The region tool outlines without Shift, and starts each region unturned.
        canvas.setRegionToolActive(true);
        QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, from);
        QTest::mouseMove(&canvas, to);
        QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, to);
        QCOMPARE(regions.count(), 2);
        QCOMPARE(regions.at(1).at(1).toDouble(), 0.0);
        QCOMPARE(canvas.center(), QPointF(600, 600)); // no panning

        // Escape drops a region being dragged; its release is not a click either.
        QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, from);
        QTest::mouseMove(&canvas, to);
        QTest::keyClick(&canvas, Qt::Key_Escape);
        QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, to);
        QCOMPARE(regions.count(), 2);
        QCOMPARE(clicks.count(), 0);

        // With the tool off, a plain drag pans again.
        canvas.setRegionToolActive(false);
        QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(300, 300));
        QTest::mouseMove(&canvas, QPoint(320, 310));
        QTest::mouseMove(&canvas, QPoint(400, 350));
        QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(400, 350));
        QCOMPARE(canvas.center(), QPointF(500, 550));
        QCOMPARE(regions.count(), 2);
    }

    void memoryStaysBoundedOnAHugeRaster()
    {
        RasterSpec spec;
        spec.width = 40000;
        spec.height = 40000;
        spec.bands = 3;
        spec.tiled = true;
        spec.sparse = true;
        DisplaySettings settings;
        QElapsedTimer timer;
        timer.start();
        auto raster = openRaster("huge.tif", spec, settings);
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));

        MapCanvas canvas;
        canvas.setCacheBudget(8u * 1024 * 1024);
        QVERIFY(show(canvas, 800, 600));
        canvas.setRaster(raster, settings);
        // Visit many full-resolution places: the cache fills up and must stay within budget.
        for (int i = 0; i < 12; ++i) {
            canvas.setView(QPointF(1500 + i * 3100, 2000 + i * 2900), 1.0);
            QVERIFY(waitForTiles(canvas));
            QVERIFY(canvas.cacheCost() <= canvas.cacheBudget());
        }
        QVERIFY(canvas.cacheCost() > 4u * 1024 * 1024); // it did cache
    }

    void renderFailureIsReportedNotFatal()
    {
        RasterSpec spec;
        spec.width = 600;
        spec.height = 600;
        DisplaySettings settings;
        auto raster = openRaster("ok.tif", spec, settings);
        MapCanvas canvas;
        QVERIFY(show(canvas, 300, 300));
        QSignalSpy failed(&canvas, &MapCanvas::renderFailed);
        settings.stretch = DisplaySettings::Stretch::CumulativeCut; // without stretches: every render throws
        settings.stretches.clear();
        canvas.setRaster(raster, settings);
        QVERIFY(waitForTiles(canvas));
        QCOMPARE(failed.count(), 1);
    }
};

QTEST_MAIN(MapCanvasTest)
#include "tst_mapcanvas.moc"
