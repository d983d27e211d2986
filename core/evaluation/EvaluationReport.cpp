#include "evaluation/EvaluationReport.h"

#include "common/AtomicFile.h"
#include "evaluation/EvaluationJob.h"
#include "evaluation/EvaluationScorer.h"
#include "evaluation/PredictionLog.h"
#include "evaluation/ReportTables.h"

#include <filesystem>

namespace geolens {

namespace {

namespace fs = std::filesystem;

Json modelsJson(const std::vector<EvaluatedModel> &models)
{
    Json list = Json::array();
    for (const EvaluatedModel &m : models)
        list.push_back({{"name", m.name}, {"path", m.path}, {"device", m.device}, {"dtype", m.dtype}, {"params", m.params}});
    return list;
}

} // namespace

EvaluationReport::EvaluationReport(const BenchmarkDataset &dataset, std::vector<const BenchmarkItem *> questions,
                                   std::string reportDir)
    : dataset_(dataset), questions_(std::move(questions)), reportDir_(std::move(reportDir))
{
}

std::string EvaluationReport::scoredPath(const std::string &reportDir, const std::string &modelName)
{
    return (fs::path(reportDir) / ("scored-" + modelName + ".jsonl")).string();
}

void EvaluationReport::writeManifest(const std::vector<EvaluatedModel> &models, const std::string &command) const
{
    Json j;
    j["benchmark"] = benchmarkTaskName(dataset_.task);
    j["format"] = dataset_.format;
    j["dataset"] = dataset_.name;
    j["questions_file"] = dataset_.questionsFile;
    j["images"] = dataset_.imagesDir;
    j["questions"] = static_cast<long long>(questions_.size());
    j["questions_in_benchmark"] = static_cast<long long>(dataset_.items.size());
    if (dataset_.task == BenchmarkTask::Scene)
        j["classes"] = dataset_.classes;
    Json issues = Json::object();
    for (const auto &[reason, n] : dataset_.issueCounts())
        issues[reason] = n;
    j["dataset_issues"] = issues;
    Json examples = Json::array();
    for (std::size_t i = 0; i < dataset_.issues.size() && i < 20; ++i)
        examples.push_back({{"where", dataset_.issues[i].where},
                            {"reason", dataset_.issues[i].reason},
                            {"detail", dataset_.issues[i].detail}});
    j["dataset_issue_examples"] = examples;
    Json skipped = Json::object();
    for (const auto &[type, n] : dataset_.skippedTypes)
        skipped[type] = n;
    j["skipped_types"] = skipped;
    j["models"] = modelsJson(models);
    j["command"] = command;
    writeFileAtomically((fs::path(reportDir_) / "evaluation.json").string(), dumpJson(j, 2) + "\n");
}

Json EvaluationReport::write(const std::vector<EvaluatedModel> &models, const WordNetDatabase *wordnet,
                             const HtmlReport::Thumbnailer &thumbnail) const
{
    const EvaluationScorer scorer(dataset_, questions_, wordnet);
    Json metrics = Json::object();
    std::vector<ModelEvaluation> evaluations;
    for (const EvaluatedModel &m : models) {
        const auto predictions = PredictionLog::read(EvaluationJob::predictionsPath(reportDir_, m.name));
        ModelEvaluation e = scorer.score(predictions, m.params);
        std::string scored;
        for (const ScoredQuestion &q : e.questions)
            scored += dumpJson(q.toJson()) + "\n";
        writeFileAtomically(scoredPath(reportDir_, m.name), scored);
        metrics[m.name] = e.metrics;
        evaluations.push_back(std::move(e));
    }
    writeFileAtomically((fs::path(reportDir_) / "metrics.json").string(), dumpJson(metrics, 2) + "\n");
    const ReportTables tables(dataset_.task, dataset_.name, metrics);
    writeFileAtomically((fs::path(reportDir_) / "tables.md").string(), tables.markdown());
    writeFileAtomically((fs::path(reportDir_) / "tables.csv").string(), tables.csv());
    std::vector<std::string> names;
    for (const EvaluatedModel &m : models)
        names.push_back(m.name);
    const HtmlReport html(dataset_, tables, metrics, names, evaluations);
    writeFileAtomically((fs::path(reportDir_) / "report.html").string(), html.render(thumbnail));
    return metrics;
}

} // namespace geolens
