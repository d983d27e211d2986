#include "model/TokenSampler.h"

#include <ATen/CPUGeneratorImpl.h>

#include <limits>
#include <stdexcept>

namespace geolens::detail {

TokenSampler::TokenSampler(SamplingSettings settings)
    : settings_(settings), generator_(at::make_generator<at::CPUGeneratorImpl>(settings.seed))
{
    if (settings_.temperature < 0.0 || settings_.topP <= 0.0 || settings_.topP > 1.0 || settings_.topK < 0 ||
        settings_.repetitionPenalty <= 0.0)
        throw std::invalid_argument("sampling needs temperature >= 0, 0 < top-p <= 1, top-k >= 0 and a positive "
                                    "repetition penalty");
}

std::int64_t TokenSampler::next(const torch::Tensor &logitsIn, const std::vector<std::int64_t> &context)
{
    auto logits = logitsIn.to(torch::kCPU, torch::kFloat32).clone();
    const auto vocab = logits.size(0);
    if (settings_.repetitionPenalty != 1.0 && !context.empty()) {
        std::vector<std::int64_t> seen;
        for (std::int64_t id : context)
            if (id >= 0 && id < vocab)
                seen.push_back(id);
        if (!seen.empty()) {
            const auto index = torch::tensor(seen, torch::kLong);
            auto values = logits.index_select(0, index);
            // Penalised logits move towards less likely: divide positive ones, multiply negative.
            values = torch::where(values < 0, values * settings_.repetitionPenalty, values / settings_.repetitionPenalty);
            logits.index_put_({index}, values);
        }
    }
    if (settings_.temperature == 0.0)
        return logits.argmax().item<std::int64_t>();

    logits = logits / settings_.temperature;
    const float minusInfinity = -std::numeric_limits<float>::infinity();
    if (settings_.topK > 0 && settings_.topK < vocab) {
        const auto kth = std::get<0>(logits.topk(settings_.topK)).min();
        logits = logits.masked_fill(logits < kth, minusInfinity);
    }
    if (settings_.topP < 1.0) {
        // Drop the least likely tokens whose total probability stays within 1 - top_p, keeping at
        // least the most likely one.
        const auto sorted = logits.sort(/*dim=*/0, /*descending=*/false);
        const auto &values = std::get<0>(sorted);
        const auto &indices = std::get<1>(sorted);
        auto remove = values.softmax(0).cumsum(0) <= (1.0 - settings_.topP);
        remove[vocab - 1] = false;
        logits.index_fill_(0, indices.masked_select(remove), minusInfinity);
    }
    const auto probs = logits.softmax(0);
    return torch::multinomial(probs, 1, false, generator_).item<std::int64_t>();
}

} // namespace geolens::detail
