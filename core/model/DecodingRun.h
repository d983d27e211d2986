#pragma once

// One generation's decoding: the prefill, then one token per row at a time. Where the steps can be
// replayed as a CUDA graph (or GEOLENS_DECODE_STEPS=fixed asks for it) they run through the
// owner's fixed-shape steps (DecodeStepGraph); otherwise through a cache of the generation's own
// that the decoder's operations grow. Generation, bench and the distillation engine's rollouts
// decode through it without knowing which.
//
// Internal to the model engine: it includes LibTorch.

#include "model/LlavaNetwork.h"

#include <cstdint>
#include <memory>

namespace geolens::detail {

class DecodeStepGraph;

class DecodingRun {
public:
    // batch rows needing capacity positions, at most newTokens steps after the prefill. kept is the
    // owner's steps kept between generations (DecodeStepGraph::forGeneration); with
    // operationsOnly, steps run as operations whatever the device.
    DecodingRun(const LlamaDecoder &decoder, std::shared_ptr<DecodeStepGraph> &kept, std::int64_t batch,
                std::int64_t capacity, std::int64_t newTokens, std::int64_t maxPositions, bool operationsOnly = false);
    DecodingRun(DecodingRun &&) = default;
    ~DecodingRun();

    // embeds [B, T, hidden] after leftPadding (int64 [B] on the decoder's device, or undefined for
    // none) leading positions of padding in each row. Returns the float32 logits [B, vocab] of the
    // next position.
    torch::Tensor prefill(const torch::Tensor &embeds, const torch::Tensor &leftPadding);
    // ids (int64, B of them, any device) appended; the float32 logits [B, vocab] of the next
    // position. With fixed-shape steps, the next step may write over the tensor returned.
    torch::Tensor step(const torch::Tensor &ids);

    const KvCache &cache() const;
    // The fixed-shape steps this run decodes through, or null for operations.
    const std::shared_ptr<DecodeStepGraph> &steps() const { return steps_; }

private:
    const LlamaDecoder &decoder_;
    std::shared_ptr<DecodeStepGraph> steps_;
    KvCache own_; // without steps
    torch::Tensor leftPadding_;
};

} // namespace geolens::detail
