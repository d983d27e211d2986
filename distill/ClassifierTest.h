#pragma once

#include "common/JobProgress.h"

#include <string>

namespace geolens {

class AspectTargetTable;
class TileClassifier;

// How a trained classifier does on targets it was not trained on: a held-out teacher pass, or a
// class-folder benchmark run through the teacher.
struct ClassifierTestScore {
    int images = 0;
    bool truthKnown = false;       // every target has its folder's class
    double accuracy = 0.0;         // against the truth; 0 when it is not known
    double teacherAgreement = 0.0; // the classifier's class is the teacher's best class
    double aspectError = 0.0;      // mean |P - teacher's P| over images and aspects
    double seconds = 0.0;          // the classifier's time, reading the images excluded
};

// Throws InvalidArgument when the targets' classes or aspects are not the classifier's (in the
// same order), naming the first that differs.
ClassifierTestScore testTileClassifier(const TileClassifier &classifier, const AspectTargetTable &targets,
                                       const JobProgress &progress, int batch = 64);

} // namespace geolens
