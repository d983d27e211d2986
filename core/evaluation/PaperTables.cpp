#include "evaluation/PaperTables.h"

#include "common/Error.h"
#include "evaluation/BenchmarkDataset.h"
#include "evaluation/ReportTables.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace geolens {

namespace {

std::string withDataset(const std::string &header, const std::string &dataset)
{
    return header.find(dataset) != std::string::npos ? header : dataset + " " + header;
}

} // namespace

PaperTables PaperTables::fromReportFolders(const std::vector<std::string> &folders)
{
    std::vector<Run> runs;
    for (const std::string &folder : folders) {
        const std::filesystem::path dir(folder);
        const Json manifest = readJsonFile((dir / "evaluation.json").string());
        Run run;
        const Json *benchmark = jsonMember(manifest, "benchmark");
        const Json *dataset = jsonMember(manifest, "dataset");
        if (!benchmark || !benchmark->is_string() || !dataset || !dataset->is_string())
            throw FileError((dir / "evaluation.json").string(), "does not name its benchmark and dataset.");
        run.benchmark = benchmark->get<std::string>();
        run.dataset = dataset->get<std::string>();
        run.metrics = readJsonFile((dir / "metrics.json").string());
        if (!run.metrics.is_object())
            throw FileError((dir / "metrics.json").string(), "is not an object of models.");
        runs.push_back(std::move(run));
    }
    return PaperTables(std::move(runs));
}

PaperTables::PaperTables(std::vector<Run> runs)
{
    for (const Run &run : runs)
        for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it)
            if (std::find(models_.begin(), models_.end(), it.key()) == models_.end())
                models_.push_back(it.key());
    const auto modelIndex = [&](const std::string &name) {
        return static_cast<std::size_t>(std::find(models_.begin(), models_.end(), name) - models_.begin());
    };

    const std::vector<std::pair<std::string, std::vector<std::string>>> groups{
        {"Scene classification (tables 3-4)", {"scene"}},
        {"Visual question answering (table 5)", {"vqa"}},
        {"Referring and grounding (table 6)", {"referring", "grounding"}},
        {"Region captions (table 7)", {"caption"}},
    };
    Table cost{"Size and cost (table 8)", {}, std::vector<std::vector<std::string>>(models_.size())};
    std::vector<bool> costFilled(models_.size(), false);
    for (const auto &[title, benchmarks] : groups) {
        Table table{title, {}, std::vector<std::vector<std::string>>(models_.size())};
        // OA of every dataset before AA of every dataset, as the paper prints them.
        std::vector<std::pair<int, std::size_t>> order; // (position in the run's columns, column)
        for (const Run &run : runs) {
            if (std::find(benchmarks.begin(), benchmarks.end(), run.benchmark) == benchmarks.end())
                continue;
            const ReportTables t(parseBenchmarkTask(run.benchmark), run.dataset, run.metrics);
            const std::vector<std::string> runModels = t.models();
            for (std::size_t c = 0; c < t.scoreColumns().size(); ++c) {
                const ReportColumn &column = t.scoreColumns()[c];
                const std::string prefix = benchmarks.size() > 1 ? run.benchmark + " " : std::string();
                table.headers.push_back(prefix + withDataset(column.header, run.dataset));
                order.emplace_back(run.benchmark == "scene" ? static_cast<int>(c) : 0, table.headers.size() - 1);
                for (auto &row : table.cells)
                    row.push_back("-");
                for (std::size_t m = 0; m < runModels.size(); ++m)
                    table.cells[modelIndex(runModels[m])].back() = column.values[m];
            }
            for (std::size_t m = 0; m < runModels.size(); ++m) {
                const std::size_t row = modelIndex(runModels[m]);
                if (costFilled[row])
                    continue;
                costFilled[row] = true;
                cost.cells[row].clear();
                for (std::size_t c = 0; c < 3 && c < t.costColumns().size(); ++c)
                    cost.cells[row].push_back(t.costColumns()[c].values[m]);
            }
            if (cost.headers.empty())
                for (std::size_t c = 0; c < 3 && c < t.costColumns().size(); ++c)
                    cost.headers.push_back(t.costColumns()[c].header);
        }
        if (table.headers.empty())
            continue;
        std::stable_sort(order.begin(), order.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        Table sorted{table.title, {}, std::vector<std::vector<std::string>>(models_.size())};
        for (const auto &[position, column] : order) {
            sorted.headers.push_back(table.headers[column]);
            for (std::size_t m = 0; m < models_.size(); ++m)
                sorted.cells[m].push_back(table.cells[m][column]);
        }
        tables_.push_back(std::move(sorted));
    }
    for (std::size_t m = 0; m < models_.size(); ++m)
        if (!costFilled[m])
            cost.cells[m].assign(cost.headers.size(), "-");
    if (!cost.headers.empty())
        tables_.push_back(std::move(cost));
}

std::string PaperTables::markdown() const
{
    std::string out;
    for (const Table &t : tables_) {
        std::vector<std::string> headers{"Model"};
        headers.insert(headers.end(), t.headers.begin(), t.headers.end());
        std::vector<std::vector<std::string>> rows;
        for (std::size_t m = 0; m < models_.size(); ++m) {
            rows.push_back({models_[m]});
            rows.back().insert(rows.back().end(), t.cells[m].begin(), t.cells[m].end());
        }
        out += "## " + t.title + "\n\n" + ReportTables::markdownTable(headers, rows) + "\n";
    }
    return out + "Accuracies in percent. VQA \"Overall\" is the paper's mOA (correct answers over all questions).\n";
}

std::string PaperTables::csv() const
{
    std::string out = "model";
    for (const Table &t : tables_)
        for (const std::string &h : t.headers)
            out += "," + ReportTables::csvField(h);
    out += "\n";
    for (std::size_t m = 0; m < models_.size(); ++m) {
        out += ReportTables::csvField(models_[m]);
        for (const Table &t : tables_)
            for (const std::string &c : t.cells[m])
                out += "," + ReportTables::csvField(c);
        out += "\n";
    }
    return out;
}

} // namespace geolens
