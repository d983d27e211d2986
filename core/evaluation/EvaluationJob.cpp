#include "evaluation/EvaluationJob.h"

#include "common/Error.h"
#include "evaluation/PredictionLog.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <set>

namespace geolens {

namespace {

namespace fs = std::filesystem;

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string trimmed(const std::string &text)
{
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

} // namespace

EvaluationJob::EvaluationJob(const BenchmarkDataset &dataset, std::string reportDir, ImageReader reader,
                             EvaluationOptions options)
    : dataset_(dataset), reportDir_(std::move(reportDir)), reader_(std::move(reader)), options_(options)
{
    if (options_.batch < 1)
        throw InvalidArgument("The batch size must be at least 1.");
    if (options_.limit < 0)
        throw InvalidArgument("The question limit cannot be negative.");
}

std::vector<const BenchmarkItem *> EvaluationJob::questions() const
{
    std::vector<const BenchmarkItem *> out;
    const std::size_t n = options_.limit > 0 ? std::min<std::size_t>(options_.limit, dataset_.items.size())
                                             : dataset_.items.size();
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(&dataset_.items[i]);
    return out;
}

std::string EvaluationJob::predictionsPath(const std::string &reportDir, const std::string &modelName)
{
    return (fs::path(reportDir) / ("predictions-" + modelName + ".jsonl")).string();
}

void EvaluationJob::prepare(const std::vector<std::string> &modelNames) const
{
    std::error_code ec;
    fs::create_directories(reportDir_, ec);
    if (ec || !fs::is_directory(reportDir_, ec))
        throw FileError(reportDir_, "cannot be created as the report folder: " + ec.message() + ".");
    std::set<std::string> seen;
    for (const std::string &name : modelNames) {
        if (!seen.insert(name).second)
            throw InvalidArgument("Two models are both named \"" + name + "\"; their predictions would share a file. "
                                  "Give the model folders different names.");
        const std::string path = predictionsPath(reportDir_, name);
        if (!options_.resume && fs::exists(path, ec) && fs::file_size(path, ec) > 0)
            throw FileError(path, "already holds predictions from an earlier run. Pass --resume to go on with it, or "
                                  "choose another report folder.");
    }
}

ModelRunSummary EvaluationJob::run(const std::string &modelName, EvaluationModel &model, const JobProgress &progress)
{
    const auto start = std::chrono::steady_clock::now();
    const std::string path = predictionsPath(reportDir_, modelName);
    std::set<std::string> done;
    if (options_.resume)
        for (const PredictionRecord &r : PredictionLog::read(path))
            done.insert(r.id);
    std::vector<const BenchmarkItem *> todo;
    ModelRunSummary summary;
    const std::vector<const BenchmarkItem *> all = questions();
    for (const BenchmarkItem *item : all) {
        if (done.count(item->id))
            ++summary.alreadyDone;
        else
            todo.push_back(item);
    }
    PredictionLog log(path);
    const auto total = static_cast<std::int64_t>(all.size());
    progress.report(summary.alreadyDone, total, modelName);
    const std::size_t batch = static_cast<std::size_t>(options_.batch);
    // The images of a batch, read while the model answers the batch before it, so that a model on
    // a GPU never waits for the disk.
    struct PreparedBatch {
        std::vector<PredictionRecord> records;
        std::vector<RgbImage> images;
        std::vector<std::string> prompts;
        std::vector<std::size_t> asked; // index into records
        int failed = 0;
    };
    const auto prepareBatch = [&](std::size_t first) {
        PreparedBatch b;
        const std::size_t end = std::min(todo.size(), first + batch);
        b.records.resize(end - first);
        for (std::size_t i = first; i < end; ++i) {
            PredictionRecord &r = b.records[i - first];
            r.id = todo[i]->id;
            try {
                RgbImage image = reader_(todo[i]->image);
                r.imageWidth = image.width;
                r.imageHeight = image.height;
                b.images.push_back(std::move(image));
                b.prompts.push_back(todo[i]->question);
                b.asked.push_back(i - first);
            } catch (const Error &e) {
                std::error_code ec;
                r.status = fs::exists(todo[i]->image, ec) ? "unreadable image" : "missing image";
                r.detail = e.what();
                ++b.failed;
            }
        }
        return b;
    };
    std::future<PreparedBatch> next;
    if (!todo.empty())
        next = std::async(std::launch::async, prepareBatch, 0);
    auto batchStart = std::chrono::steady_clock::now();
    for (std::size_t first = 0; first < todo.size(); first += batch) {
        progress.throwIfCanceled();
        PreparedBatch current = next.get();
        if (first + batch < todo.size())
            next = std::async(std::launch::async, prepareBatch, first + batch);
        summary.failed += current.failed;
        double modelSeconds = 0.0;
        if (!current.images.empty()) {
            const auto modelStart = std::chrono::steady_clock::now();
            const std::vector<ModelAnswer> answers = model.answer(current.images, current.prompts, progress.cancelFlag());
            modelSeconds = secondsSince(modelStart);
            for (std::size_t k = 0; k < current.asked.size() && k < answers.size(); ++k) {
                PredictionRecord &r = current.records[current.asked[k]];
                r.answer = trimmed(answers[k].text);
                r.promptTokens = answers[k].promptTokens;
                r.generatedTokens = answers[k].generatedTokens;
                r.flops = answers[k].flops;
                r.modelSeconds = modelSeconds / static_cast<double>(current.asked.size());
            }
            summary.answered += static_cast<int>(current.asked.size());
        }
        // Wall time from the end of the previous batch: what the run really spent on this one.
        const double batchSeconds = secondsSince(batchStart);
        for (PredictionRecord &r : current.records)
            r.seconds = batchSeconds / static_cast<double>(current.records.size());
        batchStart = std::chrono::steady_clock::now(); // writing counts towards the next batch
        log.append(current.records);
        summary.modelSeconds += modelSeconds;
        progress.report(summary.alreadyDone + static_cast<std::int64_t>(first + current.records.size()), total, modelName);
    }
    summary.seconds = secondsSince(start);
    return summary;
}

} // namespace geolens
