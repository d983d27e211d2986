#pragma once

// Decoding steps replayed on a GPU as one captured CUDA graph.
//
// Decoding one row of GeoChat-7B on a GPU is bound by launches, not by the GPU: LibTorch issues a
// few hundred small kernels a token from the host, and the host takes longer to issue them than
// the GPU takes to read the weights. A CUDA graph launches all of a step's kernels at once, but
// it replays the same kernels on the same memory. The step therefore runs with fixed shapes
// (LlamaDecoder::forwardFixedStep): its token ids and position are tensors updated in place, and
// attention covers the cache's whole capacity with the positions not written yet masked.
//
// Internal to the model engine: it includes LibTorch.

#include "model/LlavaNetwork.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace geolens::detail {

class DecodeStepGraph {
public:
    // A cache for batch rows and capacity positions, owned by this object so that one graph can
    // serve several generations of the same shape. replay: capture the step on the first call
    // to step() and replay it after, where this build and the device can (available()); otherwise
    // every step runs the same fixed-shape operations one by one, as the CPU does.
    DecodeStepGraph(const LlamaDecoder &decoder, std::int64_t batch, std::int64_t capacity, bool replay);
    ~DecodeStepGraph();
    DecodeStepGraph(const DecodeStepGraph &) = delete;
    DecodeStepGraph &operator=(const DecodeStepGraph &) = delete;

    // Whether this object serves a generation of batch rows needing capacity positions with the
    // decoder's weights as they are now: a replayed graph reads the weights it was captured
    // with, by address, and an adapter's scale as a constant.
    bool fits(std::int64_t batch, std::int64_t capacity) const;
    std::int64_t batch() const { return batch_; }
    std::int64_t capacity() const { return cache_.capacity; }

    // The cache for a new generation's prefill, emptied (length 0).
    KvCache &startGeneration();
    const KvCache &cache() const { return cache_; }
    // After the prefill: leftPadding (int64 [B], or undefined for none) as the prefill took it.
    void afterPrefill(const torch::Tensor &leftPadding);
    // Appends ids (int64 [B], any device) at the cache's length and returns the float32 logits
    // [B, vocab] of the next position. The tensor returned is overwritten by the next step.
    torch::Tensor step(const torch::Tensor &ids);

    // Whether steps replay a captured graph (after the first step, which captures it).
    bool replays() const { return replay_; }
    // What the capture took, its warm-up step included, in seconds (0 before it or without one).
    double captureSeconds() const { return captureSeconds_; }
    // Whether this build can capture CUDA graphs (a LibTorch with CUDA).
    static bool available();

    // The steps for a generation of batch rows that needs capacity positions and at most newTokens
    // steps, by mode() and the decoder's device: kept when it fits and no generation still holds
    // it, made anew (and kept) otherwise; null where the steps run as operations (the CPU, or
    // several rows for an answer too short to pay for a capture, or dropout in the adapters).
    // Capacities are rounded up, at most to maxPositions, so that prompts of different lengths
    // share one graph.
    static std::shared_ptr<DecodeStepGraph> forGeneration(std::shared_ptr<DecodeStepGraph> &kept, const LlamaDecoder &decoder,
                                                          std::int64_t batch, std::int64_t capacity, std::int64_t newTokens,
                                                          std::int64_t maxPositions);

    // How generation runs its decoding steps, from GEOLENS_DECODE_STEPS: "graph" (the default:
    // fixed-shape steps replayed as a CUDA graph on a GPU where this build can, operations
    // elsewhere), "operations" (LibTorch's operations launched one by one, with a cache that grows)
    // or "fixed" (the fixed-shape steps on any device, never captured: to check them against the
    // operations). Throws InvalidArgument for any other value.
    enum class Mode { Graph, Operations, Fixed };
    static Mode mode();

private:
    torch::Tensor capture();

    // What a captured graph depends on besides its inputs: the weights' addresses and the
    // adapters' scales.
    static std::vector<std::uintptr_t> weightSignature(const LlamaDecoder &decoder);

    const LlamaDecoder &decoder_;
    std::vector<std::uintptr_t> signature_;
    std::int64_t batch_ = 0;
    KvCache cache_;
    LlamaDecoder::FixedStep inputs_;
    bool replay_ = false;
    double captureSeconds_ = 0.0;
    struct Captured;
    std::unique_ptr<Captured> captured_;
    torch::Tensor logits_; // the captured step's output, rewritten by each replay
};

} // namespace geolens::detail
