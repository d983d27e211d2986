#pragma once

#include "model/GeoChatModel.h"

#include <string>

namespace geolens {

// Sets options.device and options.cudaIndex from a device name as users write it: "auto", "cpu",
// "cuda" (the first GPU) or "cuda:N". Throws InvalidArgument naming the value otherwise.
void applyDeviceName(const std::string &name, ModelLoadOptions &options);

} // namespace geolens
