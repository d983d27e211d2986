#pragma once

// The state behind GeoChatModel, for the model engine's own files and the distillation engine,
// which trains these tensors. It includes LibTorch: keep it out of widely included headers.

#include "model/GeoChatModel.h"
#include "model/LlavaNetwork.h"
#include "model/TensorInfo.h"
#include "model/Tokenizer.h"

#include <memory>

namespace geolens {

// LibTorch's element type for a checkpoint's.
torch::ScalarType torchType(DType type);
// The most memory LibTorch's allocator has held on a CUDA device, in MiB; 0 for the CPU.
double devicePeakMemoryMiB(const torch::Device &device);

struct GeoChatModel::Impl {
    ModelConfig config;
    std::unique_ptr<Tokenizer> tokenizer;
    detail::ClipVisionTower tower;
    detail::Projector projector;
    detail::LlamaDecoder decoder;
    torch::Device device{torch::kCPU};
    torch::ScalarType type = torch::kFloat32;
    ImagePreprocessor preprocess;
    bool trainable = false; // built as ordinary tensors (ModelLoadOptions::trainable)

    torch::Tensor encodeImages(const std::vector<RgbImage> &images) const;
    // Prompt embeddings [B, T, hidden] with the image features in the slot, plus extra tokens.
    torch::Tensor promptEmbeddings(const std::vector<int> &prompt, const torch::Tensor &features,
                                   const std::vector<int> &extra) const;
    std::vector<GenerationResult> run(const std::vector<RgbImage> &images, const std::vector<GenerationRequest> &requests);
};

} // namespace geolens
