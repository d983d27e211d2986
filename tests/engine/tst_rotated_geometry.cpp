#include "common/Error.h"
#include "geometry/BoxParser.h"
#include "geometry/RotatedBox.h"
#include "geometry/RotatedIou.h"
#include "geometry/TileFrame.h"
#include "geometry/TileGrid.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <vector>

using geolens::bestTileFor;
using geolens::InvalidArgument;
using geolens::nonMaximumSuppression;
using geolens::normaliseAngleDegrees;
using geolens::Point2;
using geolens::RotatedBox;
using geolens::rotatedIou;
using geolens::Tile;
using geolens::TileFrame;
using geolens::TileGrid;

namespace {

constexpr double Pi = 3.14159265358979323846;

bool near(double a, double b, double tolerance = 1e-9)
{
    return std::abs(a - b) <= tolerance;
}

bool nearPoint(const Point2 &p, double x, double y, double tolerance = 1e-9)
{
    return near(p.x, x, tolerance) && near(p.y, y, tolerance);
}

bool nearBox(const RotatedBox &a, const RotatedBox &b, double tolerance = 1e-9)
{
    return near(a.cx, b.cx, tolerance) && near(a.cy, b.cy, tolerance) && near(a.width, b.width, tolerance) &&
           near(a.height, b.height, tolerance) && near(a.angleDegrees, b.angleDegrees, tolerance);
}

// OpenCV's getRotationMatrix2D(centre, angle, 1), written out: the reference for the convention.
Point2 openCvRotate(const Point2 &p, const Point2 &centre, double angleDegrees)
{
    const double alpha = std::cos(angleDegrees * Pi / 180.0);
    const double beta = std::sin(angleDegrees * Pi / 180.0);
    return {alpha * p.x + beta * p.y + (1 - alpha) * centre.x - beta * centre.y,
            -beta * p.x + alpha * p.y + beta * centre.x + (1 - alpha) * centre.y};
}

// Turns a box about the origin: the frame turns with it, so overlaps must not change.
RotatedBox turnedAboutOrigin(const RotatedBox &box, double degrees)
{
    const double c = std::cos(degrees * Pi / 180.0);
    const double s = std::sin(degrees * Pi / 180.0);
    return {box.cx * c + box.cy * s, -box.cx * s + box.cy * c, box.width, box.height,
            box.angleDegrees + degrees};
}

// The largest margin the box keeps inside a tile's valid area, tile by tile: the brute-force
// reference for bestTileFor.
std::optional<int> bestTileByBruteForce(const TileGrid &grid, const RotatedBox &box)
{
    double left = 1e300, top = 1e300, right = -1e300, bottom = -1e300;
    for (const Point2 &p : box.corners()) {
        left = std::min(left, p.x);
        top = std::min(top, p.y);
        right = std::max(right, p.x);
        bottom = std::max(bottom, p.y);
    }
    std::optional<int> best;
    double bestMargin = -1;
    for (int id = 0; id < grid.count(); ++id) {
        const Tile t = grid.tile(id);
        const double margin = std::min({left - t.xOff, top - t.yOff, t.xOff + t.validWidth - right,
                                        t.yOff + t.validHeight - bottom});
        if (margin >= 0 && margin > bestMargin) {
            bestMargin = margin;
            best = id;
        }
    }
    return best;
}

} // namespace

class RotatedGeometryTest : public QObject {
    Q_OBJECT

private slots:
    void uprightCornersAndArea()
    {
        const RotatedBox box = RotatedBox::fromCorners(10, 20, 30, 60);
        QCOMPARE(box.cx, 20.0);
        QCOMPARE(box.cy, 40.0);
        QCOMPARE(box.width, 20.0);
        QCOMPARE(box.height, 40.0);
        QCOMPARE(box.area(), 800.0);
        const auto c = box.corners();
        // Top-left, top-right, bottom-right, bottom-left: clockwise on screen.
        QCOMPARE(c[0], (Point2{10, 20}));
        QCOMPARE(c[1], (Point2{30, 20}));
        QCOMPARE(c[2], (Point2{30, 60}));
        QCOMPARE(c[3], (Point2{10, 60}));
        // Reversed corners make the same box.
        const RotatedBox reversed = RotatedBox::fromCorners(30, 60, 10, 20, 15);
        QCOMPARE(reversed.width, 20.0);
        QCOMPARE(reversed.height, 40.0);
        QCOMPARE(reversed.angleDegrees, 15.0);
    }

