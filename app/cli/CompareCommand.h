#pragma once

#include <string>
#include <vector>

namespace geolens::cli {

// `compare FILE --teacher DIR --student DIR --task scene|refer|grounding|question --tiles i,j,k`:
// both models on the same tiles, side by side, with the time per tile and the agreement.
int runCompare(const std::vector<std::string> &args);

} // namespace geolens::cli
