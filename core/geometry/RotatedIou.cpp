#include "geometry/RotatedIou.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace geolens {

namespace {

// A convex polygon with at most 8 vertices: clipping a quadrilateral by the four half-planes of
// another adds at most one vertex per edge. The spare room and the guard only matter for degenerate
// input, where rounding could make a line cross the outline more than twice.
struct SmallPolygon {
    static constexpr int Capacity = 16;
    Point2 points[Capacity];
    int count = 0;

    void add(const Point2 &p)
    {
        if (count < Capacity)
            points[count++] = p;
    }
};

bool isFinite(const RotatedBox &box)
{
    return std::isfinite(box.cx) && std::isfinite(box.cy) && std::isfinite(box.width) &&
           std::isfinite(box.height) && std::isfinite(box.angleDegrees);
}

double cross(const Point2 &o, const Point2 &a, const Point2 &b)
{
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

double signedArea(const Point2 *points, int count)
{
    double twice = 0.0;
    for (int i = 0; i < count; ++i) {
        const Point2 &p = points[i];
        const Point2 &q = points[(i + 1) % count];
        twice += p.x * q.y - q.x * p.y;
    }
    return twice / 2.0;
}

// The corners of a box with positive signed area (counter-clockwise in x/y terms), whatever the sign
// of its width and height.
SmallPolygon outline(const RotatedBox &box)
{
    RotatedBox upright = box;
    upright.width = std::abs(box.width);
    upright.height = std::abs(box.height);
    SmallPolygon polygon;
    for (const Point2 &p : upright.corners())
        polygon.add(p);
    return polygon;
}

// Keeps the part of the polygon on the left of the directed edge from a to b (the inside of a
// polygon with positive signed area). Points within tolerance of the line count as inside, so that
// shared edges neither vanish nor create slivers.
SmallPolygon clipByEdge(const SmallPolygon &polygon, const Point2 &a, const Point2 &b, double tolerance)
{
    SmallPolygon out;
    if (polygon.count == 0)
        return out;
    for (int i = 0; i < polygon.count; ++i) {
        const Point2 &current = polygon.points[i];
        const Point2 &next = polygon.points[(i + 1) % polygon.count];
        const double sc = cross(a, b, current);
        const double sn = cross(a, b, next);
        const bool currentInside = sc >= -tolerance;
        const bool nextInside = sn >= -tolerance;
        if (currentInside)
            out.add(current);
        if (currentInside != nextInside) {
            // The signs differ by more than the tolerance, so sc - sn is not zero.
            const double t = sc / (sc - sn);
            out.add({current.x + t * (next.x - current.x), current.y + t * (next.y - current.y)});
        }
    }
    return out;
}

} // namespace

double intersectionArea(const RotatedBox &a, const RotatedBox &b)
{
    if (!isFinite(a) || !isFinite(b) || !(a.area() > 0.0) || !(b.area() > 0.0))
        return 0.0;
    // Boxes whose circumscribed circles do not meet share nothing.
    const double reachA = std::hypot(a.width, a.height) / 2.0;
    const double reachB = std::hypot(b.width, b.height) / 2.0;
    if (std::hypot(a.cx - b.cx, a.cy - b.cy) > reachA + reachB)
        return 0.0;

    const SmallPolygon clipper = outline(b);
    SmallPolygon clipped = outline(a);
    // cross() of an edge of length L with a point at distance d is L * d: allow d of about 1e-12 of
    // the boxes' scale.
    const double scale =
        std::max({std::abs(a.width), std::abs(a.height), std::abs(b.width), std::abs(b.height)});
    const double tolerance = 1e-12 * scale * scale;
    for (int i = 0; i < clipper.count && clipped.count > 0; ++i)
        clipped = clipByEdge(clipped, clipper.points[i], clipper.points[(i + 1) % clipper.count], tolerance);
    if (clipped.count < 3)
        return 0.0;
    const double area = signedArea(clipped.points, clipped.count);
    if (!std::isfinite(area))
        return 0.0;
    return std::clamp(area, 0.0, std::min(a.area(), b.area()));
}

double quadrilateralIou(const std::array<Point2, 4> &a, const std::array<Point2, 4> &b)
{
    SmallPolygon pa;
    SmallPolygon pb;
    double scale = 0.0;
    for (int i = 0; i < 4; ++i) {
        if (!std::isfinite(a[i].x) || !std::isfinite(a[i].y) || !std::isfinite(b[i].x) || !std::isfinite(b[i].y))
            return 0.0;
        pa.add(a[i]);
        pb.add(b[i]);
        scale = std::max({scale, std::abs(a[i].x - a[0].x), std::abs(a[i].y - a[0].y), std::abs(b[i].x - b[0].x),
                          std::abs(b[i].y - b[0].y)});
    }
    // Either winding is accepted: clipping keeps the left of each edge, so turn both counter-clockwise.
    const auto orient = [](SmallPolygon &p) {
        if (signedArea(p.points, p.count) < 0.0)
            std::reverse(p.points, p.points + p.count);
    };
    orient(pa);
    orient(pb);
    const double areaA = signedArea(pa.points, pa.count);
    const double areaB = signedArea(pb.points, pb.count);
    if (!(areaA > 0.0) || !(areaB > 0.0))
        return 0.0;
    SmallPolygon clipped = pa;
    const double tolerance = 1e-12 * scale * scale;
    for (int i = 0; i < pb.count && clipped.count > 0; ++i)
        clipped = clipByEdge(clipped, pb.points[i], pb.points[(i + 1) % pb.count], tolerance);
    const double intersection =
        clipped.count < 3 ? 0.0 : std::clamp(signedArea(clipped.points, clipped.count), 0.0, std::min(areaA, areaB));
    const double unionArea = areaA + areaB - intersection;
    if (!(unionArea > 0.0) || !std::isfinite(unionArea))
        return 0.0;
    return std::clamp(intersection / unionArea, 0.0, 1.0);
}

double rotatedIou(const RotatedBox &a, const RotatedBox &b)
{
    const double intersection = intersectionArea(a, b);
    const double unionArea = a.area() + b.area() - intersection;
    if (!(unionArea > 0.0) || !std::isfinite(unionArea))
        return 0.0;
    return std::clamp(intersection / unionArea, 0.0, 1.0);
}

std::vector<std::size_t> nonMaximumSuppression(const std::vector<RotatedBox> &boxes,
                                               const std::vector<double> &scores, double iouThreshold)
{
    if (boxes.size() != scores.size())
        throw InvalidArgument("Non-maximum suppression needs one score per box, not " +
                              std::to_string(scores.size()) + " scores for " + std::to_string(boxes.size()) +
                              " boxes.");
    std::vector<std::size_t> order(boxes.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // NaN would break the ordering; it ranks below every number.
    const auto rank = [&](std::size_t i) {
        return std::isnan(scores[i]) ? -std::numeric_limits<double>::infinity() : scores[i];
    };
    std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
        const double ri = rank(i);
        const double rj = rank(j);
        if (ri != rj)
            return ri > rj;
        const bool nanI = std::isnan(scores[i]);
        const bool nanJ = std::isnan(scores[j]);
        if (nanI != nanJ)
            return nanJ; // -infinity before NaN
        return i < j;
    });

    std::vector<std::size_t> kept;
    for (const std::size_t candidate : order) {
        bool suppressed = false;
        for (const std::size_t k : kept) {
            if (rotatedIou(boxes[candidate], boxes[k]) > iouThreshold) {
                suppressed = true;
                break;
            }
        }
        if (!suppressed)
            kept.push_back(candidate);
    }
    return kept;
}

} // namespace geolens
