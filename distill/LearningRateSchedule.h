#pragma once

// The learning rate of each optimiser step. Plain C++, without LibTorch.

#include "distill/DistillConfig.h"

namespace geolens {

// A linear warm-up over optimiser.warmup_steps, then the schedule ("cosine", "linear" or
// "constant") from lr down to lr * min_lr_ratio at the end of the phase. A run with an SFT warm
// start has two phases, steps 0 .. warmStartSteps - 1 and the rest, each with its own warm-up and
// schedule, as two separate runs would have.
class LearningRateSchedule {
public:
    LearningRateSchedule(OptimiserSettings settings, int totalSteps, int warmStartSteps = 0);

    // The rate of step (0-based).
    double at(int step) const;

private:
    OptimiserSettings settings_;
    int totalSteps_;
    int warmStartSteps_;
};

} // namespace geolens
