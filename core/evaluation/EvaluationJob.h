#pragma once

#include "common/JobProgress.h"
#include "evaluation/BenchmarkDataset.h"
#include "evaluation/EvaluationModel.h"

#include <functional>
#include <string>
#include <vector>

namespace geolens {

class ShardExchange;

struct EvaluationOptions {
    int limit = 0;        // the first N questions only; 0: all
    int batch = 8;        // questions per batched generation
    bool resume = false;  // go on from the predictions already in the report folder
};

// How one model's pass over the questions went.
struct ModelRunSummary {
    int alreadyDone = 0;   // answered in an earlier run (--resume)
    int answered = 0;
    int failed = 0;        // no answer: the image could not be read
    double seconds = 0.0;  // wall time of this run
    double modelSeconds = 0.0;
};

// Answers a benchmark's questions with one model after another, writing
// REPORT_DIR/predictions-<model>.jsonl as it goes (flushed with each batch, so --resume skips what
// is done). Images are read by the caller's reader (the CLI decodes TIFF, JPEG and PNG with
// OpenCV) on a second thread, a batch ahead of the model, so the reader must be safe to call from
// another thread. Scoring the predictions is EvaluationScorer's work. The questions can be shared
// among the processes of a data-parallel run, whose rank 0 alone writes.
class EvaluationJob {
public:
    using ImageReader = std::function<RgbImage(const std::string &path)>;

    EvaluationJob(const BenchmarkDataset &dataset, std::string reportDir, ImageReader reader,
                  EvaluationOptions options);

    // The questions this run covers: the dataset's, or the first `limit` of them.
    std::vector<const BenchmarkItem *> questions() const;

    static std::string predictionsPath(const std::string &reportDir, const std::string &modelName);

    // Before any model is loaded: creates the report folder and refuses, with a FileError naming
    // the file, to mix a new run into predictions already there unless resuming.
    void prepare(const std::vector<std::string> &modelNames) const;
    // The same for a data-parallel run: rank 0 alone, which writes the report, checks its folder
    // and every rank throws what it found.
    void prepare(const std::vector<std::string> &modelNames, ShardExchange &ranks) const;

    // Answers every question of questions() that the model's predictions do not hold yet.
    // progress reports questions done out of questions().size(). Throws Canceled (what is
    // answered stays on disk), FileError when the predictions cannot be written.
    ModelRunSummary run(const std::string &modelName, EvaluationModel &model, const JobProgress &progress);
    // The same with the questions shared among the ranks of a data-parallel run (ShardedRounds):
    // rank 0 reads what the predictions already hold (--resume) and tells the others, every rank
    // answers its share of the rest, and rank 0 appends every rank's answers of a round to the
    // predictions, in the order run() writes them, as each round ends. A Ctrl+C or a failure
    // loses the round in flight. Rank 0's summary and progress are the whole job's, the others'
    // their own share's.
    ModelRunSummary run(const std::string &modelName, EvaluationModel &model, const JobProgress &progress,
                        ShardExchange &ranks);

private:
    const BenchmarkDataset &dataset_;
    std::string reportDir_;
    ImageReader reader_;
    EvaluationOptions options_;
};

} // namespace geolens
