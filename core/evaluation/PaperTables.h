#pragma once

#include "common/JsonIo.h"

#include <string>
#include <vector>

namespace geolens {

// Several report folders (one benchmark on one dataset each) joined into the paper's tables 3-8,
// one row per model: scene OA of every dataset then AA of every dataset (tables 3-4), the VQA
// types and overall accuracy of every dataset (table 5), acc@0.5 and acc@0.25 (table 6), the
// caption scores (table 7), and size and cost (table 8). A model missing from a run gets "-".
class PaperTables {
public:
    // Reads evaluation.json and metrics.json of each folder. Throws FileError naming the file.
    static PaperTables fromReportFolders(const std::vector<std::string> &folders);

    struct Run {
        std::string benchmark; // "scene", ...
        std::string dataset;
        Json metrics;          // metrics.json
    };
    explicit PaperTables(std::vector<Run> runs);

    std::string markdown() const;
    // One row per model with every column of every table.
    std::string csv() const;

private:
    struct Table {
        std::string title;
        std::vector<std::string> headers;
        std::vector<std::vector<std::string>> cells; // [model][column]
    };
    std::vector<std::string> models_;
    std::vector<Table> tables_;
};

} // namespace geolens
