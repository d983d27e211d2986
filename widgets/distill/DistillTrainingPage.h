#pragma once

#include "DistillWizardPage.h"
#include "TrialRun.h"
#include "distill/DistillConfig.h"

#include <optional>
#include <string>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace geolens {

// The fourth page: the optimiser, the length of the run, the precision and the output folder,
// with an estimate of the memory the run needs and a trial run (Measure) that times a few real
// steps of the configuration and forecasts the length of the run.
class DistillTrainingPage : public DistillWizardPage {
    Q_OBJECT

public:
    explicit DistillTrainingPage(DistillWizard *wizard);

    void load(const DistillConfig &c);
    void apply(DistillConfig &c) const;

    // The method page's preset also sets the warm start, which only the paper's method has.
    void presetChosen(const DistillConfig &preset);
    void initializePage() override;
    bool validatePage() override;

    QString memoryText() const;
    QString outNote() const;
    QString measurementText() const;
    bool isMeasuring() const;
    const TrialResult *measurement() const { return result_ ? &*result_ : nullptr; }
    void cancelMeasurement();
    void measure();

    // The GPU list came (later than the page, perhaps): the estimate can name free memory now, and
    // "GPUs to use" can offer them.
    void devicesListed();
    // The wizard's torchrun program changed.
    void launcherChanged() { updateLaunch(); }

    // "GPUs to use": 1 while the choice is disabled.
    int gpuCount() const;
    // The command that starts the run: geolens-cli alone, or under torchrun for several GPUs.
    QStringList launchCommand() const;

private:
    static void setComboText(QComboBox *combo, const QString &text);
    static bool hasRun(const QString &folder);

    void updateOutNote();
    // The range of "GPUs to use" and whether it is enabled, from the GPUs listed and the devices.
    void updateGpuChoice();
    void updateLaunch();
    // The torchrun the wizard names, as an executable; empty when there is none.
    QString torchrun() const;

    enum class Measure { None, Running, Done, Failed, Canceled };
    enum class Tone { Normal, Quiet, Error };

    void setMeasurementText(const QString &text, Tone tone);
    void resetMeasureControls();
    void trialProgress(int done, int total);
    void trialFinished(const TrialResult &result);
    void trialFailed(const QString &message);
    void trialCanceled();
    QString measuredSummary(const DistillConfig &c) const;
    void updateMeasurement();
    void updateMemory();

    QLineEdit *lr_;
    QComboBox *schedule_;
    QSpinBox *warmup_, *batch_, *accumulation_, *steps_, *epochs_, *evalInterval_, *checkpointInterval_, *sftWarmup_;
    QComboBox *warmupLoss_;
    QLineEdit *seed_;
    QComboBox *dtype_;
    QSpinBox *imageSize_, *maxLength_;
    QCheckBox *cacheImages_;
    QLineEdit *out_;
    QLabel *outNote_;
    QFormLayout *launchForm_ = nullptr;
    QSpinBox *gpus_;
    QLabel *launchCommand_;
    QLabel *launchNote_;
    // The GPUs asked for, kept while fewer are offered (the GPU list not there yet, say).
    int wantedGpus_ = 1;
    QLabel *memory_;
    QPushButton *measure_;
    QProgressBar *measureProgress_;
    QPushButton *cancelMeasure_;
    QLabel *measurement_;
    TrialRun *trial_;
    Measure state_ = Measure::None;
    std::optional<TrialResult> result_;
    QString failure_;
    std::string measuredSignature_, pendingSignature_;
};

} // namespace geolens
