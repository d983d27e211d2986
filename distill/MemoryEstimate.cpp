#include "distill/MemoryEstimate.h"

#include "distill/DistillConfig.h"
#include "model/ModelConfig.h"
#include "model/ParameterCount.h"

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
    e.teacherBytes = double(e.teacherParameters) * bytesPerWeight(config.run.dtype, teacherDevice);
    e.studentBytes = double(e.studentParameters) * bytesPerWeight(config.run.dtype, studentDevice)
                     + BytesPerTrainableParameter * double(e.trainableParameters);
    return e;
}

} // namespace geolens
