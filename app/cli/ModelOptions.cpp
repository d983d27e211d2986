#include "cli/ModelOptions.h"

#include "cli/CliArguments.h"
#include "common/Error.h"
#include "model/DeviceName.h"

namespace geolens::cli {

namespace {

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

WeightQuantization parseQuantize(const std::string &v)
{
    if (v == "none")
        return WeightQuantization::None;
    if (v == "int8")
        return WeightQuantization::Int8;
    throw UsageError{"--quantize must be none or int8"};
}

} // namespace

void applyDevice(const std::string &value, const std::string &option, ModelLoadOptions &options)
{
    try {
        applyDeviceName(value, options);
    } catch (const InvalidArgument &) {
        throw UsageError{"--" + option + " must be auto, cpu, cuda or cuda:N, not '" + value + "'"};
    }
}

ModelLoadOptions loadOptions(const CliArguments &a)
{
    ModelLoadOptions options;
    applyDevice(a.value("device", "auto"), "device", options);
    options.dtype = parseDtype(a.value("dtype", "auto"));
    options.quantize = parseQuantize(a.value("quantize", "none"));
    if (a.value("image-size"))
        options.imageSize = a.intValue("image-size", 0);
    options.threads = a.intValue("threads", 0);
    options.visionTower = a.value("vision-tower", "");
    return options;
}

} // namespace geolens::cli
