#pragma once

// One distillation run, start to finish: data, models, the method's loss terms, the optimiser,
// metrics, checkpoints, resume and export. The command line and the wizard's run monitor both
// drive it; LibTorch stays behind this header.

#include "distill/DistillConfig.h"
#include "distill/MetricsRecord.h"
#include "distributed/DistributedGroup.h"
#include "model/ImagePreprocessor.h"

#include <atomic>
#include <functional>
#include <limits>
#include <string>

namespace geolens {

struct DistillHooks {
    // Decodes an image file (required). Throws FileError for what it cannot read.
    std::function<RgbImage(const std::string &path)> readImage;
    // Checks the data's images before the run (optional; see InstructionLoadOptions).
    std::function<std::string(const std::string &path)> checkImage;
    // Progress lines for a terminal or a log pane (optional).
    std::function<void(const std::string &message)> log;
    // Each record once it is in metrics.jsonl (optional).
    std::function<void(const MetricsRecord &record)> onMetrics;
    // Set from another thread or a signal handler: the run stops after the current step, with a
    // checkpoint. A file named STOP in the run folder does the same.
    const std::atomic<bool> *stop = nullptr;
    // The processes of a data-parallel run (optional; one process without it). Each rank takes its
    // share of every step's samples and rollouts, the gradients are summed over the ranks before
    // each update, and rank 0 alone writes run.json, metrics.jsonl, checkpoints and the student.
    DistributedGroup *group = nullptr;
};

struct DistillSummary {
    int stepsDone = 0;
    int totalSteps = 0;
    bool stopped = false;     // asked to stop before the end
    std::string checkpoint;   // the last checkpoint written
    std::string exported;     // the student's model folder, when the run reached its end
    double valLoss = std::numeric_limits<double>::quiet_NaN();
    double valReverseKl = std::numeric_limits<double>::quiet_NaN();
};

// Runs config (already validated) in config.out: writes run.json, metrics.jsonl, checkpoints in
// checkpoints/step-N and, at the end, the student as a model folder in student/. With resume the
// run continues from its last checkpoint, and the metrics after it are replaced, so the curve
// continues where the checkpoint left it. Throws Error subclasses with a message for the user
// (out-of-memory comes with advice); a run stopped by repeated non-finite losses throws after
// writing a checkpoint of the last good weights.
//
// The run holds the folder's lock (RunFolder) while it goes: a second run into it is refused.
// A fresh run into a folder that holds an earlier run's results is refused; Overwrite clears them
// first. Temporaries a killed run left are removed at the start and on resume.
enum class RunStart { Fresh, Resume, Overwrite };
DistillSummary runDistillation(const DistillConfig &config, RunStart start, const DistillHooks &hooks);
// resume: RunStart::Resume, else RunStart::Fresh.
DistillSummary runDistillation(const DistillConfig &config, bool resume, const DistillHooks &hooks);

// The folder of the last complete checkpoint of a run, or an empty string.
std::string lastCheckpoint(const std::string &runDir);

} // namespace geolens
