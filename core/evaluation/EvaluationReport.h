#pragma once

#include "common/JsonIo.h"
#include "evaluation/BenchmarkDataset.h"
#include "evaluation/HtmlReport.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geolens {

class WordNetDatabase;

// A model as the report names it: the folder's name, unique within a report.
struct EvaluatedModel {
    std::string name;
    std::string path;
    std::string device;
    std::string dtype;
    std::uint64_t params = 0;
};

// The files of a report folder, written from the benchmark and the predictions on disk, so that a
// report can always be rebuilt from what an interrupted run left:
//   evaluation.json          the benchmark (format, classes, what was left out) and the models
//   metrics.json             each model's name -> its metrics, fractions in 0-1
//   scored-<model>.jsonl     each question as scored (the GUI lists a confusion cell's images from it)
//   tables.md, tables.csv    the paper's tables, one row per model
//   report.html              charts, heat maps and the worst examples, self-contained
// Every file is written under a temporary name and renamed.
class EvaluationReport {
public:
    EvaluationReport(const BenchmarkDataset &dataset, std::vector<const BenchmarkItem *> questions,
                     std::string reportDir);

    // The benchmark and the models, before any answer (the GUI shows a report that is under way).
    void writeManifest(const std::vector<EvaluatedModel> &models, const std::string &command) const;

    // Scores every model's predictions and writes the files above; returns metrics.json's content.
    // wordnet is needed for captions only. thumbnail may be empty (no pictures in report.html).
    Json write(const std::vector<EvaluatedModel> &models, const WordNetDatabase *wordnet,
               const HtmlReport::Thumbnailer &thumbnail) const;

    static std::string scoredPath(const std::string &reportDir, const std::string &modelName);

private:
    const BenchmarkDataset &dataset_;
    std::vector<const BenchmarkItem *> questions_;
    std::string reportDir_;
};

} // namespace geolens
