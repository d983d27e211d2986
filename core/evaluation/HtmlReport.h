#pragma once

#include "common/JsonIo.h"
#include "evaluation/BenchmarkDataset.h"
#include "evaluation/EvaluationScorer.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace geolens {

class ReportTables;

// A small picture of a benchmark image for the report, encoded by the caller (the CLI has OpenCV).
struct Thumbnail {
    std::string dataUri;   // "data:image/jpeg;base64,..."
    int width = 0;         // the thumbnail's size in pixels
    int height = 0;
    double scale = 1.0;    // thumbnail pixels per image pixel
};

// report.html: one self-contained page (inline SVG, images as data URIs) with the tables, the
// task's charts (confusion matrices as heat maps and per-class bars for scenes, per-type bars for
// VQA, per-size bars for boxes, the caption metrics), and each model's worst examples with their
// images, answers and ground truth (boxes drawn over the image).
class HtmlReport {
public:
    using Thumbnailer = std::function<std::optional<Thumbnail>(const std::string &imagePath)>;
    static constexpr int WorstExamples = 12;

    HtmlReport(const BenchmarkDataset &dataset, const ReportTables &tables, const Json &metrics,
               std::vector<std::string> models, const std::vector<ModelEvaluation> &evaluations);

    std::string render(const Thumbnailer &thumbnail) const;

    // The questions shown as a model's worst: wrong ones (lowest score first), in benchmark order
    // among equal scores.
    static std::vector<const ScoredQuestion *> worstQuestions(const ModelEvaluation &evaluation, int count);

private:
    const BenchmarkDataset &dataset_;
    const ReportTables &tables_;
    const Json &metrics_;
    std::vector<std::string> models_;
    const std::vector<ModelEvaluation> &evaluations_;
};

} // namespace geolens
