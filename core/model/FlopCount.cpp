#include "model/FlopCount.h"

#include <algorithm>

namespace geolens {

double visionFlops(const ModelConfig &config)
{
    const double d = config.vision.hiddenSize;
    const double f = config.vision.intermediateSize;
    const double patch = config.vision.patchSize;
    const double grid = config.gridSize();
    const double tokens = grid * grid + 1; // the class token runs through the tower too
    const int layers = config.selectLayer >= 0 ? config.selectLayer : config.vision.layers + 1 + config.selectLayer;
    double macs = (tokens - 1) * 3.0 * patch * patch * d; // patch embedding
    macs += std::max(0, layers) * (tokens * (4.0 * d * d + 2.0 * d * f) + 2.0 * tokens * tokens * d);
    const double imageTokens = config.imageTokens();
    const double lm = config.text.hiddenSize;
    macs += imageTokens * d * lm + std::max(0, config.projectorDepth - 1) * imageTokens * lm * lm;
    return 2.0 * macs;
}

double flopsPerAnswer(const ModelConfig &config, long long promptTokens, long long generatedTokens)
{
    const double d = config.text.hiddenSize;
    const double f = config.text.intermediateSize;
    const double kv = static_cast<double>(config.text.kvHeads) * (d / std::max(1, config.text.heads));
    const double layers = config.text.layers;
    const double perToken = layers * (2.0 * d * d + 2.0 * d * kv + 3.0 * d * f);
    const double head = static_cast<double>(config.text.vocabSize) * d;
    // Token i (from 0) attends to i + 1 keys: scores and the weighted sum, d multiply-adds each.
    const auto attention = [&](double from, double to) { // tokens at positions [from, to)
        const double n = to - from;
        return n <= 0 ? 0.0 : layers * 2.0 * d * (n * (from + to + 1) / 2.0);
    };
    const double p = static_cast<double>(std::max(0LL, promptTokens));
    const double g = static_cast<double>(std::max(0LL, generatedTokens));
    double macs = p * perToken + attention(0, p);
    const double steps = std::max(0.0, g - 1);
    macs += steps * perToken + attention(p, p + steps);
    macs += g * head;
    return visionFlops(config) + 2.0 * macs;
}

} // namespace geolens
