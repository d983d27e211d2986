#pragma once

// The student of multi-aspect distillation: a residual CNN (ResNet-10 or ResNet-18 in layout, its
// width a setting) whose head has one output per class and one per aspect. Internal to the
// distillation engine (includes LibTorch).

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <string>

namespace geolens {

struct TileClassifierShape {
    std::string architecture = "resnet18"; // resnet18 (2 blocks a stage), resnet10 (1), or clip (ClipHeadNetwork)
    int width = 64;                        // channels of the first stage; 64 is ResNet's own
    int inputSize = 128;                   // side of the square input in pixels
    int classes = 0;
    int aspects = 0;

    // Throws InvalidArgument naming the bad setting.
    void check() const;
};

class ResidualBlockImpl : public torch::nn::Module {
public:
    ResidualBlockImpl(int in, int out, int stride);
    torch::Tensor forward(const torch::Tensor &x);

private:
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
    torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
    torch::nn::Sequential shortcut{nullptr};
};
TORCH_MODULE(ResidualBlock);

class TileClassifierNetworkImpl : public torch::nn::Module {
public:
    explicit TileClassifierNetworkImpl(const TileClassifierShape &shape);
    // images: uint8 [B, 3, S, S] (or float already in [0, 1]) -> logits [B, classes + aspects].
    torch::Tensor forward(const torch::Tensor &images);
    const TileClassifierShape &shape() const { return shape_; }

private:
    TileClassifierShape shape_;
    torch::nn::Conv2d stem{nullptr};
    torch::nn::BatchNorm2d stemNorm{nullptr};
    torch::nn::Sequential stages{nullptr};
    torch::nn::Linear head{nullptr};
    torch::Tensor mean_, std_;
};
TORCH_MODULE(TileClassifierNetwork);

} // namespace geolens
