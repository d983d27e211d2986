#pragma once

#include <torch/torch.h>

namespace geolens::detail {

// The small element-wise steps of a decoding step on the CPU, each in one pass.
//
// With one to a few rows, a LibTorch operation costs a few microseconds of dispatch and a fresh
// output whatever its size: the RMS norm is six of them and the rotary embedding seven, about
// 13 and 12 microseconds against the one or two that the arithmetic takes. Over a 16-layer
// model that is about 0.7 ms of a 35 ms token. These do the same arithmetic in one loop.
// With a batch of eight, the SwiGLU product took 0.45 ms of a 44 ms step and the two writes into
// the key/value cache 0.8 ms (half of that the page faults of a cache made empty; the decoder now
// makes it of zeros); fused, they take 0.2 and 0.35 ms.

// Rows up to which the fused steps are used: above it the work is large enough for LibTorch's
// vectorised operations to win.
constexpr std::int64_t decodeRowOpsRowLimit = 16;

// Whether rmsNormRows() takes x: float32 on the CPU, at most decodeRowOpsRowLimit rows of a
// contiguous last dimension, nothing that wants a gradient, GeoLens' CPU kernels not turned off.
bool rmsNormRowsApplies(const torch::Tensor &x, const torch::Tensor &weight);
// weight * x / sqrt(mean(x^2) + eps) over the last dimension, as LLaMA's RMSNorm in float32.
torch::Tensor rmsNormRows(const torch::Tensor &x, const torch::Tensor &weight, double eps);

// Whether rotaryRows() takes x [B, H, T, D] with cos, sin [1 or B, 1, T, D]: float32 on the CPU,
// at most decodeRowOpsRowLimit values of B * T, no gradient wanted.
bool rotaryRowsApplies(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);
// x * cos + rotate_half(x) * sin, as a contiguous [B, H, T, D].
torch::Tensor rotaryRows(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);

// Whether siluProductRows() takes gate and up: the same shape, float32 on the CPU, contiguous, at
// most decodeRowOpsRowLimit rows, no gradient wanted.
bool siluProductRowsApplies(const torch::Tensor &gate, const torch::Tensor &up);
// silu(gate) * up, LLaMA's SwiGLU, with silu(g) = g / (1 + exp(-g)) rounded to float before the
// product as the two reference operations round it.
torch::Tensor siluProductRows(const torch::Tensor &gate, const torch::Tensor &up);

// Whether writeCachePosition() can write rows [B, H, 1, D] into cache [B, H, capacity, D]: float32
// on the CPU, each row's D values contiguous in both.
bool cachePositionWriteApplies(const torch::Tensor &cache, const torch::Tensor &rows);
// cache[:, :, position] = rows[:, :, 0]: one copy of each row's D values, without the slice and
// the strided copy of LibTorch's operations.
void writeCachePosition(torch::Tensor &cache, std::int64_t position, const torch::Tensor &rows);

} // namespace geolens::detail
