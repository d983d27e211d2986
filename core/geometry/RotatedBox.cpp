#include "geometry/RotatedBox.h"

#include "common/Error.h"

#include <cmath>
#include <locale>
#include <sstream>
#include <vector>

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

RotatedBox RotatedBox::parse(const std::string &text)
{
    const std::string grammar = "A region is x1,y1,x2,y2 or x1,y1,x2,y2,angle in raster pixels";
    std::vector<double> numbers;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        // The classic locale: a comma is the separator here, never a decimal point.
        std::istringstream in(item);
        in.imbue(std::locale::classic());
        double value = 0.0;
        in >> value;
        const bool whole = !in.fail() && (in >> std::ws).eof();
        if (!whole || !std::isfinite(value))
            throw InvalidArgument(grammar + ", and \"" + item + "\" in \"" + text + "\" is not a number.");
        numbers.push_back(value);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    if (numbers.size() != 4 && numbers.size() != 5)
        throw InvalidArgument(grammar + ": \"" + text + "\" has " + std::to_string(numbers.size()) + " number" +
                              (numbers.size() == 1 ? "" : "s") + ", not four or five.");
    if (numbers[0] == numbers[2] || numbers[1] == numbers[3])
        throw InvalidArgument(grammar + ": \"" + text + "\" has no area (x1 equals x2 or y1 equals y2).");
    return fromCorners(numbers[0], numbers[1], numbers[2], numbers[3], numbers.size() == 5 ? numbers[4] : 0.0);
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
