#include "distill/TileClassifierNetwork.h"

#include "common/Error.h"
#include "model/ImagePreprocessor.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/pooling.h>

namespace geolens {

namespace F = torch::nn::functional;

void TileClassifierShape::check() const
{
    if (architecture != "resnet18" && architecture != "resnet10" && architecture != "clip")
        throw InvalidArgument("The classifier's architecture must be resnet18, resnet10 or clip, not '" + architecture + "'.");
    if (width < 4 || width > 256)
        throw InvalidArgument("The classifier's width must be between 4 and 256.");
    if (inputSize < 32 || inputSize > 1024)
        throw InvalidArgument("The classifier's input size must be between 32 and 1024 pixels.");
    if (classes < 1)
        throw InvalidArgument("The classifier needs at least one class.");
    if (aspects < 0)
        throw InvalidArgument("The classifier's aspect count cannot be negative.");
}

ResidualBlockImpl::ResidualBlockImpl(int in, int out, int stride)
{
    using namespace torch::nn;
    conv1 = register_module("conv1", Conv2d(Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    bn1 = register_module("bn1", BatchNorm2d(out));
    conv2 = register_module("conv2", Conv2d(Conv2dOptions(out, out, 3).padding(1).bias(false)));
    bn2 = register_module("bn2", BatchNorm2d(out));
    if (stride != 1 || in != out) {
        shortcut = register_module("shortcut", Sequential(Conv2d(Conv2dOptions(in, out, 1).stride(stride).bias(false)),
                                                          BatchNorm2d(out)));
    }
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor &x)
{
    auto y = torch::relu(bn1(conv1(x)));
    y = bn2(conv2(y));
    return torch::relu(y + (shortcut ? shortcut->forward(x) : x));
}

TileClassifierNetworkImpl::TileClassifierNetworkImpl(const TileClassifierShape &shape) : shape_(shape)
{
    shape_.check();
    using namespace torch::nn;
    const int w = shape_.width;
    stem = register_module("stem", Conv2d(Conv2dOptions(3, w, 7).stride(2).padding(3).bias(false)));
    stemNorm = register_module("stem_norm", BatchNorm2d(w));
    const int blocks = shape_.architecture == "resnet18" ? 2 : 1;
    Sequential layers;
    int channels = w;
    for (int stage = 0; stage < 4; ++stage) {
        const int out = w << stage;
        for (int b = 0; b < blocks; ++b) {
            layers->push_back(ResidualBlock(channels, out, stage > 0 && b == 0 ? 2 : 1));
            channels = out;
        }
    }
    stages = register_module("stages", layers);
    head = register_module("head", Linear(channels, shape_.classes + shape_.aspects));
    // The same normalisation as the teacher's CLIP input, kept with the weights.
    mean_ = register_buffer("mean", torch::tensor({ImagePreprocessor::Mean[0], ImagePreprocessor::Mean[1],
                                                   ImagePreprocessor::Mean[2]}).view({1, 3, 1, 1}));
    std_ = register_buffer("std", torch::tensor({ImagePreprocessor::Std[0], ImagePreprocessor::Std[1],
                                                 ImagePreprocessor::Std[2]}).view({1, 3, 1, 1}));
}

torch::Tensor TileClassifierNetworkImpl::forward(const torch::Tensor &images)
{
    auto x = images.scalar_type() == torch::kByte ? images.to(torch::kFloat32).div_(255.0) : images;
    x = (x - mean_) / std_;
    x = torch::relu(stemNorm(stem(x)));
    x = F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2).padding(1));
    x = stages->forward(x);
    x = x.mean({2, 3});
    return head(x);
}

} // namespace geolens
