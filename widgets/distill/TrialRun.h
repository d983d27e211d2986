#pragma once

#include "distill/DistillConfig.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <utility>
#include <vector>

class QProcess;
class QTemporaryDir;

namespace geolens {

// Time per step of one phase of a trial ("sft", "distill", or the method's name).
struct TrialPhase {
    QString name;
    // Steps timed: the phase's steps but its first, which includes warming up (loading, the first
    // CUDA kernels, the evaluation that ends the SFT warm start, ...).
    int timedSteps = 0;
    double secondsPerStep = 0.0;
    // Mean of the timed steps' tokens_per_s.
    double tokensPerSecond = 0.0;
};

// What a trial measured, from its metrics.jsonl.
struct TrialResult {
    QList<TrialPhase> phases; // in the order they ran
    int stepRecords = 0;
    double peakGpuMemoryGb = 0.0; // gpu_mem_gb: the peak on the student's GPU, 0 on the CPU
    double peakRssGb = 0.0;       // rss_gb: the process's resident memory
    double tokensPerSecond = 0.0; // mean over the timed steps of every phase

    // At least one phase has a timed step.
    bool isValid() const;
    // Nothing when the phase did not run or had no timed step.
    const TrialPhase *phase(const QString &name) const;
};

// A short real run of a distillation configuration that measures the time per step and the peak
// memory: `geolens-cli distill --config TMP/run.json --out TMP/trial --steps N --json --set ...` in
// a temporary folder, with the evaluations, checkpoints and epochs turned off and the validation
// set cut to one entry, so that the trial does little besides training steps. For the paper's
// method it runs 2 SFT steps and then 1 + minillm.ppo_epochs distillation steps: a batch of
// rollouts is collected every ppo_epochs steps and costs more than the steps between, so the timed
// steps (all but each phase's first) hold exactly one collection per ppo_epochs steps, as the
// real run does.
//
// As soon as every step has been written, the process is killed: the final evaluation, checkpoint
// and export are of no interest. The process is asynchronous; nothing waits for it.
class TrialRun : public QObject {
    Q_OBJECT

public:
    explicit TrialRun(QObject *parent = nullptr);
    // Kills a trial still going and removes its folder.
    ~TrialRun() override;

    // The SFT steps and all the steps a trial of config runs.
    static std::pair<int, int> trialSteps(const DistillConfig &config);
    // The settings the trial changes, as "key=value" items for --set.
    static std::vector<std::pair<std::string, std::string>> trialOverrides(const DistillConfig &config);

    // Starts a trial of config. False, with failed() emitted too, when one is going, the folder
    // cannot be written, the configuration has problems or the program cannot be started.
    bool start(const DistillConfig &config, const QString &cliPath);
    // Ends the trial; canceled() follows.
    void cancel();
    bool isRunning() const { return process_ != nullptr; }
    int totalSteps() const { return totalSteps_; }
    int stepsDone() const { return stepsDone_; }
    // The command line of the last trial, for the page's tooltip and the log.
    QStringList commandLine() const { return commandLine_; }

    // The measurement from metrics.jsonl text: seconds per step from the differences of "seconds"
    // between consecutive step records (those with a "loss"), per "phase", each phase's first step
    // left out; the peaks of gpu_mem_gb and rss_gb; the mean tokens_per_s. Evaluation records and
    // lines that are not JSON objects are skipped.
    static TrialResult parseMetrics(const QByteArray &text);

signals:
    // Steps written so far of totalSteps(); 0 while the models load.
    void progress(int stepsDone, int totalSteps);
    void finished(const geolens::TrialResult &result);
    void failed(const QString &message);
    void canceled();

private:
    void readOutput();
    void readErrors();
    void processEnded(int exitCode, int exitStatus);
    void processFailed(int error);
    void fail(const QString &message);
    void dropProcess();
    QString lastLines() const;

    QProcess *process_ = nullptr;
    std::unique_ptr<QTemporaryDir> dir_;
    QString program_;
    QStringList commandLine_;
    int totalSteps_ = 0;
    int stepsDone_ = 0;
    bool complete_ = false;
    QByteArray outPartial_;
    QByteArray errPartial_;
    QStringList messages_; // the last lines that were not metrics, from both streams
};

} // namespace geolens

Q_DECLARE_METATYPE(geolens::TrialResult)
