#pragma once

#include <string>
#include <vector>

namespace geolens::cli {

// geolens-cli evaluate: models against a benchmark's ground truth; the report folder's files.
int runEvaluate(const std::vector<std::string> &args);

} // namespace geolens::cli
