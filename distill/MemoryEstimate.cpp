#include "distill/MemoryEstimate.h"

#include "distill/DistillConfig.h"
#include "model/ModelConfig.h"
#include "model/ParameterCount.h"

#include <algorithm>

namespace geolens {

int bytesPerWeight(const std::string &dtype, const std::string &device)
{
    if (dtype == "f32")
        return 4;
    if (dtype == "bf16" || dtype == "f16")
        return 2;
    return device == "cpu" ? 4 : 2;
}

MemoryEstimate MemoryEstimate::of(const DistillConfig &config, const ModelConfig &teacher, const ModelConfig &student,
                                  const std::string &teacherDevice, const std::string &studentDevice)
{
    MemoryEstimate e;
    e.teacherParameters = countParameters(teacher);
    e.studentParameters = countParameters(student);
    e.trainableParameters = config.lora.enabled
                                ? countLoraParameters(student, config.lora.rank, config.lora.targets)
                                : e.studentParameters;
    const bool rollouts = config.terms.policy > 0.0 || config.terms.single > 0.0;
    const auto cacheBytes = [&](const ModelConfig &model, const std::string &device) {
        if (!rollouts)
            return 0.0;
        const double headDim = double(model.text.hiddenSize) / std::max(1, model.text.heads);
        const double tokens = double(model.imageTokens()) + PromptTextTokens + config.minillm.maxNewTokens;
        return 2.0 * model.text.layers * model.text.kvHeads * headDim * tokens * config.minillm.rolloutBatchSize
               * bytesPerWeight(config.run.dtype, device);
    };
    e.teacherCacheBytes = cacheBytes(teacher, teacherDevice);
    e.studentCacheBytes = cacheBytes(student, studentDevice);
    e.teacherBytes = double(e.teacherParameters) * bytesPerWeight(config.run.dtype, teacherDevice) + e.teacherCacheBytes;
    e.studentBytes = double(e.studentParameters) * bytesPerWeight(config.run.dtype, studentDevice)
                     + BytesPerTrainableParameter * double(e.trainableParameters) + e.studentCacheBytes;
    return e;
}

} // namespace geolens
