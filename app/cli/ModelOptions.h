#pragma once

#include "model/GeoChatModel.h"

namespace geolens::cli {

class CliArguments;

// --device, --dtype, --image-size and --threads, shared by the verbs that load a model.
// Throws UsageError for a value that is not one of the choices.
ModelLoadOptions loadOptions(const CliArguments &arguments);

} // namespace geolens::cli
