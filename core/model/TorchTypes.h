#pragma once

// LibTorch's view of the engine's element types and memory, for the model engine and the
// distillation engine. It includes LibTorch: keep it out of widely included headers.

#include "model/TensorInfo.h"

#include <torch/torch.h>

namespace geolens {

// LibTorch's element type for a checkpoint's.
torch::ScalarType torchType(DType type);
// The most memory LibTorch's allocator has held on a CUDA device, in MiB; 0 for the CPU.
double devicePeakMemoryMiB(const torch::Device &device);

} // namespace geolens
