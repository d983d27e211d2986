#pragma once

// The tiny teacher, student and instruction data that whole distillation runs train on: a teacher
// with peaked distributions, as a trained model has, a student of another shape (one layer, a
// narrower MLP) whose answers start out entirely different, and data whose answers are the
// teacher's own greedy answers.

#include "distill/MetricsRecord.h"

#include <string>
#include <vector>

namespace geolens::test {

struct DistillFixture {
    std::string teacher, student, data, images;
};

inline constexpr int DistillFixtureEntries = 64;
inline constexpr int DistillFixtureAnswerTokens = 8;

// Writes the fixture into dir (which must exist) with the tokenizer model at tokenizerPath.
DistillFixture writeDistillFixture(const std::string &dir, const std::string &tokenizerPath);

// A run's metrics.jsonl; every line must be a record (throws std::runtime_error on one that is not).
std::vector<MetricsRecord> readRunMetrics(const std::string &runDir);

} // namespace geolens::test
