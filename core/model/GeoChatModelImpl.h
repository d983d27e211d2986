#pragma once

// The state behind GeoChatModel, for the model engine's own files. It includes LibTorch: keep it
// out of widely included headers. The distillation engine reaches the network through
// GeoChatModel::network() and model/TorchTypes.h, not through this state.

#include "model/GeoChatModel.h"
#include "model/LlavaNetwork.h"
#include "model/Tokenizer.h"
#include "model/TorchTypes.h"

#include <cstdint>
#include <memory>
#include <string>

namespace geolens {

namespace detail {
class DecodeStepGraph;
}

struct GeoChatModel::Impl {
    ModelConfig config;
    std::unique_ptr<Tokenizer> tokenizer;
    detail::LlavaNetwork network;
    torch::Device device{torch::kCPU};
    torch::ScalarType type = torch::kFloat32;
    ImagePreprocessor preprocess;
    bool trainable = false; // built as ordinary tensors (ModelLoadOptions::trainable)
    WeightQuantization quantize = WeightQuantization::None;
    bool visionOnly = false; // ModelLoadOptions::visionOnly: no decoder, projector or tokenizer

    // Why a text entry point cannot run without a tokenizer (random weights, or the tower alone).
    std::string noTextReason() const;

    // Decoding steps replayed as a CUDA graph (DecodeStepGraph::forGeneration), kept from one
    // generation to the next of the same shape for one row (chat, single tiles): a capture costs a
    // few steps. Null until a generation on a GPU wants them.
    std::shared_ptr<detail::DecodeStepGraph> decodeSteps;

    ~Impl();
    torch::Tensor encodeImages(const std::vector<RgbImage> &images) const;
    // Drops steps that are not worth their cache's memory between generations (several rows).
    void releaseBatchedDecodeSteps();
    std::vector<GenerationResult> run(const std::vector<RgbImage> &images, const std::vector<GenerationRequest> &requests);
};

} // namespace geolens
