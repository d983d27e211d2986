#pragma once

#include <string>
#include <vector>

namespace geolens::cli {

// `analyze FILE --model DIR --task scene [...] --out FILE.gpkg|.geojson|.csv`.
int runAnalyze(const std::vector<std::string> &args);

} // namespace geolens::cli
