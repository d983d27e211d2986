#include "evaluation/BenchmarkDataset.h"

#include "common/Error.h"

namespace geolens {

const char *benchmarkTaskName(BenchmarkTask task)
{
    switch (task) {
    case BenchmarkTask::Scene: return "scene";
    case BenchmarkTask::Vqa: return "vqa";
    case BenchmarkTask::Referring: return "referring";
    case BenchmarkTask::Grounding: return "grounding";
    case BenchmarkTask::Caption: return "caption";
    }
    return "scene";
}

BenchmarkTask parseBenchmarkTask(const std::string &name)
{
    for (BenchmarkTask t : {BenchmarkTask::Scene, BenchmarkTask::Vqa, BenchmarkTask::Referring,
                            BenchmarkTask::Grounding, BenchmarkTask::Caption})
        if (name == benchmarkTaskName(t))
            return t;
    throw InvalidArgument("Unknown benchmark \"" + name + "\"; the benchmarks are scene, vqa, referring, grounding "
                          "and caption.");
}

std::map<std::string, int> BenchmarkDataset::issueCounts() const
{
    std::map<std::string, int> counts;
    for (const BenchmarkIssue &issue : issues)
        ++counts[issue.reason];
    return counts;
}

} // namespace geolens
