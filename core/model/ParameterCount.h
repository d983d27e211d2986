#pragma once

#include "model/ModelConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geolens {

// The parameters of a model, known from its configuration before a weight is read: the LLaMA
// decoder (embeddings, layers, final norm, output head), the CLIP tower with its position table
// at the input resolution (config.inputSize, resampled from the tower's native table as GeoChat
// does) and every encoder layer, and the projector. The tower's post_layernorm is not counted:
// no model uses it. The encoder layers past the hidden state the projector reads are counted
// although the engine does not build them, so for the memory check this is an upper bound by
// that many CLIP layers (one for LLaVA's -2, about 12.6 M parameters for ViT-L/14). Buffers (RoPE
// tables, the key/value cache) and LoRA adapters are not counted.
std::uint64_t countParameters(const ModelConfig &config);

// Parameters LoRA adapters add: rank * (in + out) for every targeted projection (q, k, v, o,
// gate, up, down) in every decoder layer.
std::uint64_t countLoraParameters(const ModelConfig &config, int rank, const std::vector<std::string> &targets);

} // namespace geolens
