#pragma once

#include "common/JsonIo.h"
#include "evaluation/BenchmarkDataset.h"
#include "evaluation/PredictionLog.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geolens {

class WordNetDatabase;

// One question as scored, for the report's worst examples and the GUI's confusion matrix cells.
struct ScoredQuestion {
    std::string id;
    std::string image;
    std::string question;
    std::string answer;
    std::string truth;      // the class, the expected answer, the reference caption, or "N objects"
    std::string predicted;  // scene: the class the answer names, or "(no class)"
    std::string type;       // vqa / referring type
    std::string sizeGroup;
    std::string status;     // "answered", "not answered yet", or why there is no answer
    bool correct = false;   // scene, vqa: right; boxes: every object found at IoU 0.5; caption: METEOR >= 0.5
    double score = 0.0;     // 1/0 (scene, vqa), found objects at 0.5 / objects, METEOR (caption)
    std::vector<std::array<Point2, 4>> predictedBoxes; // referring/grounding, in image pixels
    std::vector<std::array<Point2, 4>> truthBoxes;

    Json toJson() const;
    static ScoredQuestion fromJson(const Json &j);
};

struct ModelEvaluation {
    Json metrics; // what metrics.json holds for the model
    std::vector<ScoredQuestion> questions; // in the benchmark's order
};

// Scores one model's predictions against the benchmark: the task's metrics (SceneMetrics,
// VqaMetrics, BoxMetrics, CaptionMetrics), questions without an answer counted by reason, and the
// cost: parameters, FLOPs per answer, seconds per question and the share of time spent outside
// the model.
class EvaluationScorer {
public:
    // wordnet is needed for the caption benchmark only (may be null otherwise).
    EvaluationScorer(const BenchmarkDataset &dataset, std::vector<const BenchmarkItem *> questions,
                     const WordNetDatabase *wordnet);

    ModelEvaluation score(const std::vector<PredictionRecord> &predictions, std::uint64_t parameters) const;

private:
    const BenchmarkDataset &dataset_;
    std::vector<const BenchmarkItem *> questions_;
    const WordNetDatabase *wordnet_;
};

} // namespace geolens
