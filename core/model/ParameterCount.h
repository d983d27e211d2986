#pragma once

#include "model/ModelConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geolens {

// The parameters the engine's network holds for a configuration, known before a weight is read:
// the LLaMA decoder (embeddings, layers, final norm, output head), the CLIP tower with its
// position table at the input resolution (config.inputSize, resampled from the tower's native
// table as GeoChat does) and the projector. The tower's post_layernorm is not counted: the
// projector reads an earlier hidden state, so the network never holds it. Buffers (RoPE tables,
// the key/value cache) and LoRA adapters are not parameters of the model and are not counted.
std::uint64_t countParameters(const ModelConfig &config);

// Parameters LoRA adapters add: rank * (in + out) for every targeted projection (q, k, v, o,
// gate, up, down) in every decoder layer.
std::uint64_t countLoraParameters(const ModelConfig &config, int rank, const std::vector<std::string> &targets);

} // namespace geolens
