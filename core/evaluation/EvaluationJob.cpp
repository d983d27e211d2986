#include "evaluation/EvaluationJob.h"

#include "common/Error.h"
#include "common/TrimmedText.h"
#include "evaluation/PredictionLog.h"
#include "evaluation/ShardExchange.h"
#include "evaluation/ShardedRounds.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <optional>
#include <set>

namespace geolens {

namespace {

namespace fs = std::filesystem;

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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

void EvaluationJob::prepare(const std::vector<std::string> &modelNames, ShardExchange &ranks) const
{
    if (!ranks.distributed()) {
        prepare(modelNames);
        return;
    }
    runOnRoot(ranks, [&] { prepare(modelNames); }, "the report folder");
}

ModelRunSummary EvaluationJob::run(const std::string &modelName, EvaluationModel &model, const JobProgress &progress)
{
    ShardExchange alone;
    return run(modelName, model, progress, alone);
}

ModelRunSummary EvaluationJob::run(const std::string &modelName, EvaluationModel &model, const JobProgress &progress,
                                   ShardExchange &ranks)
{
    const auto start = std::chrono::steady_clock::now();
    const std::string path = predictionsPath(reportDir_, modelName);
    std::set<std::string> done;
    if (options_.resume) {
        // Rank 0's file is the truth: the other ranks may run where it cannot be read.
        Json ids = Json::array();
        if (ranks.isRoot())
            for (const PredictionRecord &r : PredictionLog::read(path))
                ids.push_back(r.id);
        if (ranks.distributed())
            ids = parseJson(ranks.broadcastFromRoot(dumpJson(ids), "the answers in " + path), path);
        for (const Json &id : ids)
            done.insert(id.get<std::string>());
    }
    std::vector<const BenchmarkItem *> todo;
    ModelRunSummary summary;
    const std::vector<const BenchmarkItem *> all = questions();
    for (const BenchmarkItem *item : all) {
        if (done.count(item->id))
            ++summary.alreadyDone;
        else
            todo.push_back(item);
    }
    std::optional<PredictionLog> log;
    if (ranks.isRoot())
        log.emplace(path);
    const auto total = static_cast<std::int64_t>(all.size());
    progress.report(summary.alreadyDone, total, modelName);
    // The images of a batch, read while the model answers the batch before it, so that a model on
    // a GPU never waits for the disk.
    struct PreparedBatch {
        std::vector<PredictionRecord> records;
        std::vector<RgbImage> images;
        std::vector<std::string> prompts;
        std::vector<std::size_t> asked; // index into records
        int failed = 0;
    };
    const auto prepareBatch = [&](const std::vector<std::size_t> &items) {
        PreparedBatch b;
        b.records.resize(items.size());
        for (std::size_t k = 0; k < items.size(); ++k) {
            const BenchmarkItem &item = *todo[items[k]];
            PredictionRecord &r = b.records[k];
            r.id = item.id;
            try {
                RgbImage image = reader_(item.image);
                r.imageWidth = image.width;
                r.imageHeight = image.height;
                b.images.push_back(std::move(image));
                b.prompts.push_back(item.question);
                b.asked.push_back(k);
            } catch (const Error &e) {
                std::error_code ec;
                r.status = fs::exists(item.image, ec) ? "unreadable image" : "missing image";
                r.detail = e.what();
                ++b.failed;
            }
        }
        return b;
    };
    ShardedRounds rounds(ranks, todo.size(), static_cast<std::size_t>(options_.batch), "the answers of " + modelName);
    std::vector<PredictionRecord> records(todo.size());
    std::future<PreparedBatch> next;
    if (rounds.rounds() > 0)
        next = std::async(std::launch::async, prepareBatch, rounds.itemsOf(0));
    auto batchStart = std::chrono::steady_clock::now();
    for (std::size_t round = 0; round < rounds.rounds(); ++round) {
        const auto answerBatch = [&](const std::vector<std::size_t> &items) {
            progress.throwIfCanceled();
            PreparedBatch current = next.get();
            if (round + 1 < rounds.rounds())
                next = std::async(std::launch::async, prepareBatch, rounds.itemsOf(round + 1));
            summary.failed += current.failed;
            double modelSeconds = 0.0;
            if (!current.images.empty()) {
                const auto modelStart = std::chrono::steady_clock::now();
                const std::vector<ModelAnswer> answers =
                    model.answer(current.images, current.prompts, progress.cancelFlag());
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
            summary.modelSeconds += modelSeconds;
            for (std::size_t k = 0; k < items.size(); ++k)
                records[items[k]] = std::move(current.records[k]);
        };
        rounds.run(
            round, answerBatch, [&](std::size_t i) { return records[i].toJson(); },
            [&](std::size_t i, const Json &j) {
                PredictionRecord &r = records[i] = PredictionRecord::fromJson(j);
                if (r.answered()) {
                    ++summary.answered;
                    summary.modelSeconds += r.modelSeconds;
                } else {
                    ++summary.failed;
                }
            });
        if (log) {
            std::vector<PredictionRecord> written;
            for (std::size_t i : rounds.allItemsOf(round))
                written.push_back(std::move(records[i]));
            log->append(written);
        }
        progress.report(summary.alreadyDone + static_cast<std::int64_t>(rounds.doneAfter(round)), total, modelName);
    }
    summary.seconds = secondsSince(start);
    return summary;
}

} // namespace geolens
