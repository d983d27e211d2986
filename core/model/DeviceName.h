#pragma once

#include "model/GeoChatModel.h"

#include <string>

namespace geolens {

// Sets options.device and options.cudaIndex from a device name as users write it: "auto", "cpu",
// "cuda" (the first GPU) or "cuda:N". Throws InvalidArgument naming the value otherwise.
void applyDeviceName(const std::string &name, ModelLoadOptions &options);

// The same for one rank of a data-parallel job whose ranks use devicesPerRank GPUs each: cuda:i
// becomes this rank's cuda:(localRank * devicesPerRank + i), and "auto", where it finds CUDA, takes
// the rank's first GPU. Throws InvalidArgument as applyDeviceName does.
void applyRankDeviceName(const std::string &name, int localRank, int devicesPerRank, ModelLoadOptions &options);

} // namespace geolens
