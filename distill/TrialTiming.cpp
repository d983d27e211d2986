#include "distill/TrialTiming.h"

#include "common/JsonIo.h"
#include "distill/DistillConfig.h"

#include <algorithm>
#include <cmath>

namespace geolens {

std::string timingSignature(const DistillConfig &c)
{
    // Only the settings that change a step's time are copied; the rest stay at their defaults,
    // so that they do not take part in the comparison.
    DistillConfig s;
    s.teacher = c.teacher;
    s.student = c.student;
    s.data = c.data;
    s.images = c.images;
    s.corpus = c.corpus;
    s.method = c.method;
    s.terms = c.terms;
    s.minillm = c.minillm;
    s.lora = c.lora;
    s.optimiser.batchSize = c.optimiser.batchSize;
    s.optimiser.gradAccumulation = c.optimiser.gradAccumulation;
    s.run.teacherDevice = c.run.teacherDevice;
    s.run.studentDevice = c.run.studentDevice;
    s.run.dtype = c.run.dtype;
    s.run.imageSize = c.run.imageSize;
    s.run.maxLength = c.run.maxLength;
    s.run.cacheImages = c.run.cacheImages;
    // Bytes that are not UTF-8 (a path) must not throw: the signature only has to differ when a setting does.
    return s.toJson().dump(-1, ' ', false, Json::error_handler_t::replace);
}

int forecastSteps(const DistillConfig &c, std::size_t samples)
{
    if (c.run.epochs <= 0)
        return c.run.steps;
    if (samples == 0)
        return 0;
    // The validation share is held out of the training data; a separate file holds none.
    const double training = c.validationData.empty() ? samples * (1.0 - c.validationFraction) : double(samples);
    return stepsForEpochs(c, training);
}

int stepsForEpochs(const DistillConfig &c, double trainingSamples)
{
    const double total = trainingSamples * std::max(0, c.run.epochs);
    const double supervised = double(std::max(1, c.optimiser.batchSize)) * std::max(1, c.optimiser.gradAccumulation);
    const bool paper = parseDistillMethod(c.method) == DistillMethod::Paper;
    const double warm = std::max(0, c.run.sftWarmupSteps);
    if (!paper || total <= warm * supervised)
        return static_cast<int>(std::ceil(total / supervised));
    const double distilling = double(std::max(1, c.minillm.rolloutBatchSize)) / std::max(1, c.minillm.ppoEpochs);
    return static_cast<int>(warm + std::ceil((total - warm * supervised) / distilling));
}

} // namespace geolens
