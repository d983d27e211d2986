#pragma once

#include <string>
#include <vector>

namespace geolens::cli {

// `distill --teacher DIR --student DIR --data FILE.json --images DIR --out RUN_DIR [...]`: one
// distillation run (or its continuation with --resume), as the wizard also starts it.
int runDistill(const std::vector<std::string> &args);

} // namespace geolens::cli
