#include "geometry/RotatedBox.h"

#include <cmath>

namespace geolens {

namespace {

constexpr double Pi = 3.14159265358979323846;

// cos and sin of an angle in degrees, exact at multiples of 90 degrees so that upright and quarter-
// turned boxes keep integer corners.
void cosSinDegrees(double degrees, double &c, double &s)
{
    const double reduced = std::fmod(degrees, 360.0);
    if (reduced == 0.0) {
        c = 1.0;
        s = 0.0;
    } else if (reduced == 90.0 || reduced == -270.0) {
        c = 0.0;
        s = 1.0;
    } else if (reduced == 180.0 || reduced == -180.0) {
        c = -1.0;
        s = 0.0;
    } else if (reduced == 270.0 || reduced == -90.0) {
        c = 0.0;
        s = -1.0;
    } else {
        const double radians = reduced * Pi / 180.0;
        c = std::cos(radians);
        s = std::sin(radians);
    }
}

} // namespace

RotatedBox RotatedBox::fromCorners(double x1, double y1, double x2, double y2, double angleDegrees)
{
    RotatedBox box;
    box.cx = (x1 + x2) / 2.0;
    box.cy = (y1 + y2) / 2.0;
    box.width = std::abs(x2 - x1);
    box.height = std::abs(y2 - y1);
    box.angleDegrees = angleDegrees;
    return box;
}

Point2 RotatedBox::mapFromBox(double dx, double dy) const
{
    double c = 1.0;
    double s = 0.0;
    cosSinDegrees(angleDegrees, c, s);
    // getRotationMatrix2D's matrix: [c s; -s c] applied to the offset, y pointing down.
    return {cx + dx * c + dy * s, cy - dx * s + dy * c};
}

std::array<Point2, 4> RotatedBox::corners() const
{
    const double hw = width / 2.0;
    const double hh = height / 2.0;
    return {mapFromBox(-hw, -hh), mapFromBox(hw, -hh), mapFromBox(hw, hh), mapFromBox(-hw, hh)};
}

double RotatedBox::area() const
{
    return std::abs(width) * std::abs(height);
}

double normaliseAngleDegrees(double angleDegrees)
{
    if (!std::isfinite(angleDegrees))
        return 0.0;
    double reduced = std::fmod(angleDegrees, 360.0); // (-360, 360), exact
    if (reduced <= -180.0)
        reduced += 360.0;
    else if (reduced > 180.0)
        reduced -= 360.0;
    return reduced == 0.0 ? 0.0 : reduced; // no -0
}

} // namespace geolens
