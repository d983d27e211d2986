#pragma once

#include "model/ModelConfig.h"

namespace geolens {

// Floating-point operations a model spends on one answer, counted from its configuration: two per
// multiply-add of every matrix product (projections, MLPs, attention scores and their weighted
// sum, the output head), nothing for norms, activations and softmax. The image goes once through
// the CLIP layers the projector reads and the projector; the prompt (its image tokens included) is
// prefilled; every generated token after the first takes one decoder step over the cache; the
// output head runs once per generated token. This is the work the engine does, not what a
// profiler of a padded batch would count; docs/evaluation.md compares it with the paper's table 8.
double flopsPerAnswer(const ModelConfig &config, long long promptTokens, long long generatedTokens);

// The vision tower and projector alone, per image.
double visionFlops(const ModelConfig &config);

} // namespace geolens
