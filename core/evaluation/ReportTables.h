#pragma once

#include "common/JsonIo.h"
#include "evaluation/BenchmarkDataset.h"

#include <string>
#include <vector>

namespace geolens {

// One column of a report table: a header and the value of each model, as written.
struct ReportColumn {
    std::string header;
    std::vector<std::string> values; // one per model, in the metrics' order
};

// The paper's tables for one benchmark run: metrics holds each model's metrics (metrics.json), one
// row per model. Accuracies are percentages with two decimals as the paper prints them; CIDEr-D
// is the raw score; cost is parameters in millions, GFLOPs per answer and seconds per question.
class ReportTables {
public:
    ReportTables(BenchmarkTask task, std::string datasetName, const Json &metrics);

    std::vector<std::string> models() const { return models_; }
    const std::vector<ReportColumn> &scoreColumns() const { return scores_; }
    const std::vector<ReportColumn> &costColumns() const { return cost_; }

    // Two tables: the scores (tables 3-7) and size and cost (table 8), with a note on what was
    // left out.
    std::string markdown() const;
    // One row per model with every column of both tables (RFC 4180 quoting).
    std::string csv() const;

    // Shared with PaperTables: a CSV field quoted as RFC 4180 needs, and a Markdown table.
    static std::string csvField(const std::string &text);
    static std::string markdownTable(const std::vector<std::string> &headers,
                                     const std::vector<std::vector<std::string>> &rows);

private:
    BenchmarkTask task_;
    std::string dataset_;
    std::vector<std::string> models_;
    std::vector<ReportColumn> scores_;
    std::vector<ReportColumn> cost_;
    std::vector<std::string> notes_;
};

} // namespace geolens
