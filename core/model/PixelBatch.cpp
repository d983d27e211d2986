#include "model/PixelBatch.h"

#include <torch/torch.h>

#include <cstring>

namespace geolens::detail {

torch::Tensor pixelBatch(const ImagePreprocessor &preprocess, const std::vector<const RgbImage *> &images)
{
    const int s = preprocess.size();
    auto pixels = torch::empty({static_cast<std::int64_t>(images.size()), 3, s, s}, torch::kFloat32);
    for (std::size_t i = 0; i < images.size(); ++i) {
        const std::vector<float> input = preprocess(*images[i]);
        std::memcpy(pixels[static_cast<std::int64_t>(i)].data_ptr<float>(), input.data(), input.size() * sizeof(float));
    }
    return pixels;
}

torch::Tensor pixelBatch(const ImagePreprocessor &preprocess, const std::vector<RgbImage> &images)
{
    std::vector<const RgbImage *> pointers;
    pointers.reserve(images.size());
    for (const RgbImage &image : images)
        pointers.push_back(&image);
    return pixelBatch(preprocess, pointers);
}

} // namespace geolens::detail
