#include "model/DeviceName.h"

#include "common/Error.h"

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

} // namespace geolens
