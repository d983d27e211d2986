#pragma once

#include "model/GeoChatModel.h"

#include <string>

namespace geolens::cli {

class CliArguments;

// --device, --dtype, --quantize, --image-size and --threads, shared by the verbs that load a model.
// Throws UsageError for a value that is not one of the choices.
ModelLoadOptions loadOptions(const CliArguments &arguments);

// Sets the device of options from the value of --option (auto, cpu, cuda or cuda:N); throws
// UsageError naming the option otherwise.
void applyDevice(const std::string &value, const std::string &option, ModelLoadOptions &options);

} // namespace geolens::cli
