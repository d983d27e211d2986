#pragma once

// The frozen CLIP tower of a GeoChat or LLaVA folder, as the multi-aspect student of the second
// kind sees its images. Internal to the distillation engine (includes LibTorch).

#include "model/ImagePreprocessor.h"

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace geolens {

class GeoChatModel;

class ClipTowerFeatures {
public:
    // Reads the tower alone (GeoChatModel's vision-only load) of the model in folder, to run at
    // the size nearest to inputSize that its patches divide (the position table is resampled as
    // GeoChat does), on the CPU in float32. Throws FileError or InvalidArgument naming the folder.
    ClipTowerFeatures(const std::string &folder, int inputSize);
    ~ClipTowerFeatures();

    int inputSize() const;
    int featureSize() const;
    std::uint64_t parameterCount() const;
    // The mean over the patch tokens of the hidden state the teacher's projector reads: float32
    // [images.size(), featureSize()]. Each image is made square and scaled as the teacher's own
    // input is.
    torch::Tensor features(const std::vector<RgbImage> &images) const;

private:
    std::unique_ptr<GeoChatModel> model_;
};

} // namespace geolens
