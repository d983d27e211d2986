#pragma once

#include <torch/torch.h>

namespace geolens::detail {

// Attention of a decoding step on the CPU: one new query row per sequence over the keys and
// values in the cache.
//
// LibTorch's batched matrix products pack a copy of each head's keys and values before they
// multiply, which for a single query row costs more than the arithmetic, and the scores then
// pass through separate scale, mask and softmax operations. This reads each head's keys and
// values once, in place in the cache, with the softmax in between.

// Whether decodeAttention() takes these: float32 on the CPU, one query row, keys and values
// [B, kvHeads, S, D] with rows of D contiguous values, heads a multiple of kvHeads, nothing that
// wants a gradient, and GeoLens' CPU kernels not turned off (GEOLENS_CPU_KERNELS=none).
bool decodeAttentionApplies(const torch::Tensor &q, const torch::Tensor &keys, const torch::Tensor &values,
                            const torch::Tensor &mask);
// q [B, H, 1, D]; keys, values [B, kvHeads, S, D]; mask undefined or additive [B or 1, 1, 1, S].
// Returns softmax(q k^T * scale + mask) v as [B, H, 1, D].
torch::Tensor decodeAttention(const torch::Tensor &q, const torch::Tensor &keys, const torch::Tensor &values,
                              const torch::Tensor &mask, double scale);

} // namespace geolens::detail
