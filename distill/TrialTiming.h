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

} // namespace geolens
