#include "model/ParameterCount.h"

#include <algorithm>

namespace geolens {

std::uint64_t countParameters(const ModelConfig &config)
{
    const TextModelConfig &t = config.text;
    const VisionModelConfig &v = config.vision;
    const std::uint64_t h = static_cast<std::uint64_t>(std::max(0, t.hiddenSize));
    const std::uint64_t inter = static_cast<std::uint64_t>(std::max(0, t.intermediateSize));
    const std::uint64_t headDim = t.heads > 0 ? h / static_cast<std::uint64_t>(t.heads) : h;
    const std::uint64_t kv = t.heads > 0 ? headDim * static_cast<std::uint64_t>(std::max(0, t.kvHeads)) : h;
    const std::uint64_t vocab = static_cast<std::uint64_t>(std::max(0, t.vocabSize));

    // Token embeddings and output head, the final norm; per layer q and o (h x h), k and v
    // (kv x h), gate, up and down (h x intermediate) and the two RMS norms.
    const std::uint64_t text = 2 * vocab * h + h
                               + static_cast<std::uint64_t>(std::max(0, t.layers))
                                     * (2 * h * h + 2 * h * kv + 3 * h * inter + 2 * h);

    const std::uint64_t vh = static_cast<std::uint64_t>(std::max(0, v.hiddenSize));
    const std::uint64_t vi = static_cast<std::uint64_t>(std::max(0, v.intermediateSize));
    const std::uint64_t patch = static_cast<std::uint64_t>(std::max(0, v.patchSize));
    const std::uint64_t grid = v.patchSize > 0 ? static_cast<std::uint64_t>(std::max(0, config.gridSize())) : 0;
    // Patch projection (no bias), class embedding, position table at the input resolution and
    // the pre-norm (weight and bias); per layer q, k, v, o with biases, fc1 and fc2 with biases,
    // and two layer norms.
    const std::uint64_t vision = 3 * patch * patch * vh + vh + (1 + grid * grid) * vh + 2 * vh
                                 + static_cast<std::uint64_t>(std::max(0, v.layers))
                                       * (4 * (vh * vh + vh) + 2 * vh * vi + vi + vh + 4 * vh);

    // Linear layers with biases: vision hidden -> text hidden, then text hidden -> text hidden.
    const std::uint64_t projector =
        vh * h + h + static_cast<std::uint64_t>(std::max(0, config.projectorDepth - 1)) * (h * h + h);
    return text + vision + projector;
}

std::uint64_t countLoraParameters(const ModelConfig &config, int rank, const std::vector<std::string> &targets)
{
    const TextModelConfig &t = config.text;
    const std::uint64_t h = static_cast<std::uint64_t>(std::max(0, t.hiddenSize));
    const std::uint64_t inter = static_cast<std::uint64_t>(std::max(0, t.intermediateSize));
    const std::uint64_t kv =
        t.heads > 0 ? h / static_cast<std::uint64_t>(t.heads) * static_cast<std::uint64_t>(std::max(0, t.kvHeads)) : h;
    std::uint64_t perLayer = 0;
    for (const std::string &target : targets) {
        if (target == "q" || target == "o")
            perLayer += h + h;
        else if (target == "k" || target == "v")
            perLayer += h + kv;
        else if (target == "gate" || target == "up" || target == "down")
            perLayer += h + inter;
    }
    return static_cast<std::uint64_t>(std::max(0, rank)) * perLayer * static_cast<std::uint64_t>(std::max(0, t.layers));
}

} // namespace geolens
