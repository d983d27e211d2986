#pragma once

#include <string>
#include <vector>

namespace geolens::cli {

// geolens-cli paper-tables: report folders joined into the paper's tables 3-8.
int runPaperTables(const std::vector<std::string> &args);

} // namespace geolens::cli
