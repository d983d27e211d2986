#pragma once

#include <string>

namespace geolens {

// How answers are compared with ground truth, following GeoChat's evaluation scripts; see
// docs/evaluation.md.

// GeoChat's scene comparison key: lower case without spaces and full stops ("Dense residential."
// and "denseresidential" give the same key). Underscores are dropped too, so that class folders
// written with them (NWPU-RESISC45's "baseball_diamond") compare like the others.
std::string sceneClassKey(const std::string &text);

// The key a VQA answer is compared by, as GeoChat's RSVQA scoring does it: lower case without
// spaces and full stops, so "Yes." matches "yes" and "Yes, there is." does not. Applied to both
// the answer and the ground truth (RSVQA's area answers have spaces).
std::string vqaAnswerKey(const std::string &text);

} // namespace geolens
