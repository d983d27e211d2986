#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace geolens::detail {

// x W^T for the few rows of a decoding step (up to smallBatchRowLimit), reading each weight once.
//
// A matrix-matrix product packs a copy of the weights before it multiplies, and with a handful of
// rows that copy costs more than the arithmetic: decoding is bound by reading the weights. These
// kernels stream each weight row once and multiply it with every row of x while it is in
// registers. They are compiled for AVX-512 and AVX2 and chosen by what the CPU supports; elsewhere
// smallBatchLinearApplies() answers false and callers use torch::linear.
constexpr std::int64_t smallBatchRowLimit = 16;

// Whether smallBatchLinear() takes x [..., in] with weights w [out, in]: float32 rows on the CPU,
// float32 weights with at most smallBatchRowLimit rows or bfloat16 weights with at most 4, no
// gradient wanted, and a CPU with the instructions.
bool smallBatchLinearApplies(const torch::Tensor &x, const torch::Tensor &w);
torch::Tensor smallBatchLinear(const torch::Tensor &x, const torch::Tensor &w);

// x W^T for int8 weights [out, in] with one float scale per output row (W = q * scale), any number
// of rows of float32 x on the CPU. Few rows stream the int8 weights; many rows dequantise a block
// of weight rows at a time and multiply it with a matrix-matrix product, so that no float copy of
// the whole matrix exists.
torch::Tensor int8WeightLinear(const torch::Tensor &x, const torch::Tensor &q, const torch::Tensor &scales);

// How many threads the kernels' parallel loops run on at LibTorch's present thread count. A build
// whose kernels were compiled without OpenMP runs them on one, whatever that count says.
int smallBatchKernelThreads();

// Whether this CPU runs the streaming kernels (AVX2 with FMA, or AVX-512), and which: "avx512",
// "avx2" or "none".
bool smallBatchKernelsAvailable();
const char *smallBatchKernelName();
// Whether those kernels are the AVX-512 ones: the widest, which some kernels exist only for.
bool smallBatchKernelsWide();

} // namespace geolens::detail
