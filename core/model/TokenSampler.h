#pragma once

// Chooses the next token from a row of logits. Internal to the model engine (includes LibTorch).

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace geolens::detail {

struct SamplingSettings {
    double temperature = 0.0;       // 0: greedy
    int topK = 0;                   // 0: off
    double topP = 1.0;              // 1: off
    double repetitionPenalty = 1.0; // 1: off
    std::uint64_t seed = 0;
};

// The processors in the order the reference applies them: repetition penalty over every token of
// the context (prompt and answer so far), then, when sampling, temperature, top-k and top-p; then
// argmax or a draw.
class TokenSampler {
public:
    explicit TokenSampler(SamplingSettings settings);

    // logits: float32 [vocab] on any device. context: ids seen so far (the image slot excluded).
    std::int64_t next(const torch::Tensor &logits, const std::vector<std::int64_t> &context);

    const SamplingSettings &settings() const { return settings_; }

private:
    SamplingSettings settings_;
    torch::Generator generator_;
};

} // namespace geolens::detail
