#pragma once

// The head of the second kind of multi-aspect student: the teacher's CLIP tower stays frozen and
// this small network maps its pooled features to one output per class and one per aspect.
// Internal to the distillation engine (includes LibTorch).

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace geolens {

class ClipHeadNetworkImpl : public torch::nn::Module {
public:
    // features: the tower's width; width: the hidden layer's; outputs: classes + aspects.
    ClipHeadNetworkImpl(int features, int width, int outputs);
    // features [B, features] (float32) -> logits [B, outputs]. A norm first: the tower's features
    // are far from unit scale, and the head trains with the CNN's learning rate.
    torch::Tensor forward(const torch::Tensor &features);

private:
    torch::nn::LayerNorm norm{nullptr};
    torch::nn::Linear hidden{nullptr}, out{nullptr};
};
TORCH_MODULE(ClipHeadNetwork);

} // namespace geolens
