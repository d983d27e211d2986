#pragma once

// Images as one batch of model input. Internal to the model and distillation engines (includes
// LibTorch).

#include "model/ImagePreprocessor.h"

#include <torch/types.h>

#include <vector>

namespace geolens::detail {

// float32 [images.size(), 3, size, size] on the CPU, each image made square, scaled and normalised
// by preprocess as the reference does. Throws InvalidArgument for an empty image.
torch::Tensor pixelBatch(const ImagePreprocessor &preprocess, const std::vector<const RgbImage *> &images);
torch::Tensor pixelBatch(const ImagePreprocessor &preprocess, const std::vector<RgbImage> &images);

} // namespace geolens::detail
