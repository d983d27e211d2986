#pragma once

#include <cstddef>
#include <string>

namespace geolens {

struct DistillConfig;

// What a trial's time per step depends on: the models and their devices, the method with its
// settings, the batch, the precision and the sizes, as one string. Two configurations with the
// same signature take the same time per step, so a measurement made under one signature says
// little about a configuration with another; the other settings (learning rate, length of the
// run, intervals, output folder, ...) do not change the time of a step.
std::string timingSignature(const DistillConfig &config);

// The optimiser steps a run will make: run.steps, or for a run in epochs the steps that
// trainingSamples make after the validation share is held out (none when a separate validation
// file is given). 0 for a run in epochs whose samples are not known (trainingSamples 0).
int forecastSteps(const DistillConfig &config, std::size_t trainingSamples);

// The one rule that turns epochs into steps, for the run and its forecast alike: the steps in
// which trainingSamples x run.epochs instruction samples are consumed. A supervised step (every
// step of the other methods, the paper's warm start) takes batch_size x grad_accumulation samples;
// a step of the paper's distillation phase takes rollout_batch_size / ppo_epochs, since one batch
// of rollouts serves ppo_epochs steps.
int stepsForEpochs(const DistillConfig &config, double trainingSamples);

} // namespace geolens