    void quarterTurnCorners()
    {
        // 4 x 2 box centred on (10, 20) turned by +90: counter-clockwise on screen, y pointing down,
        // so its top-left corner swings to the bottom-left and it stands 2 wide and 4 tall.
        const RotatedBox box{10, 20, 4, 2, 90};
        const auto c = box.corners();
        QCOMPARE(c[0], (Point2{9, 22}));
        QCOMPARE(c[1], (Point2{9, 18}));
        QCOMPARE(c[2], (Point2{11, 18}));
        QCOMPARE(c[3], (Point2{11, 22}));
        QCOMPARE(box.area(), 8.0);
    }

    void positiveAnglesTurnCounterClockwiseOnScreen()
    {
        const RotatedBox box{100, 100, 10, 10, 90};
        // A point to the right of the centre ends up above it (smaller y) on screen.
        QVERIFY(nearPoint(box.mapFromBox(1, 0), 100, 99));
        // ... and a point above it ends up on its left.
        QVERIFY(nearPoint(box.mapFromBox(0, -1), 99, 100));
        const RotatedBox slight{0, 0, 2, 2, 30};
        const Point2 p = slight.mapFromBox(1, 0);
        QVERIFY(p.x > 0 && p.y < 0);
        QVERIFY(nearPoint(p, std::cos(Pi / 6), -std::sin(Pi / 6)));
        const RotatedBox clockwise{0, 0, 2, 2, -30};
        QVERIFY(clockwise.mapFromBox(1, 0).y > 0);
    }

    void cornersMatchOpenCvRotationMatrix()
    {
        for (const double angle : {0.0, 37.0, -58.0, 90.0, 135.5, 180.0, -179.0}) {
            const RotatedBox box = RotatedBox::fromCorners(12, 30, 40, 45, angle);
            const RotatedBox upright = RotatedBox::fromCorners(12, 30, 40, 45);
            const auto turned = box.corners();
            const auto straight = upright.corners();
            for (int i = 0; i < 4; ++i) {
                const Point2 expected = openCvRotate(straight[i], {box.cx, box.cy}, angle);
                QVERIFY2(nearPoint(turned[i], expected.x, expected.y), qPrintable(QString::number(angle)));
            }
        }
    }

    void angleNormalisation()
    {
        QCOMPARE(normaliseAngleDegrees(0), 0.0);
        QCOMPARE(normaliseAngleDegrees(180), 180.0);
        QCOMPARE(normaliseAngleDegrees(-180), 180.0);
        QCOMPARE(normaliseAngleDegrees(190), -170.0);
        QCOMPARE(normaliseAngleDegrees(-190), 170.0);
        QCOMPARE(normaliseAngleDegrees(720), 0.0);
        QCOMPARE(normaliseAngleDegrees(-360), 0.0);
        QVERIFY(!std::signbit(normaliseAngleDegrees(-360)));
        QCOMPARE(normaliseAngleDegrees(std::nan("")), 0.0);
        QCOMPARE(normaliseAngleDegrees(INFINITY), 0.0);
    }

