#include "distill/ClipHeadNetwork.h"

#include <torch/nn/functional/activation.h>

namespace geolens {

ClipHeadNetworkImpl::ClipHeadNetworkImpl(int features, int width, int outputs)
{
    using namespace torch::nn;
    norm = register_module("norm", LayerNorm(LayerNormOptions({features})));
    hidden = register_module("hidden", Linear(features, width));
    out = register_module("out", Linear(width, outputs));
}

torch::Tensor ClipHeadNetworkImpl::forward(const torch::Tensor &features)
{
    return out(torch::gelu(hidden(norm(features))));
}

} // namespace geolens
