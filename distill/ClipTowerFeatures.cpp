#include "distill/ClipTowerFeatures.h"

#include "common/Error.h"
#include "model/GeoChatModel.h"
#include "model/LlavaNetwork.h"
#include "model/PixelBatch.h"

#include <torch/torch.h>

namespace geolens {

ClipTowerFeatures::ClipTowerFeatures(const std::string &folder, int inputSize)
{
    ModelLoadOptions options;
    options.device = ComputeDevice::Cpu;
    options.dtype = WeightType::F32;
    options.visionOnly = true;
    options.imageSize = inputSize;
    options.roundImageSizeToPatches = true;
    model_ = GeoChatModel::load(folder, options);
}

ClipTowerFeatures::~ClipTowerFeatures() = default;

int ClipTowerFeatures::inputSize() const
{
    return model_->preprocessor().size();
}

int ClipTowerFeatures::featureSize() const
{
    return model_->config().vision.hiddenSize;
}

std::uint64_t ClipTowerFeatures::parameterCount() const
{
    const detail::ClipVisionTower &t = model_->network().tower;
    std::uint64_t n = static_cast<std::uint64_t>(t.classEmbedding.numel() + t.patchWeight.numel() +
                                                 t.positionEmbedding.numel() + t.preNormWeight.numel() +
                                                 t.preNormBias.numel());
    for (const detail::ClipEncoderLayer &l : t.layers)
        for (const torch::Tensor *p : {&l.norm1Weight, &l.norm1Bias, &l.qWeight, &l.qBias, &l.kWeight, &l.kBias, &l.vWeight,
                                       &l.vBias, &l.outWeight, &l.outBias, &l.norm2Weight, &l.norm2Bias, &l.fc1Weight,
                                       &l.fc1Bias, &l.fc2Weight, &l.fc2Bias})
            n += static_cast<std::uint64_t>(p->numel());
    return n;
}

torch::Tensor ClipTowerFeatures::features(const std::vector<RgbImage> &images) const
{
    for (const RgbImage &image : images)
        if (image.width < 1 || image.height < 1)
            throw InvalidArgument("An image to classify is empty.");
    const auto pixels = detail::pixelBatch(model_->preprocessor(), images);
    torch::Tensor pooled;
    {
        c10::InferenceMode inference;
        pooled = model_->network().visionFeatures(pixels).mean(1).to(torch::kFloat32);
    }
    // An ordinary tensor: a head that trains on these saves them for its backward pass, which an
    // inference tensor refuses.
    return pooled.clone();
}

} // namespace geolens
