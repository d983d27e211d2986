#pragma once

#include <string>
#include <vector>

namespace geolens {
struct LaunchEnvironment;
struct ModelLoadOptions;
} // namespace geolens

namespace geolens::cli {

class CliArguments;

// geolens-cli evaluate: models against a benchmark's ground truth; the report folder's files.
int runEvaluate(const std::vector<std::string> &args);
// loadOptions() for one rank of a data-parallel run: its own GPU, cuda:(N + LOCAL_RANK) for
// --device cuda:N and auto (on a machine with CUDA); the same as loadOptions() for one process.
ModelLoadOptions rankLoadOptions(const CliArguments &arguments, const LaunchEnvironment &environment);

} // namespace geolens::cli
