#include "distill/LearningRateSchedule.h"

#include <algorithm>
#include <cmath>

namespace geolens {

LearningRateSchedule::LearningRateSchedule(OptimiserSettings settings, int totalSteps, int warmStartSteps)
    : settings_(std::move(settings)), totalSteps_(totalSteps), warmStartSteps_(warmStartSteps)
{
}

double LearningRateSchedule::at(int step) const
{
    const OptimiserSettings &o = settings_;
    const bool warm = step < warmStartSteps_;
    const int phaseStart = warm ? 0 : warmStartSteps_;
    const int phaseLength = std::max(1, (warm ? warmStartSteps_ : totalSteps_) - phaseStart);
    const int local = step - phaseStart;
    const int rampSteps = std::min(o.warmupSteps, phaseLength);
    if (local < rampSteps)
        return o.lr * (local + 1) / static_cast<double>(rampSteps);
    const double progress = phaseLength > rampSteps ? static_cast<double>(local - rampSteps) / (phaseLength - rampSteps) : 1.0;
    double factor = 1.0;
    if (o.schedule == "cosine")
        factor = 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
    else if (o.schedule == "linear")
        factor = 1.0 - std::min(1.0, progress);
    return o.lr * (o.minLrRatio + (1.0 - o.minLrRatio) * factor);
}

} // namespace geolens
