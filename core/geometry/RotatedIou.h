#pragma once

#include "geometry/RotatedBox.h"

#include <array>
#include <cstddef>
#include <vector>

namespace geolens {

// Overlap of rotated boxes, for merging the detections of overlapping tiles and scoring them against
// references. Both boxes must be in the same frame; the angle convention does not matter here as
// long as it is the same for both.

// The exact area the two boxes share: one box's outline clipped by each edge of the other
// (Sutherland-Hodgman on two convex quadrilaterals). Negative sizes count as their magnitude.
double intersectionArea(const RotatedBox &a, const RotatedBox &b);

// Intersection over union, in [0, 1]; 0 when the union has no area (two degenerate boxes).
double rotatedIou(const RotatedBox &a, const RotatedBox &b);

// Intersection over union of two convex quadrilaterals given by their corners in order (either
// winding), such as the ground-truth polygons of GeoChat's referring benchmark; 0 for a degenerate
// one. A non-convex quadrilateral gives an approximate value.
double quadrilateralIou(const std::array<Point2, 4> &a, const std::array<Point2, 4> &b);

// Greedy non-maximum suppression: takes boxes by descending score (equal scores by index, NaN scores
// last) and keeps each one whose IoU with every box kept before it is at most iouThreshold.
// Returns the kept indices in the order they were taken. Throws InvalidArgument when the two lists
// differ in length.
std::vector<std::size_t> nonMaximumSuppression(const std::vector<RotatedBox> &boxes,
                                               const std::vector<double> &scores, double iouThreshold);

} // namespace geolens
