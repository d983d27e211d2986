#include "model/DecodingRun.h"

#include "model/DecodeStepGraph.h"

namespace geolens::detail {

DecodingRun::DecodingRun(const LlamaDecoder &decoder, std::shared_ptr<DecodeStepGraph> &kept, std::int64_t batch,
                         std::int64_t capacity, std::int64_t newTokens, std::int64_t maxPositions, bool operationsOnly)
    : decoder_(decoder)
{
    if (!operationsOnly)
        steps_ = DecodeStepGraph::forGeneration(kept, decoder, batch, capacity, newTokens, maxPositions);
    if (!steps_)
        own_ = decoder.makeCache(batch, capacity);
}

DecodingRun::~DecodingRun() = default;

const KvCache &DecodingRun::cache() const
{
    return steps_ ? steps_->cache() : own_;
}

torch::Tensor DecodingRun::prefill(const torch::Tensor &embeds, const torch::Tensor &leftPadding)
{
    leftPadding_ = leftPadding;
    KvCache &cache = steps_ ? steps_->startGeneration() : own_;
    auto logits = decoder_.forward(embeds, cache, /*lastOnly=*/true, leftPadding).select(1, 0);
    if (steps_)
        steps_->afterPrefill(leftPadding);
    return logits;
}

torch::Tensor DecodingRun::step(const torch::Tensor &ids)
{
    if (steps_)
        return steps_->step(ids);
    const auto column = ids.reshape({-1, 1}).to(decoder_.embedTokens.device());
    return decoder_.forward(decoder_.embed(column), own_, /*lastOnly=*/true, leftPadding_).select(1, 0);
}

} // namespace geolens::detail
