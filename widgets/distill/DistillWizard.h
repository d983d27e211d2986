#pragma once

#include "distill/DistillConfig.h"
#include "distill/SampleFit.h"

#include <QWizard>

#include <optional>

namespace geolens {

struct TrialResult;
class GpuInventory;
class DistillModelsPage;
class DistillDataPage;
class DistillMethodPage;
class DistillTrainingPage;
class DistillReviewPage;

// Builds the configuration of a distillation run step by step: the teacher and student folders,
// the instruction data (checked before going on), the method with its weights, the training
// settings, and a review of the run.json that will be written. Every page refuses to go on with
// the file and the problem named in a message on the page, so no dialog interrupts the user.
//
// Settings the pages do not show (optimiser betas, eps, ...) are kept from the configuration given
// to setConfig(), so that setConfig() followed by config() gives back the same configuration.
class DistillWizard : public QWizard {
    Q_OBJECT

public:
    enum PageId { ModelsPageId, DataPageId, MethodPageId, TrainingPageId, ReviewPageId };
    Q_ENUM(PageId)

    explicit DistillWizard(QWidget *parent = nullptr);
    ~DistillWizard() override;

    // Fills every page from config; the data check is then to be done again.
    void setConfig(const DistillConfig &config);
    // What the pages hold now.
    DistillConfig config() const;
    // Whether the checked data's training samples fit in config()'s max_length at its image size;
    // nothing before a check, or when the student cannot be read.
    std::optional<SampleFit> sampleFit() const;

    // The message the page shows about why it cannot go on; empty when there is none.
    QString problem(int pageId) const;

    // Loads the instruction data as the data page's Check button does, off the GUI thread;
    // dataCheckFinished() tells when it is done.
    void checkData();
    bool isCheckingData() const;

    // The program that lists the GPUs, "nvidia-smi" by default; setting it asks again.
    void setGpuQueryProgram(const QString &program);
    GpuInventory *gpuInventory() const { return gpus_; }

    // The geolens-cli that the training page's Measure runs; by default the one next to this
    // application, else the one on PATH.
    void setCliPath(const QString &path) { cliPath_ = path; }
    QString cliPath() const { return cliPath_; }
    // The launcher of runs on several GPUs, "torchrun" by default (looked up on PATH); the training
    // page refuses more than one GPU without it.
    void setTorchrunProgram(const QString &program);
    QString torchrunProgram() const { return torchrun_; }
    // The GPUs the run is to use, as the training page's "GPUs to use" says: the processes of
    // the run, each one rank under torchrun when there are more than one.
    int gpuCount() const;
    // The arguments of `geolens-cli distill` that start the run of config, whose run.json is
    // saved in its output folder first.
    static QStringList runArguments(const DistillConfig &config);
    // The whole command that starts the run of config(): geolens-cli alone, or under torchrun.
    QStringList launchCommand() const;

    // Starts the training page's trial run, as its Measure button does; measurementFinished()
    // tells when it has ended. cancelMeasurement() ends it early.
    void measure();
    void cancelMeasurement();
    bool isMeasuring() const;
    // What the last trial measured; null before one succeeded, or after one failed.
    const TrialResult *measurement() const;

    // Ends a trial still going too: it would hold the GPU the run is about to use.
    void done(int result) override;

    // "1.3 GiB", "512 MiB", ...
    static QString formatBytes(double bytes);

signals:
    void dataCheckFinished(bool ok);
    // The method page's "Fast tile classifier (multi-aspect)": the wizard closes (rejected) and
    // the caller opens that method's own wizard.
    void tileClassifierRequested();
    // A trial run ended: ok when it measured the time per step, false when it failed or was
    // cancelled (the training page says which).
    void measurementFinished(bool ok);

private:
    friend class DistillModelsPage;
    friend class DistillDataPage;
    friend class DistillMethodPage;
    friend class DistillTrainingPage;
    friend class DistillReviewPage;

    // Settings no page shows, and the starting point of config().
    DistillConfig base_;
    // Before the pages, which use them as they are made.
    GpuInventory *gpus_;
    QString cliPath_;
    QString torchrun_;
    DistillModelsPage *models_;
    DistillDataPage *data_;
    DistillMethodPage *method_;
    DistillTrainingPage *training_;
    DistillReviewPage *review_;
};

} // namespace geolens
