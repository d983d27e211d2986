#pragma once

#include "model/ImagePreprocessor.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace geolens {

// One answer with what it cost.
struct ModelAnswer {
    std::string text;
    long long promptTokens = 0;    // image tokens included
    long long generatedTokens = 0;
    double flops = 0.0;            // 0 when unknown
};

// What an evaluation asks of a model: answers to a batch of questions, one image each, greedy as
// GeoChat's evaluation scripts decode. GeoChatEvaluationModel runs the engine; tests use scripted
// models whose answers are known.
class EvaluationModel {
public:
    virtual ~EvaluationModel() = default;
    // One answer per (image, question) pair, in order. Throws Canceled when cancel is set.
    virtual std::vector<ModelAnswer> answer(const std::vector<RgbImage> &images, const std::vector<std::string> &questions,
                                            const std::atomic<bool> *cancel) = 0;
    virtual std::uint64_t parameterCount() const = 0;
    virtual std::string device() const = 0; // "cuda:0", "cpu", "scripted"
    virtual std::string dtype() const = 0;
};

} // namespace geolens
