#pragma once

#include <string>
#include <vector>

namespace geolens::cli {

// `generate --model DIR --image FILE --prompt TEXT [...]`: one answer, streamed or as JSON.
int runGenerate(const std::vector<std::string> &args);

} // namespace geolens::cli
