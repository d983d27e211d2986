#include "cli/ModelOptions.h"

#include "cli/CliArguments.h"
#include "common/Error.h"
#include "evaluation/ScenePresets.h"
#include "model/DeviceName.h"

#include <filesystem>

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

std::vector<std::string> sceneClasses(const CliArguments &a, const std::string &subject)
{
    std::vector<std::string> classes;
    if (const auto list = a.value("classes"))
        classes = splitList(*list, ',');
    if (const auto preset = a.value("preset")) {
        if (!classes.empty())
            throw UsageError{"give either --classes or --preset, not both"};
        classes = scenePreset(*preset).classes;
    }
    if (classes.empty())
        throw UsageError{subject + " needs --classes \"a,b,c\" or --preset ucm|aid|nwpu"};
    return classes;
}

std::unique_ptr<GeoChatModel> loadModelOrRandom(const std::string &folder, const CliArguments &a,
                                                const ModelLoadOptions &options)
{
    if (folder.rfind("random:", 0) != 0)
        return GeoChatModel::load(folder, options);
    const std::string tokenizer = a.value("tokenizer", "");
    if (tokenizer.empty())
        throw UsageError{"--model random:PRESET needs --tokenizer FILE (LLaMA's tokenizer.model)"};
    return GeoChatModel::createRandom(folder.substr(7), options, tokenizer);
}

std::string modelDisplayName(const std::string &folder)
{
    if (folder.rfind("random:", 0) == 0)
        return "random-" + folder.substr(7);
    const std::filesystem::path p = std::filesystem::path(folder).lexically_normal();
    return (p.filename().empty() ? p.parent_path() : p).filename().string();
}

} // namespace geolens::cli
