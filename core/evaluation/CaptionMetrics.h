#pragma once

#include "common/JsonIo.h"

#include <memory>
#include <string>
#include <vector>

namespace geolens {

class WordNetDatabase;
class CiderScorer;

// Region caption scores over a benchmark: ROUGE-1 and ROUGE-L (F1, the mean over questions, the
// best reference of each), METEOR (nltk's, several references -> the best, mean over questions)
// and CIDEr-D over the whole corpus. See docs/evaluation.md for the references they match.
class CaptionMetrics {
public:
    // wordnet gives METEOR its synonym stage; it must outlive this object.
    explicit CaptionMetrics(const WordNetDatabase &wordnet);
    ~CaptionMetrics();

    // Counts one caption; returns its METEOR, the per-question score the report ranks by.
    double add(const std::string &candidate, const std::vector<std::string> &references);

    // {"questions", "rouge1", "rougeL", "meteor", "cider"}
    Json toJson() const;

private:
    const WordNetDatabase &wordnet_;
    std::unique_ptr<CiderScorer> cider_;
    double rouge1_ = 0.0;
    double rougeL_ = 0.0;
    double meteor_ = 0.0;
    long long count_ = 0;
};

} // namespace geolens
