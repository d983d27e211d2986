#pragma once

#include <array>
#include <string>

namespace geolens {

// A position in a continuous pixel frame: x grows to the right, y grows downwards, and pixel (i, j)
// covers [i, i + 1) x [j, j + 1).
struct Point2 {
    double x = 0.0;
    double y = 0.0;

    bool operator==(const Point2 &o) const { return x == o.x && y == o.y; }
};

// A rectangle of width x height centred on (cx, cy) and turned by angleDegrees about its centre,
// in a frame whose y axis points down (raster pixels, or GeoChat's 0-100 grid).
//
// Angle convention: positive angles turn the box counter-clockwise as seen on screen, as OpenCV's
// getRotationMatrix2D(centre, angle) does and as GeoChat's demo draws its boxes. A point at offset
// (dx, dy) from the centre goes to
//     (cx + dx cos a + dy sin a,  cy - dx sin a + dy cos a),
// so with a = 90 a point to the right of the centre ends up above it on screen.
struct RotatedBox {
    double cx = 0.0;
    double cy = 0.0;
    double width = 0.0;
    double height = 0.0;
    double angleDegrees = 0.0;

    // The box spanning the axis-aligned corners (x1, y1) and (x2, y2), then turned by the angle about
    // its centre. Reversed corners give the same box (width and height are never negative).
    static RotatedBox fromCorners(double x1, double y1, double x2, double y2, double angleDegrees = 0.0);

    // A region as people type it: "x1,y1,x2,y2" or "x1,y1,x2,y2,angle" (corners in raster pixels,
    // the angle in degrees as above; spaces around the numbers are allowed). Corners in either
    // order give the same box, as in fromCorners. Throws InvalidArgument with a sentence naming the
    // text when it is not four or five finite numbers or when the box has no area.
    static RotatedBox parse(const std::string &text);

    // The corners of the unturned box in the order top-left, top-right, bottom-right, bottom-left
    // (clockwise on screen, a positive signed area in x/y terms), each turned about the centre.
    std::array<Point2, 4> corners() const;

    // The point at offset (dx, dy) from the centre of the unturned box, turned with it.
    Point2 mapFromBox(double dx, double dy) const;

    double area() const; // |width| * |height|: turning does not change it
};

// The same angle in (-180, 180] degrees; NaN and infinities give 0.
double normaliseAngleDegrees(double angleDegrees);

} // namespace geolens
