#include "model/DeviceName.h"

#include "common/Error.h"
#include "distributed/LaunchEnvironment.h"

#include <algorithm>

namespace geolens {

void applyDeviceName(const std::string &name, ModelLoadOptions &options)
{
    options.cudaIndex = 0;
    if (name == "auto") {
        options.device = ComputeDevice::Auto;
        return;
    }
    if (name == "cpu") {
        options.device = ComputeDevice::Cpu;
        return;
    }
    const std::string digits = name.rfind("cuda:", 0) == 0 ? name.substr(5) : std::string();
    const bool indexed = !digits.empty() && digits.size() <= 3 &&
                         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (name != "cuda" && !indexed)
        throw InvalidArgument("The device must be auto, cpu, cuda or cuda:N (N a GPU number), not '" + name + "'.");
    options.device = ComputeDevice::Cuda;
    if (indexed)
        options.cudaIndex = std::stoi(digits);
}

void applyRankDeviceName(const std::string &name, int localRank, int devicesPerRank, ModelLoadOptions &options)
{
    applyDeviceName(name, options); // refuses a name that is no device before it is renumbered
    applyDeviceName(rankDeviceName(name, localRank, devicesPerRank), options);
    if (name == "auto")
        options.cudaIndex = localRank * std::max(1, devicesPerRank);
}

} // namespace geolens
