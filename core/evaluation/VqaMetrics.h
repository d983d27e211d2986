#pragma once

#include "common/JsonIo.h"

#include <cstdint>
#include <map>
#include <string>

namespace geolens {

// VQA accuracy by question type. Two summaries, both reported and named: "overall" is correct
// answers over all questions (what the paper's RSVQA "mOA" numbers are), "mean_of_types" is the
// unweighted mean of the per-type accuracies (what the paper's text calls mOA).
class VqaMetrics {
public:
    // Counts one answer, compared by vqaAnswerKey; returns whether it was right.
    bool add(const std::string &type, const std::string &truth, const std::string &answer);
    static bool isCorrect(const std::string &truth, const std::string &answer);

    std::int64_t total() const;
    double overall() const;
    double meanOfTypes() const;
    // {type: accuracy}, in the order RSVQA lists its types, then any others by name.
    std::map<std::string, double> accuracyByType() const;

    // {"questions", "overall", "mean_of_types", "accuracy_by_type", "questions_by_type"}
    Json toJson() const;

private:
    struct Count {
        std::int64_t correct = 0;
        std::int64_t total = 0;
    };
    std::map<std::string, Count> byType_;
};

} // namespace geolens
