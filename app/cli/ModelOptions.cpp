#include "cli/ModelOptions.h"

#include "cli/CliArguments.h"

namespace geolens::cli {

namespace {

ComputeDevice parseDevice(const std::string &v)
{
    if (v == "auto")
        return ComputeDevice::Auto;
    if (v == "cpu")
        return ComputeDevice::Cpu;
    if (v == "cuda")
        return ComputeDevice::Cuda;
    throw UsageError{"--device must be auto, cpu or cuda"};
}

WeightType parseDtype(const std::string &v)
{
    if (v == "auto")
        return WeightType::Auto;
    if (v == "f32")
        return WeightType::F32;
    if (v == "bf16")
        return WeightType::BF16;
    if (v == "f16")
        return WeightType::F16;
    throw UsageError{"--dtype must be auto, f32, bf16 or f16"};
}

} // namespace

ModelLoadOptions loadOptions(const CliArguments &a)
{
    ModelLoadOptions options;
    options.device = parseDevice(a.value("device", "auto"));
    options.dtype = parseDtype(a.value("dtype", "auto"));
    if (a.value("image-size"))
        options.imageSize = a.intValue("image-size", 0);
    options.threads = a.intValue("threads", 0);
    return options;
}

} // namespace geolens::cli
