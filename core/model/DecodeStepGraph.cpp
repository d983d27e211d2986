#include "model/DecodeStepGraph.h"

#include "common/Error.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#if GEOLENS_WITH_CUDA_GRAPHS
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/cuda.h>
#include <torch/version.h>
#endif

namespace geolens::detail {

struct DecodeStepGraph::Captured {
#if GEOLENS_WITH_CUDA_GRAPHS
    at::cuda::CUDAGraph graph;
#endif
};

bool DecodeStepGraph::available()
{
#if GEOLENS_WITH_CUDA_GRAPHS
    return true;
#else
    return false;
#endif
}

DecodeStepGraph::Mode DecodeStepGraph::mode()
{
    const char *setting = std::getenv("GEOLENS_DECODE_STEPS");
    if (setting == nullptr || *setting == '\0' || std::strcmp(setting, "graph") == 0)
        return Mode::Graph;
    if (std::strcmp(setting, "operations") == 0)
        return Mode::Operations;
    if (std::strcmp(setting, "fixed") == 0)
        return Mode::Fixed;
    throw InvalidArgument(std::string("GEOLENS_DECODE_STEPS is \"") + setting + "\": it takes graph, operations or fixed.");
}

std::shared_ptr<DecodeStepGraph> DecodeStepGraph::forGeneration(std::shared_ptr<DecodeStepGraph> &kept,
                                                                const LlamaDecoder &decoder, std::int64_t batch,
                                                                std::int64_t capacity, std::int64_t newTokens,
                                                                std::int64_t maxPositions)
{
    const Mode chosen = mode();
    const bool replay = chosen == Mode::Graph && decoder.embedTokens.device().is_cuda() && available();
    if (newTokens < 2 || !(replay || chosen == Mode::Fixed))
        return nullptr;
    for (const LlamaLayer &layer : decoder.layers)
        for (const LowRankAdapter &adapter : layer.adapters)
            if (adapter.active() && adapter.training && adapter.dropout > 0.0)
                return nullptr; // dropout draws new numbers each step, which a replay would not
    constexpr std::int64_t Granule = 256;
    const std::int64_t rounded = std::max(capacity, std::min((capacity + Granule - 1) / Granule * Granule, maxPositions));
    if (kept && kept.use_count() == 1 && &kept->decoder_ == &decoder && kept->fits(batch, rounded))
        return kept;
    // A capture costs about as much as three steps launched one by one: several rows' steps are
    // made for answers long enough to pay for it in one generation.
    constexpr std::int64_t FewestBatchedStepsForCapture = 16;
    if (batch > 1 && newTokens < FewestBatchedStepsForCapture)
        return nullptr;
    if (kept.use_count() == 1)
        kept.reset(); // its cache's memory first
    kept = std::make_shared<DecodeStepGraph>(decoder, batch, rounded, replay);
    return kept;
}

DecodeStepGraph::DecodeStepGraph(const LlamaDecoder &decoder, std::int64_t batch, std::int64_t capacity, bool replay)
    : decoder_(decoder), signature_(weightSignature(decoder)), batch_(batch), cache_(decoder.makeCache(batch, capacity))
{
    const auto device = decoder.embedTokens.device();
    replay_ = replay && device.is_cuda() && available();
    // Every step multiplies by the whole capacity's keys and values, masked or not: what a
    // position holds before it is written must be finite.
    for (torch::Tensor &t : cache_.keys)
        t.zero_();
    for (torch::Tensor &t : cache_.values)
        t.zero_();
    const auto longs = torch::dtype(torch::kLong).device(device);
    inputs_.ids = torch::zeros({batch, 1}, longs);
    inputs_.position = torch::zeros({1}, longs);
    inputs_.leftPadding = torch::zeros({batch}, longs);
    inputs_.keyPositions = torch::arange(capacity, longs).view({1, 1, 1, capacity});
}

DecodeStepGraph::~DecodeStepGraph() = default;

std::vector<std::uintptr_t> DecodeStepGraph::weightSignature(const LlamaDecoder &decoder)
{
    std::vector<std::uintptr_t> out;
    const auto add = [&](const torch::Tensor &t) {
        out.push_back(t.defined() ? reinterpret_cast<std::uintptr_t>(t.data_ptr()) : 0);
    };
    add(decoder.embedTokens);
    add(decoder.finalNorm);
    add(decoder.lmHead);
    add(decoder.packedLmHead.blocks);
    for (const LlamaLayer &layer : decoder.layers) {
        add(layer.inputNorm);
        add(layer.postNorm);
        for (std::size_t p = 0; p < ProjectionCount; ++p) {
            add(layer.weight(static_cast<Projection>(p)));
            add(layer.quantized[p].values);
            add(layer.packed[p].blocks);
            const LowRankAdapter &adapter = layer.adapters[p];
            add(adapter.a);
            add(adapter.b);
            std::uintptr_t scale = 0;
            static_assert(sizeof(scale) >= sizeof(adapter.scale));
            std::memcpy(&scale, &adapter.scale, sizeof(adapter.scale));
            out.push_back(scale);
            out.push_back(adapter.training && adapter.dropout > 0.0 ? 1 : 0);
        }
    }
    return out;
}

bool DecodeStepGraph::fits(std::int64_t batch, std::int64_t capacity) const
{
    return batch == batch_ && capacity == cache_.capacity && weightSignature(decoder_) == signature_;
}

KvCache &DecodeStepGraph::startGeneration()
{
    cache_.length = 0;
    cache_.paddingMask = torch::Tensor();
    cache_.paddingChecked = false;
    return cache_;
}

void DecodeStepGraph::afterPrefill(const torch::Tensor &leftPadding)
{
    if (leftPadding.defined())
        inputs_.leftPadding.copy_(leftPadding.reshape({batch_}));
    else
        inputs_.leftPadding.zero_();
}

torch::Tensor DecodeStepGraph::step(const torch::Tensor &ids)
{
    if (cache_.length >= cache_.capacity)
        throw std::length_error("the key/value cache holds " + std::to_string(cache_.capacity) + " positions, " +
                                std::to_string(cache_.length + 1) + " are needed");
    inputs_.ids.copy_(ids.reshape({batch_, 1}));
    inputs_.position.fill_(cache_.length);
    torch::Tensor out;
    if (captured_) {
#if GEOLENS_WITH_CUDA_GRAPHS
        captured_->graph.replay();
#endif
        out = logits_;
    } else if (replay_) {
        out = capture();
    } else {
        out = decoder_.forwardFixedStep(inputs_, cache_);
    }
    ++cache_.length;
    return out;
}

torch::Tensor DecodeStepGraph::capture()
{
#if GEOLENS_WITH_CUDA_GRAPHS
    const auto device = inputs_.ids.device();
    const auto started = std::chrono::steady_clock::now();
    torch::cuda::synchronize(device.index());
    // A capture must run on a stream of its own. The warm-up step runs for real first: it
    // writes the keys and values the replays would (the step is the same), gives this step's
    // logits, and lets each kernel do its first-call set-up (libraries' workspaces), which a
    // capture must not.
    auto captured = std::make_unique<Captured>();
    torch::Tensor first;
    try {
        const c10::cuda::CUDAStreamGuard onSide(c10::cuda::getStreamFromPool(false, device.index()));
        first = decoder_.forwardFixedStep(inputs_, cache_);
#if TORCH_VERSION_MAJOR >= 2
        // Only this thread's calls may break the capture: others (a distributed run's watchdog,
        // the GUI) go on querying their own work meanwhile.
        captured->graph.capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
#else
        captured->graph.capture_begin();
#endif
        logits_ = decoder_.forwardFixedStep(inputs_, cache_);
        captured->graph.capture_end();
    } catch (const std::exception &e) {
        replay_ = false; // the steps after run one operation at a time
        throw std::runtime_error(std::string("Capturing the decoding step as a CUDA graph failed (") + e.what() +
                                 "). GEOLENS_DECODE_STEPS=operations decodes without graphs.");
    }
    torch::cuda::synchronize(device.index());
    captured_ = std::move(captured);
    captureSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return first;
#else
    throw std::logic_error("this build cannot capture CUDA graphs");
#endif
}

} // namespace geolens::detail
