#pragma once

#include "common/JsonIo.h"
#include "geometry/RotatedBox.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace geolens {

using Quadrilateral = std::array<Point2, 4>;

// How one answer's boxes met the ground truth.
struct BoxOutcome {
    int objects = 0;       // ground-truth objects
    int predicted = 0;     // boxes in the answer
    int hits50 = 0;        // objects matched at IoU >= 0.5
    int hits25 = 0;        // objects matched at IoU >= 0.25
    double bestIou = 0.0;  // the best IoU of any predicted box with any object
};

// Referring and grounding scores, per object: a ground-truth object is found at a threshold when a
// predicted box is matched to it one-to-one with at least that IoU. Matching is greedy over all
// (box, object) pairs by descending IoU, each box and each object used once (as TEOChat's scorer of
// GeoChat's benchmark does); acc@t is found objects over all objects. An answer without boxes finds
// nothing. Split by size group and by type. See docs/evaluation.md.
class BoxMetrics {
public:
    // Predicted boxes on the model's 0-100 grid as pixel corners of the original image: the model
    // saw it padded to a centred square, as GeoChat's preprocessing does.
    static std::vector<Quadrilateral> gridBoxesToPixels(const std::vector<RotatedBox> &gridBoxes, int imageWidth,
                                                        int imageHeight);
    // Objects matched one-to-one at IoU >= threshold.
    static int matchCount(const std::vector<Quadrilateral> &predicted, const std::vector<Quadrilateral> &truth,
                          double threshold);

    BoxOutcome add(const std::string &type, const std::string &sizeGroup, const std::vector<Quadrilateral> &truth,
                   const std::vector<Quadrilateral> &predicted);

    double accuracy50() const { return overall_.accuracy(true); }
    double accuracy25() const { return overall_.accuracy(false); }

    // {"questions", "objects", "acc@0.5", "acc@0.25", "answers_without_box",
    //  "by_size_group": {group: {...}}, "by_type": {type: {...}}}
    Json toJson() const;

private:
    struct Tally {
        std::int64_t questions = 0;
        std::int64_t objects = 0;
        std::int64_t hits50 = 0;
        std::int64_t hits25 = 0;
        std::int64_t withoutBox = 0;
        double accuracy(bool at50) const;
        Json toJson() const;
    };
    Tally overall_;
    std::map<std::string, Tally> bySize_;
    std::map<std::string, Tally> byType_;
};

} // namespace geolens
