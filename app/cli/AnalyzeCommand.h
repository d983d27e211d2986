#pragma once

#include <string>
#include <vector>

namespace geolens::cli {

class CliArguments;

// `analyze FILE --model DIR --task scene [...] --out FILE.gpkg|.geojson|.csv`.
int runAnalyze(const std::vector<std::string> &args);

// The classes of --classes "a,b,c" or --preset ucm|aid|nwpu; throws UsageError naming subject
// ("scene labelling") when there are none, or both options are given.
std::vector<std::string> sceneClasses(const CliArguments &arguments, const std::string &subject);

} // namespace geolens::cli
