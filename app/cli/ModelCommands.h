#pragma once

#include <string>
#include <vector>

namespace geolens::cli {

// `generate --model DIR --image FILE --prompt TEXT [...]`: one answer, streamed or as JSON.
int runGenerate(const std::vector<std::string> &args);
// `bench [--model DIR | --random geochat-7b|geochat-13b|tiny] [...]`: speeds as JSON.
int runBench(const std::vector<std::string> &args);

} // namespace geolens::cli