    void parsesRegions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("cx");
        QTest::addColumn<double>("cy");
        QTest::addColumn<double>("width");
        QTest::addColumn<double>("height");
        QTest::addColumn<double>("angle");
        QTest::newRow("four numbers") << "60,600,300,760" << 180.0 << 680.0 << 240.0 << 160.0 << 0.0;
        QTest::newRow("with an angle") << "300,200,420,300,30" << 360.0 << 250.0 << 120.0 << 100.0 << 30.0;
        QTest::newRow("spaces and fractions") << " 0.5 , 1.5,10.5 ,  21.5 , -12.5 " << 5.5 << 11.5 << 10.0 << 20.0 << -12.5;
        QTest::newRow("reversed corners") << "300,760,60,600" << 180.0 << 680.0 << 240.0 << 160.0 << 0.0;
        QTest::newRow("exponent") << "1e2,0,2e2,50" << 150.0 << 25.0 << 100.0 << 50.0 << 0.0;
    }

    void parsesRegions()
    {
        QFETCH(QString, text);
        QFETCH(double, cx);
        QFETCH(double, cy);
        QFETCH(double, width);
        QFETCH(double, height);
        QFETCH(double, angle);
        const RotatedBox box = RotatedBox::parse(text.toStdString());
        QVERIFY2(nearBox(box, RotatedBox{cx, cy, width, height, angle}),
                 qPrintable(QString("%1 %2 %3 %4 %5").arg(box.cx).arg(box.cy).arg(box.width).arg(box.height).arg(box.angleDegrees)));
    }

    void rejectsBadRegionsWithAMessage_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("empty") << "" << "\"\" in \"\" is not a number";
        QTest::newRow("three numbers") << "1,2,3" << "has 3 numbers, not four or five";
        QTest::newRow("six numbers") << "1,2,3,4,5,6" << "has 6 numbers, not four or five";
        QTest::newRow("a word") << "1,2,three,4" << "\"three\" in \"1,2,three,4\" is not a number";
        QTest::newRow("trailing junk") << "1,2,3,4px" << "\"4px\"";
        QTest::newRow("empty field") << "1,,3,4" << "\"\" in \"1,,3,4\" is not a number";
        QTest::newRow("trailing comma") << "1,2,3,4," << "is not a number";
        QTest::newRow("not finite") << "1,2,inf,4" << "\"inf\"";
        QTest::newRow("nan angle") << "1,2,3,4,nan" << "\"nan\"";
        QTest::newRow("decimal comma") << "1;2;3;4" << "is not a number";
        QTest::newRow("no width") << "5,2,5,4" << "has no area";
        QTest::newRow("no height") << "1,7,3,7,10" << "has no area";
    }

    void rejectsBadRegionsWithAMessage()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        try {
            RotatedBox::parse(text.toStdString());
            QFAIL("no error");
        } catch (const InvalidArgument &e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.startsWith("A region is x1,y1,x2,y2 or x1,y1,x2,y2,angle in raster pixels"), qPrintable(message));
            QVERIFY2(message.contains(says), qPrintable(message));
            QVERIFY2(message.endsWith('.'), qPrintable(message));
        }
    }

    void iouOfHandComputedCases()
    {
        const RotatedBox a{5, 5, 2, 2, 0};
        QVERIFY(near(rotatedIou(a, a), 1.0));
        QVERIFY(near(rotatedIou(RotatedBox{5, 5, 3, 1, 33}, RotatedBox{5, 5, 3, 1, 33}), 1.0));
        QCOMPARE(rotatedIou(a, RotatedBox{50, 5, 2, 2, 0}), 0.0);
        // Sharing only an edge: no area in common.
        QVERIFY(near(rotatedIou(a, RotatedBox{7, 5, 2, 2, 0}), 0.0));

        // Two unit squares offset by half a side: 0.5 / 1.5.
        const RotatedBox unit = RotatedBox::fromCorners(0, 0, 1, 1);
        QVERIFY(near(geolens::intersectionArea(unit, RotatedBox::fromCorners(0.5, 0, 1.5, 1)), 0.5));
        QVERIFY(near(rotatedIou(unit, RotatedBox::fromCorners(0.5, 0, 1.5, 1)), 1.0 / 3.0));
        // Offset diagonally by half: 0.25 / 1.75.
        QVERIFY(near(rotatedIou(unit, RotatedBox::fromCorners(0.5, 0.5, 1.5, 1.5)), 1.0 / 7.0));

        // A square and the same square turned by 45 degrees share a regular octagon with inradius
        // s/2: area 8 (s/2)^2 tan(22.5 deg) = 2 (sqrt 2 - 1) s^2.
        for (const double side : {1.0, 7.0, 504.0}) {
            const RotatedBox square{3, -2, side, side, 0};
            RotatedBox turned = square;
            turned.angleDegrees = 45;
            const double octagon = 2 * (std::sqrt(2.0) - 1) * side * side;
            QVERIFY(near(geolens::intersectionArea(square, turned), octagon, 1e-12 * side * side));
            QVERIFY(near(rotatedIou(square, turned), octagon / (2 * side * side - octagon)));
        }

        // A 4 x 2 box and its quarter turn share a 2 x 2 square: 4 / (8 + 8 - 4).
        QVERIFY(near(rotatedIou(RotatedBox{0, 0, 4, 2, 0}, RotatedBox{0, 0, 4, 2, 90}), 1.0 / 3.0));
        // A box inside another: the small area over the large one.
        QVERIFY(near(rotatedIou(RotatedBox{0, 0, 10, 10, 20}, RotatedBox{0, 0, 2, 3, 70}), 6.0 / 100.0));
        // Negative sizes count as their magnitude; degenerate boxes overlap nothing.
        QVERIFY(near(rotatedIou(RotatedBox{0, 0, -4, 2, 0}, RotatedBox{0, 0, 4, -2, 90}), 1.0 / 3.0));
        QCOMPARE(rotatedIou(RotatedBox{0, 0, 0, 2, 0}, RotatedBox{0, 0, 0, 2, 0}), 0.0);
        QCOMPARE(rotatedIou(RotatedBox{0, 0, NAN, 2, 0}, RotatedBox{0, 0, 2, 2, 0}), 0.0);
    }

    void iouIsSymmetricAndFrameIndependent()
    {
        std::mt19937 random(42u);
        std::uniform_real_distribution<double> position(-20, 20);
        std::uniform_real_distribution<double> size(0.5, 30);
        std::uniform_real_distribution<double> angle(-180, 180);
        for (int i = 0; i < 2000; ++i) {
            const RotatedBox a{position(random), position(random), size(random), size(random), angle(random)};
            const RotatedBox b{position(random), position(random), size(random), size(random), angle(random)};
            const double iou = rotatedIou(a, b);
            QVERIFY(iou >= 0 && iou <= 1);
            QVERIFY(near(iou, rotatedIou(b, a), 1e-9));
            const double turn = angle(random);
            QVERIFY(near(iou, rotatedIou(turnedAboutOrigin(a, turn), turnedAboutOrigin(b, turn)), 1e-9));
            // Half a turn maps a box onto itself.
            RotatedBox flipped = a;
            flipped.angleDegrees += 180;
            QVERIFY(near(rotatedIou(a, flipped), 1.0, 1e-9));
        }
    }

    void nonMaximumSuppressionOrderAndSuppression()
    {
        const std::vector<RotatedBox> boxes = {
            {10, 10, 10, 10, 0},   // 0: score 0.8
            {11, 10, 10, 10, 0},   // 1: IoU 9/11 with box 0, score 0.9
            {50, 50, 10, 10, 0},   // 2: alone, score 0.7
            {80, 80, 10, 10, 0},   // 3: score 0.7 (tie with 2)
            {80, 80, 10, 10, 45},  // 4: overlaps 3 (IoU ~0.71), score 0.7
            {200, 200, 4, 4, 0},   // 5: NaN score, alone
        };
        const std::vector<double> scores = {0.8, 0.9, 0.7, 0.7, 0.7, std::nan("")};
        QCOMPARE(nonMaximumSuppression(boxes, scores, 0.5), (std::vector<std::size_t>{1, 2, 3, 5}));
        // A looser threshold keeps the overlapping ones, highest score first, ties by index.
        QCOMPARE(nonMaximumSuppression(boxes, scores, 0.95), (std::vector<std::size_t>{1, 0, 2, 3, 4, 5}));
        // IoU equal to the threshold is kept; only larger IoU suppresses.
        const std::vector<RotatedBox> halves = {RotatedBox::fromCorners(0, 0, 1, 1),
                                                RotatedBox::fromCorners(0.5, 0, 1.5, 1)};
        const double third = rotatedIou(halves[0], halves[1]);
        QCOMPARE(nonMaximumSuppression(halves, {1.0, 1.0}, third), (std::vector<std::size_t>{0, 1}));
        QCOMPARE(nonMaximumSuppression(halves, {1.0, 2.0}, third - 1e-6), (std::vector<std::size_t>{1}));
        QVERIFY(nonMaximumSuppression({}, {}, 0.5).empty());
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, nonMaximumSuppression(halves, {1.0}, 0.5));
    }

    void tileFrameOfAWholeTile()
    {
        const TileGrid grid(1100, 600, 504, 0.25); // stride 378: tiles at 0, 378, 756 and 0, 378
        QCOMPARE(grid.stride(), 378);
        const Tile t = grid.tileAt(1, 1);
        const TileFrame frame = TileFrame::fullTile(t);
        QCOMPARE(frame.originX(), 378.0);
        QCOMPARE(frame.originY(), 378.0);
        QCOMPARE(frame.side(), 504.0);
        QVERIFY(nearPoint(frame.gridToPixel(Point2{0, 0}), 378, 378));
        QVERIFY(nearPoint(frame.gridToPixel(Point2{100, 100}), 882, 882));
        QVERIFY(nearPoint(frame.gridToPixel(Point2{50, 25}), 630, 504));
        QVERIFY(nearPoint(frame.pixelToGrid(Point2{630, 504}), 50, 25));

        // The angle survives, the size scales by side / 100.
        const RotatedBox grid30{40, 60, 10, 5, 30};
        const RotatedBox pixels = frame.gridToPixel(grid30);
        QVERIFY(nearBox(pixels, RotatedBox{378 + 40 * 5.04, 378 + 60 * 5.04, 50.4, 25.2, 30}));
        QVERIFY(nearBox(frame.pixelToGrid(pixels), grid30));
        // Mapping the box is mapping its corners.
        const auto gridCorners = grid30.corners();
        const auto pixelCorners = pixels.corners();
        for (int i = 0; i < 4; ++i) {
            const Point2 expected = frame.gridToPixel(gridCorners[i]);
            QVERIFY(nearPoint(pixelCorners[i], expected.x, expected.y, 1e-9));
        }
    }

    void tileFrameOfAValidPartPaddedToASquare()
    {
        const TileGrid grid(1100, 600, 504, 0.25);
        // Bottom-right tile: 344 x 222 valid pixels, padded to 344 x 344 with 61 rows above.
        const Tile corner = grid.tileAt(2, 1);
        QCOMPARE(corner.validWidth, 344);
        QCOMPARE(corner.validHeight, 222);
        const TileFrame cornerFrame = TileFrame::validPart(corner);
        QCOMPARE(cornerFrame.side(), 344.0);
        QCOMPARE(cornerFrame.originX(), 756.0);
        QCOMPARE(cornerFrame.originY(), 378.0 - 61);
        // The grid's centre is the valid area's centre.
        QVERIFY(nearPoint(cornerFrame.gridToPixel(Point2{50, 50}), 756 + 172, 378 + 111));

        // Right column: 344 wide, full height: 80 columns of padding on the left.
        const TileFrame right = TileFrame::validPart(grid.tileAt(2, 0));
        QCOMPARE(right.side(), 504.0);
        QCOMPARE(right.originX(), 756.0 - 80);
        QCOMPARE(right.originY(), 0.0);
        // Bottom row: full width, 222 tall: 141 rows of padding above.
        const TileFrame bottom = TileFrame::validPart(grid.tileAt(0, 1));
        QCOMPARE(bottom.originX(), 0.0);
        QCOMPARE(bottom.originY(), 378.0 - 141);
        // An inner tile is already square: the same frame as the whole tile.
        const TileFrame inner = TileFrame::validPart(grid.tileAt(0, 0));
        QCOMPARE(inner.originX(), 0.0);
        QCOMPARE(inner.side(), 504.0);

        // An odd difference rounds the padding down, as expand2square does: (345 - 222) / 2 = 61.
        const TileGrid odd(1101, 600, 504, 0.25);
        const TileFrame oddFrame = TileFrame::validPart(odd.tileAt(2, 1));
        QCOMPARE(oddFrame.side(), 345.0);
        QCOMPARE(oddFrame.originY(), 378.0 - 61);

        // Grid -> pixel -> grid round trips in every tile.
        for (int id = 0; id < grid.count(); ++id) {
            const Tile t = grid.tile(id);
            for (const TileFrame &f : {TileFrame::fullTile(t), TileFrame::validPart(t)}) {
                const RotatedBox box{33, 71, 12, 7, -75};
                QVERIFY(nearBox(f.pixelToGrid(f.gridToPixel(box)), box, 1e-9));
                const Point2 p = f.pixelToGrid(f.gridToPixel(Point2{3, 97}));
                QVERIFY(nearPoint(p, 3, 97));
            }
        }
    }

    void identifyPromptFromADrawnRectangle()
    {
        const TileGrid grid(1100, 600, 504, 0.25);
        const Tile corner = grid.tileAt(2, 1);
        const TileFrame frame = TileFrame::validPart(corner);
        // A rectangle drawn over raster pixels 800..900 x 420..470.
        const RotatedBox drawn = RotatedBox::fromCorners(800, 420, 900, 470);
        QCOMPARE(bestTileFor(grid, drawn).value(), corner.id);
        const std::string box = geolens::formatBox(frame.pixelToGrid(drawn));
        // (800 - 756) / 3.44 = 12.8, (420 - 317) / 3.44 = 29.9, (900 - 756) / 3.44 = 41.9,
        // (470 - 317) / 3.44 = 44.5 (just under).
        QCOMPARE(box, std::string("{<13><30><42><44>|<0>}"));
        // Reading it back lands within one grid unit of what was drawn.
        const auto parsed = geolens::parseBoxes(box);
        QCOMPARE(parsed.boxes.size(), std::size_t(1));
        const RotatedBox back = frame.gridToPixel(parsed.boxes[0].gridBox());
        QVERIFY(nearBox(back, drawn, frame.pixelsPerGridUnit()));
    }

    void invalidFrames()
    {
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileFrame(0, 0, 0));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileFrame(0, 0, -5));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileFrame(0, 0, std::nan("")));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, TileFrame(INFINITY, 0, 10));
    }

    void bestTileWithOverlap()
    {
        const TileGrid grid(1000, 504, 504, 0.5); // stride 252: tiles at 0, 252, 504 (496 valid)
        QCOMPARE(grid.columns(), 3);
        // x 300..340: tile 0 leaves 164 px on the right, tile 1 only 48 on the left.
        QCOMPARE(bestTileFor(grid, RotatedBox::fromCorners(300, 200, 340, 300)).value(), 0);
        // x 480..520 crosses tile 0's edge; tile 1 holds it with 228 px to spare.
        QCOMPARE(bestTileFor(grid, RotatedBox::fromCorners(480, 200, 520, 300)).value(), 1);
        // x 900..990 only fits the last tile.
        QCOMPARE(bestTileFor(grid, RotatedBox::fromCorners(900, 200, 990, 300)).value(), 2);
        // Equal margins (100 px in tiles 0 and 1): the lower id.
        QCOMPARE(bestTileFor(grid, RotatedBox::fromCorners(352, 150, 404, 350)).value(), 0);
        // Wider than any tile, outside the raster, or in the padding: no tile.
        QVERIFY(!bestTileFor(grid, RotatedBox::fromCorners(100, 100, 700, 200)).has_value());
        QVERIFY(!bestTileFor(grid, RotatedBox::fromCorners(-10, 100, 40, 200)).has_value());
        QVERIFY(!bestTileFor(grid, RotatedBox::fromCorners(960, 100, 1010, 200)).has_value());
        QVERIFY(!bestTileFor(grid, RotatedBox{NAN, 100, 10, 10, 0}).has_value());
        // Turning counts: a 100 px square fits upright at x 10..110 but not turned by 45 degrees.
        QCOMPARE(bestTileFor(grid, RotatedBox{60, 252, 100, 100, 0}).value(), 0);
        QVERIFY(!bestTileFor(grid, RotatedBox{60, 252, 100, 100, 45}).has_value());
    }

    void bestTileMatchesBruteForce()
    {
        std::mt19937 random(99u);
        for (const double overlap : {0.0, 0.2, 0.5}) {
            const TileGrid grid(2000, 1300, 504, overlap);
            std::uniform_real_distribution<double> x(-50, 2050);
            std::uniform_real_distribution<double> y(-50, 1350);
            std::uniform_real_distribution<double> size(1, 400);
            std::uniform_real_distribution<double> angle(-180, 180);
            for (int i = 0; i < 3000; ++i) {
                const RotatedBox box{x(random), y(random), size(random), size(random), angle(random)};
                QCOMPARE(bestTileFor(grid, box), bestTileByBruteForce(grid, box));
            }
        }
    }
};

QTEST_APPLESS_MAIN(RotatedGeometryTest)
#include "tst_rotated_geometry.moc"
