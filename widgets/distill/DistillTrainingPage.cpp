#include "DistillTrainingPage.h"

#include "distill/RunFolder.h"

#include "CliProgram.h"
#include "DistillDataPage.h"
#include "DistillMethodPage.h"
#include "DistillModelsPage.h"
#include "DistillWizard.h"
#include "DistributedLaunch.h"
#include "GpuInventory.h"
#include "distill/MemoryEstimate.h"
#include "distill/TrialTiming.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

namespace geolens {

namespace {

const char *const OutputFolderKey = "distillWizard/outputFolder";
const char *const GpusKey = "distillWizard/gpus";

// "45 s", "12 min", "2 h 20 min", "3 days 4 h": a forecast needs no more precision than that.
QString durationText(double seconds)
{
    const qint64 s = std::llround(std::max(0.0, seconds));
    if (s < 90)
        return DistillWizard::tr("%1 s").arg(s);
    const qint64 minutes = (s + 30) / 60;
    if (minutes < 90)
        return DistillWizard::tr("%1 min").arg(minutes);
    if (minutes < 48 * 60)
        return DistillWizard::tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60);
    const qint64 hours = (minutes + 30) / 60;
    return DistillWizard::tr("%1 days %2 h").arg(hours / 24).arg(hours % 24);
}

QString secondsText(double seconds)
{
    if (seconds < 0.095)
        return DistillWizard::tr("%1 ms").arg(QString::number(seconds * 1000.0, 'f', seconds < 0.0095 ? 1 : 0));
    if (seconds < 9.95)
        return DistillWizard::tr("%1 s").arg(QString::number(seconds, 'f', 2));
    return DistillWizard::tr("%1 s").arg(QString::number(seconds, 'f', 1));
}

} // namespace

DistillTrainingPage::DistillTrainingPage(DistillWizard *wizard)
    : DistillWizardPage(wizard),
      lr_(numberEdit(tr("Peak learning rate; about 2e-5 with LoRA, 5e-6 when every weight is trained"))),
      schedule_(new QComboBox), warmup_(countBox(0, tr("Steps over which the learning rate rises from 0"))),
      batch_(countBox(0, tr("Samples per forward pass"))),
      accumulation_(countBox(0, tr("Forward passes whose gradients are summed before each optimiser step"))),
      steps_(countBox(0, tr("Optimiser steps of the run; used when epochs is off"))),
      epochs_(countBox(0, tr("Passes over the training data; off: the run lasts the given steps"))),
      evalInterval_(countBox(0, tr("Steps between validation passes; 0: only at the end"))),
      checkpointInterval_(countBox(0, tr("Steps between checkpoints; 0: only at the end"))),
      sftWarmup_(countBox(0, tr("Supervised steps on the answers before the paper's objective starts; 0 when the "
                                "student is already fine-tuned"))),
      warmupLoss_(new QComboBox), seed_(new QLineEdit), dtype_(new QComboBox),
      imageSize_(countBox(0, tr("Input resolution of the vision tower; the model's own when off"))),
      maxLength_(countBox(0, tr("Positions per sample: the prompt with the image features plus the answer"))),
      cacheImages_(checkBox(tr("Cache resized images in the run folder"),
                            tr("Decodes and resizes each image once per run so that later epochs skip it"))),
      out_(new QLineEdit), outNote_(new QLabel), gpus_(countBox(1, QString())), launchCommand_(new QLabel),
      launchNote_(new QLabel), wantedGpus_(std::max(1, QSettings().value(QLatin1String(GpusKey), 1).toInt())),
      memory_(new QLabel), measure_(new QPushButton(tr("Measure"))),
      measureProgress_(new QProgressBar), cancelMeasure_(new QPushButton(tr("Cancel"))), measurement_(new QLabel),
      trial_(new TrialRun(this))
{
    setTitle(tr("Training"));
    setSubTitle(tr("Optimiser, length of the run, precision and where the run is written."));
    auto *layout = new QVBoxLayout(this);
    auto *columns = new QHBoxLayout;
    auto *left = new QFormLayout;
    auto *right = new QFormLayout;
    lr_->setObjectName(QStringLiteral("optimiser.lr"));
    addNumber(lr_, tr("The learning rate"));
    left->addRow(tr("Learning rate:"), lr_);
    schedule_->addItems({QStringLiteral("cosine"), QStringLiteral("linear"), QStringLiteral("constant")});
    schedule_->setToolTip(tr("How the learning rate falls after the warm-up"));
    schedule_->setObjectName(QStringLiteral("optimiser.schedule"));
    left->addRow(tr("Schedule:"), schedule_);
    left->addRow(tr("Warm-up steps:"), warmup_);
    batch_->setObjectName(QStringLiteral("optimiser.batch_size"));
    left->addRow(tr("Batch size:"), batch_);
    left->addRow(tr("Gradient accumulation:"), accumulation_);
    steps_->setObjectName(QStringLiteral("run.steps"));
    left->addRow(tr("Steps:"), steps_);
    epochs_->setSpecialValueText(tr("off"));
    left->addRow(tr("Epochs:"), epochs_);
    right->addRow(tr("Evaluation interval:"), evalInterval_);
    right->addRow(tr("Checkpoint interval:"), checkpointInterval_);
    sftWarmup_->setObjectName(QStringLiteral("run.sft_warmup_steps"));
    right->addRow(tr("SFT warm-up steps:"), sftWarmup_);
    warmupLoss_->setObjectName(QStringLiteral("run.warmup_loss"));
    warmupLoss_->addItem(tr("Answers and teacher (KD)"), QStringLiteral("kd"));
    warmupLoss_->addItem(tr("Answers only (CE)"), QStringLiteral("ce"));
    warmupLoss_->setToolTip(tr("What the warm start learns from: the answers together with the teacher's outputs, as the "
                               "paper's first stage, or the answers alone (the teacher then runs only at validations)"));
    right->addRow(tr("Warm start learns from:"), warmupLoss_);
    seed_->setToolTip(tr("Seeds the data split, the shuffling and the rollouts, so a run can be repeated"));
    seed_->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{1,20}")), seed_));
    right->addRow(tr("Seed:"), seed_);
    dtype_->addItems({QStringLiteral("auto"), QStringLiteral("f32"), QStringLiteral("bf16"), QStringLiteral("f16")});
    dtype_->setToolTip(tr("Precision of the weights; auto: bf16 on a GPU, f32 on the CPU"));
    right->addRow(tr("Precision:"), dtype_);
    imageSize_->setSpecialValueText(tr("model's own"));
    right->addRow(tr("Image size:"), imageSize_);
    right->addRow(tr("Maximum length:"), maxLength_);
    right->addRow(cacheImages_);
    columns->addLayout(left);
    columns->addLayout(right);
    layout->addLayout(columns);
    auto *outForm = new QFormLayout;
    out_->setObjectName(QStringLiteral("out"));
    out_->setToolTip(tr("The run folder: run.json, checkpoints, metrics and the exported student go there"));
    outForm->addRow(tr("Output folder:"), pathRow(out_, true, OutputFolderKey, QString(), this));
    outNote_->setWordWrap(true);
    outForm->addRow(outNote_);
    gpus_->setObjectName(QStringLiteral("gpus"));
    gpus_->setRange(1, 1);
    // A count of a few, not a path: as wide as its numbers.
    gpus_->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    outForm->addRow(tr("GPUs to use:"), gpus_);
    launchCommand_->setObjectName(QStringLiteral("launchCommand"));
    launchCommand_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    launchCommand_->setWordWrap(true);
    launchCommand_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    launchCommand_->setToolTip(tr("The command Launch runs after saving run.json in the output folder: each of the "
                                  "processes torchrun starts is one rank of the run, on GPUs of its own"));
    outForm->addRow(tr("Command:"), launchCommand_);
    launchNote_->setObjectName(QStringLiteral("launchNote"));
    launchNote_->setWordWrap(true);
    launchNote_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The colour of the page's problem line: without torchrun the page cannot go on.
    launchNote_->setStyleSheet(QStringLiteral("color: #b00020;"));
    outForm->addRow(launchNote_);
    outForm->setRowVisible(launchCommand_, false);
    outForm->setRowVisible(launchNote_, false);
    launchForm_ = outForm;
    layout->addLayout(outForm);
    memory_->setObjectName(QStringLiteral("memory"));
    memory_->setWordWrap(true);
    memory_->setToolTip(tr("An estimate, not a measurement: weights in the chosen precision, plus 12 bytes per "
                           "trainable student parameter (its gradient and AdamW's two moments); activations, "
                           "the image cache and the framework's own memory come on top"));
    layout->addWidget(memory_);

    auto *measureRow = new QHBoxLayout;
    measure_->setObjectName(QStringLiteral("measure"));
    measure_->setToolTip(tr("Runs a few real steps of this configuration to measure the time per step and the "
                            "memory"));
    measureRow->addWidget(measure_);
    measureProgress_->setObjectName(QStringLiteral("measureProgress"));
    measureProgress_->setMaximumWidth(220);
    measureProgress_->hide();
    measureRow->addWidget(measureProgress_);
    cancelMeasure_->setObjectName(QStringLiteral("cancelMeasure"));
    cancelMeasure_->setToolTip(tr("Ends the trial run"));
    cancelMeasure_->hide();
    measureRow->addWidget(cancelMeasure_);
    measureRow->addStretch(1);
    layout->addLayout(measureRow);
    measurement_->setObjectName(QStringLiteral("measurement"));
    measurement_->setWordWrap(true);
    measurement_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(measurement_);
    layout->addStretch(1);
    layout->addWidget(problemLabel_);

    connect(out_, &QLineEdit::textChanged, this, &DistillTrainingPage::updateOutNote);
    connect(out_, &QLineEdit::textChanged, this, &DistillTrainingPage::updateLaunch);
    // Only a choice made here changes what is wanted: the page's own limits are set with the
    // signals blocked.
    connect(gpus_, &QSpinBox::valueChanged, this, [this](int value) {
        wantedGpus_ = value;
        updateLaunch();
        updateMemory();
    });
    connect(dtype_, &QComboBox::currentTextChanged, this, &DistillTrainingPage::updateMemory);
    connect(measure_, &QPushButton::clicked, this, &DistillTrainingPage::measure);
    connect(cancelMeasure_, &QPushButton::clicked, trial_, &TrialRun::cancel);
    connect(trial_, &TrialRun::progress, this, &DistillTrainingPage::trialProgress);
    connect(trial_, &TrialRun::finished, this, &DistillTrainingPage::trialFinished);
    connect(trial_, &TrialRun::failed, this, &DistillTrainingPage::trialFailed);
    connect(trial_, &TrialRun::canceled, this, &DistillTrainingPage::trialCanceled);
    // The length of the run changes the forecast; the batch, precision and sizes make the
    // measurement stale.
    for (QSpinBox *box : {batch_, accumulation_, steps_, epochs_, sftWarmup_, imageSize_, maxLength_})
        connect(box, &QSpinBox::valueChanged, this, &DistillTrainingPage::updateMeasurement);
    connect(dtype_, &QComboBox::currentTextChanged, this, &DistillTrainingPage::updateMeasurement);
    connect(cacheImages_, &QCheckBox::toggled, this, &DistillTrainingPage::updateMeasurement);
    updateMeasurement();
}

void DistillTrainingPage::load(const DistillConfig &c)
{
    lr_->setText(numberText(c.optimiser.lr));
    setComboText(schedule_, qs(c.optimiser.schedule));
    warmup_->setValue(c.optimiser.warmupSteps);
    batch_->setValue(c.optimiser.batchSize);
    accumulation_->setValue(c.optimiser.gradAccumulation);
    steps_->setValue(c.run.steps);
    epochs_->setValue(c.run.epochs);
    evalInterval_->setValue(c.run.evalInterval);
    checkpointInterval_->setValue(c.run.checkpointInterval);
    sftWarmup_->setValue(c.run.sftWarmupSteps);
    warmupLoss_->setCurrentIndex(std::max(0, warmupLoss_->findData(qs(c.run.warmupLoss))));
    seed_->setText(QString::number(c.run.seed));
    setComboText(dtype_, qs(c.run.dtype));
    imageSize_->setValue(c.run.imageSize);
    maxLength_->setValue(c.run.maxLength);
    cacheImages_->setChecked(c.run.cacheImages);
    out_->setText(qs(c.out));
    sftWarmup_->setEnabled(c.method == "paper");
    warmupLoss_->setEnabled(c.method == "paper");
    updateGpuChoice();
}

void DistillTrainingPage::apply(DistillConfig &c) const
{
    c.optimiser.lr = number(lr_, c.optimiser.lr);
    c.optimiser.schedule = schedule_->currentText().toStdString();
    c.optimiser.warmupSteps = warmup_->value();
    c.optimiser.batchSize = batch_->value();
    c.optimiser.gradAccumulation = accumulation_->value();
    c.run.steps = steps_->value();
    c.run.epochs = epochs_->value();
    c.run.evalInterval = evalInterval_->value();
    c.run.checkpointInterval = checkpointInterval_->value();
    c.run.sftWarmupSteps = sftWarmup_->value();
    c.run.warmupLoss = warmupLoss_->currentData().toString().toStdString();
    bool ok = false;
    const qulonglong seed = seed_->text().toULongLong(&ok);
    if (ok)
        c.run.seed = seed;
    c.run.dtype = dtype_->currentText().toStdString();
    c.run.imageSize = imageSize_->value();
    c.run.maxLength = maxLength_->value();
    c.run.cacheImages = cacheImages_->isChecked();
    c.out = out_->text().trimmed().toStdString();
}

void DistillTrainingPage::presetChosen(const DistillConfig &preset)
{
    sftWarmup_->setValue(preset.run.sftWarmupSteps);
    sftWarmup_->setEnabled(preset.method == "paper");
    warmupLoss_->setEnabled(preset.method == "paper");
}

void DistillTrainingPage::initializePage()
{
    sftWarmup_->setEnabled(wizard_->method_->methodText() == QLatin1String("paper"));
    warmupLoss_->setEnabled(sftWarmup_->isEnabled());
    updateOutNote();
    updateGpuChoice();
    updateMemory();
    updateMeasurement();
}

bool DistillTrainingPage::validatePage()
{
    clearProblem();
    if (!checkNumbers())
        return false;
    bool ok = false;
    seed_->text().toULongLong(&ok);
    if (!ok)
        return refuse(tr("The seed must be a whole number."));
    const QString out = out_->text().trimmed();
    if (out.isEmpty())
        return refuse(tr("Choose the output folder the run is written to."));
    const QFileInfo info(out);
    if (info.exists() && !info.isDir())
        return refuse(tr("The output folder %1 is a file.").arg(out));
    if (info.isDir() && !QDir(out).isEmpty() && !hasRun(out))
        return refuse(tr("The output folder %1 is not empty and holds no run (run.json): choose an empty or new "
                         "folder so that no other files are mixed with the run's.")
                          .arg(out));
    if (const std::optional<long> running = RunFolder::holder(out.toStdString()))
        return refuse(tr("A run (process %1) is using %2 now: wait for it to end, stop it in its monitor, or choose "
                         "another folder.")
                          .arg(*running)
                          .arg(out));
    if (gpuCount() > 1 && torchrun().isEmpty())
        return refuse(tr("A run on %1 GPUs is started through torchrun, which is not found. It comes with PyTorch "
                         "(Debian: python3-torch; elsewhere: pip install torch); or choose 1 GPU.")
                          .arg(gpuCount()));
    QSettings().setValue(QLatin1String(GpusKey), wantedGpus_);
    return true;
}

void DistillTrainingPage::devicesListed()
{
    updateGpuChoice();
    updateMemory();
}

int DistillTrainingPage::gpuCount() const
{
    // Held at 1 while the choice is disabled.
    return gpus_->value();
}

QString DistillTrainingPage::torchrun() const
{
    return executableProgram(wizard_->torchrun_);
}

QStringList DistillTrainingPage::launchCommand() const
{
    const QString cli = wizard_->cliPath_.isEmpty() ? geolensCliPath() : wizard_->cliPath_;
    const QString cliProgram = executableProgram(cli);
    const QString torchrunProgram = torchrun();
    return distributedLaunchCommand(torchrunProgram.isEmpty() ? wizard_->torchrun_ : torchrunProgram, gpuCount(),
                                    cliProgram.isEmpty() ? cli : cliProgram,
                                    DistillWizard::runArguments(wizard_->config()));
}

void DistillTrainingPage::updateGpuChoice()
{
    const GpuInventory *gpus = wizard_->gpus_;
    const DistillConfig c = wizard_->config();
    const QString student = qs(c.run.studentDevice).trimmed();
    const int listed = static_cast<int>(gpus->gpus().size());
    const int perProcess = gpusPerProcess(qs(c.run.teacherDevice), student);
    const int most = std::max(1, listed / perProcess);
    QString why;
    if (student == QLatin1String("cpu") || (student == QLatin1String("auto") && gpus->isReady() && listed == 0))
        why = tr("The student is trained on the CPU; a run on several GPUs needs it on a GPU (the student device "
                 "on the models page).");
    else if (!gpus->isReady())
        why = tr("The GPUs are being listed.");
    else if (listed < 2)
        why = gpus->errorString().isEmpty()
                  ? tr("A run on several GPUs needs at least two; %1 is listed.").arg(listed)
                  : tr("A run on several GPUs needs at least two; none is listed: %1").arg(gpus->errorString());
    else if (most < 2)
        why = tr("Each process uses %1 GPUs, as many as the teacher's and the student's devices name; the %2 "
                 "listed are too few for two processes.")
                  .arg(perProcess)
                  .arg(listed);

    QString tip = tr("How many GPUs the run is spread over: more than one starts it through torchrun, one process "
                     "per GPU, each training on its part of the data; the first alone writes the run folder.");
    if (perProcess > 1)
        tip += QLatin1Char(' ') + tr("With the teacher and the student on different GPUs, each process uses %1 of "
                                     "them: cuda:i of the rank r is cuda:(r × %1 + i).")
                                      .arg(perProcess);
    if (!why.isEmpty())
        tip += QStringLiteral("\n\n") + why;
    {
        const QSignalBlocker blocker(gpus_);
        gpus_->setRange(1, most);
        gpus_->setValue(why.isEmpty() ? std::clamp(wantedGpus_, 1, most) : 1);
    }
    gpus_->setEnabled(why.isEmpty());
    gpus_->setToolTip(tip);
    updateLaunch();
}

void DistillTrainingPage::updateLaunch()
{
    const bool several = gpuCount() > 1;
    launchCommand_->setText(several ? shellCommandLine(launchCommand()) : QString());
    launchForm_->setRowVisible(launchCommand_, several);
    const bool missing = several && torchrun().isEmpty();
    launchNote_->setText(missing ? tr("%1 is not found: it comes with PyTorch (Debian: python3-torch; elsewhere: "
                                      "pip install torch). Without it the run can use one GPU only.")
                                       .arg(wizard_->torchrun_)
                                 : QString());
    launchForm_->setRowVisible(launchNote_, missing);
}

void DistillTrainingPage::measure()
{
    if (trial_->isRunning())
        return;
    const DistillConfig c = wizard_->config();
    state_ = Measure::Running;
    pendingSignature_ = timingSignature(c);
    measure_->setEnabled(false);
    cancelMeasure_->show();
    measureProgress_->setRange(0, 0);
    measureProgress_->show();
    setMeasurementText(tr("Starting a trial run..."), Tone::Normal);
    const QString cli = wizard_->cliPath_.isEmpty() ? geolensCliPath() : wizard_->cliPath_;
    // A trial that cannot start says why through failed() before start() returns.
    if (trial_->start(c, cli))
        measurement_->setToolTip(trial_->commandLine().join(QLatin1Char(' ')));
}

void DistillTrainingPage::setComboText(QComboBox *combo, const QString &text)
{
    // A value the list lacks is kept, so that validate() can name it instead of the wizard
    // silently changing it.
    if (combo->findText(text) < 0)
        combo->addItem(text);
    combo->setCurrentText(text);
}

bool DistillTrainingPage::hasRun(const QString &folder)
{
    return QFileInfo::exists(QString::fromStdString(DistillConfig::runFilePath(folder.toStdString())));
}

void DistillTrainingPage::updateOutNote()
{
    const QString out = out_->text().trimmed();
    const std::vector<std::string> earlier =
        out.isEmpty() ? std::vector<std::string>() : RunFolder::earlierResults(out.toStdString());
    if (!earlier.empty()) {
        QStringList names;
        for (const std::string &name : earlier)
            names << QString::fromStdString(name);
        outNote_->setText(tr("%1 holds an earlier run (%2): launching clears it.").arg(out, names.join(QStringLiteral(", "))));
    } else {
        outNote_->clear();
    }
}

void DistillTrainingPage::setMeasurementText(const QString &text, Tone tone)
{
    measurement_->setText(text);
    measurement_->setForegroundRole(tone == Tone::Quiet ? QPalette::PlaceholderText : QPalette::WindowText);
    // The colour of the page's problem line, for a failed trial.
    measurement_->setStyleSheet(tone == Tone::Error ? QStringLiteral("color: #b00020;") : QString());
}

void DistillTrainingPage::resetMeasureControls()
{
    measure_->setEnabled(true);
    cancelMeasure_->hide();
    measureProgress_->hide();
}

void DistillTrainingPage::trialProgress(int done, int total)
{
    if (done == 0) {
        measureProgress_->setRange(0, 0);
        setMeasurementText(tr("Loading the models and the data for a trial of %1 steps...").arg(total),
                           Tone::Normal);
    } else {
        measureProgress_->setRange(0, total);
        measureProgress_->setValue(done);
        setMeasurementText(tr("Trial step %1 of %2...").arg(done).arg(total), Tone::Normal);
    }
}

void DistillTrainingPage::trialFinished(const TrialResult &result)
{
    result_ = result;
    measuredSignature_ = pendingSignature_;
    state_ = Measure::Done;
    resetMeasureControls();
    updateMeasurement();
    emit wizard_->measurementFinished(true);
}

void DistillTrainingPage::trialFailed(const QString &message)
{
    result_.reset();
    failure_ = message;
    state_ = Measure::Failed;
    resetMeasureControls();
    updateMeasurement();
    emit wizard_->measurementFinished(false);
}

void DistillTrainingPage::trialCanceled()
{
    result_.reset();
    state_ = Measure::Canceled;
    resetMeasureControls();
    updateMeasurement();
    emit wizard_->measurementFinished(false);
}

QString DistillTrainingPage::measuredSummary(const DistillConfig &c) const
{
    const TrialResult &r = *result_;
    const TrialPhase *distill = r.phase(QStringLiteral("distill"));
    const TrialPhase *sft = r.phase(QStringLiteral("sft"));
    const bool paper = c.method == "paper" && distill;
    const TrialPhase *main = paper ? distill : nullptr;
    if (!main)
        for (const TrialPhase &p : r.phases)
            if (p.timedSteps > 0 && (!main || p.timedSteps > main->timedSteps))
                main = &p;
    QString perStep;
    if (paper) {
        perStep = tr("%1 per distillation step").arg(secondsText(distill->secondsPerStep));
        if (sft)
            perStep += QLatin1Char(' ') + tr("(%1 per SFT step)").arg(secondsText(sft->secondsPerStep));
    } else {
        perStep = tr("%1 per step").arg(secondsText(main->secondsPerStep));
    }

    const int steps = forecastSteps(c, wizard_->data_->sampleCount());
    QString total;
    if (steps > 0) {
        double seconds = steps * main->secondsPerStep;
        if (paper) {
            const int warm = std::min(std::max(0, c.run.sftWarmupSteps), steps);
            seconds = warm * (sft ? sft->secondsPerStep : distill->secondsPerStep)
                      + (steps - warm) * distill->secondsPerStep;
        }
        total = c.run.epochs > 0 ? tr("about %1 for about %2 steps (%3 epochs)")
                                       .arg(durationText(seconds), QLocale().toString(steps))
                                       .arg(c.run.epochs)
                                 : tr("about %1 for %2 steps").arg(durationText(seconds), QLocale().toString(steps));
    } else {
        total = tr("about %1 per 1000 steps (check the data to count the steps of an epoch)")
                    .arg(durationText(1000 * main->secondsPerStep));
    }

    // gpu_mem_gb is MiB / 1024; rss_gb is the kB of VmRSS / 1e6.
    const QString ram = DistillWizard::formatBytes(r.peakRssGb * 1e6 * 1024.0);
    const QString memory = r.peakGpuMemoryGb > 0
                               ? tr("peak GPU memory %1, RAM %2")
                                     .arg(DistillWizard::formatBytes(r.peakGpuMemoryGb * 1024.0 * 1024.0 * 1024.0), ram)
                               : tr("peak RAM %1").arg(ram);
    return tr("%1; %2; %3.").arg(perStep, total, memory);
}

void DistillTrainingPage::updateMeasurement()
{
    switch (state_) {
    case Measure::Running:
        return;
    case Measure::None:
        setMeasurementText(tr("Not measured: Measure times a few real steps of this configuration."),
                           Tone::Quiet);
        return;
    case Measure::Failed:
        setMeasurementText(tr("The trial run failed: %1").arg(failure_), Tone::Error);
        return;
    case Measure::Canceled:
        setMeasurementText(tr("The measurement was cancelled."), Tone::Quiet);
        return;
    case Measure::Done:
        break;
    }
    const DistillConfig c = wizard_->config();
    const QString summary = measuredSummary(c);
    if (timingSignature(c) != measuredSignature_)
        setMeasurementText(tr("Measured for other settings; measure again. (Then: %1)").arg(summary),
                           Tone::Quiet);
    else
        setMeasurementText(tr("Measured: %1").arg(summary), Tone::Normal);
}

void DistillTrainingPage::updateMemory()
{
    const DistillConfig c = wizard_->config();
    const auto &teacher = wizard_->models_->teacherConfig();
    const auto &student = wizard_->models_->studentConfig();
    if (!teacher || !student) {
        memory_->setText(tr("Memory estimate: choose both models first."));
        return;
    }
    // The devices as the engine resolves them where the GPU list tells: auto and cuda take the
    // first GPU, and auto is the CPU on a computer with none.
    const GpuInventory *gpus = wizard_->gpus_;
    const auto resolve = [gpus](const std::string &device) {
        const QString d = qs(device);
        if (const auto gpu = gpus->find(d))
            return gpu->device();
        if (d == QLatin1String("auto") && gpus->isReady() && gpus->gpus().isEmpty())
            return QStringLiteral("cpu");
        return d;
    };
    const auto named = [](const std::string &device, const QString &resolved) {
        return qs(device) == resolved ? resolved : tr("%1 (%2)").arg(qs(device), resolved);
    };
    const QString td = resolve(c.run.teacherDevice);
    const QString sd = resolve(c.run.studentDevice);
    const MemoryEstimate estimate = MemoryEstimate::of(c, *teacher, *student, td.toStdString(), sd.toStdString());
    const double teacherBytes = estimate.teacherBytes;
    const double studentBytes = estimate.studentBytes;
    const std::uint64_t trainable = estimate.trainableParameters;
    // Every rank holds the whole teacher and student on GPUs of its own.
    const int processes = gpuCount();
    const int perProcess = gpusPerProcess(qs(c.run.teacherDevice), qs(c.run.studentDevice));
    QString text;
    if (processes > 1 && td == sd)
        text = tr("Estimated memory per GPU, in each of the %1 processes: about %2 (teacher %3, student %4 with %5 "
                  "trainable parameters).")
                   .arg(processes)
                   .arg(DistillWizard::formatBytes(teacherBytes + studentBytes),
                        DistillWizard::formatBytes(teacherBytes), DistillWizard::formatBytes(studentBytes),
                        parameterCountText(trainable));
    else if (processes > 1)
        text = tr("Estimated memory per GPU, in each of the %1 processes: teacher about %2 on its %3; student about "
                  "%4 on its %5 (%6 trainable parameters).")
                   .arg(processes)
                   .arg(DistillWizard::formatBytes(teacherBytes), td, DistillWizard::formatBytes(studentBytes), sd,
                        parameterCountText(trainable));
    else if (td == sd)
        text = tr("Estimated memory on %1: about %2 (teacher %3, student %4 with %5 trainable parameters).")
                   .arg(c.run.teacherDevice == c.run.studentDevice ? named(c.run.teacherDevice, td) : td,
                        DistillWizard::formatBytes(teacherBytes + studentBytes),
                        DistillWizard::formatBytes(teacherBytes), DistillWizard::formatBytes(studentBytes),
                        parameterCountText(trainable));
    else
        text = tr("Estimated memory: teacher about %1 on %2; student about %3 on %4 (%5 trainable parameters).")
                   .arg(DistillWizard::formatBytes(teacherBytes), named(c.run.teacherDevice, td),
                        DistillWizard::formatBytes(studentBytes), named(c.run.studentDevice, sd),
                        parameterCountText(trainable));
    text += QLatin1Char(' ') + tr("Weights plus 12 bytes per trainable parameter; activations come on top.");

    std::map<QString, double> needed;
    for (int rank = 0; rank < processes; ++rank) {
        needed[rankDevice(td, rank, perProcess)] += teacherBytes;
        needed[rankDevice(sd, rank, perProcess)] += studentBytes;
    }
    QStringList notes;
    bool tooMuch = false;
    // With several processes the GPUs with room enough are summed up in one sentence.
    int roomy = 0;
    double leastFree = 0.0;
    for (const auto &[device, bytes] : needed) {
        const auto gpu = gpus->find(device);
        if (!gpu || gpu->freeMiB < 0)
            continue;
        const double free = gpu->freeMiB * 1024.0 * 1024.0;
        if (bytes > free) {
            tooMuch = true;
            notes << tr("Warning: that is more than the %1 free on %2 (%3); the run is likely to run out of memory.")
                         .arg(DistillWizard::formatBytes(free), device, gpu->name);
        } else if (processes > 1) {
            leastFree = roomy == 0 ? free : std::min(leastFree, free);
            ++roomy;
        } else {
            notes << tr("%1 (%2) has %3 free.").arg(device, gpu->name, DistillWizard::formatBytes(free));
        }
    }
    if (roomy > 0)
        notes << tr("Enough is free on %1 of the run's GPUs; the least free is %2.")
                     .arg(roomy)
                     .arg(DistillWizard::formatBytes(leastFree));
    if (!notes.isEmpty())
        text += QLatin1Char('\n') + notes.join(QLatin1Char(' '));
    memory_->setText(text);
    memory_->setStyleSheet(tooMuch ? QStringLiteral("color: #b00020;") : QString());
}

QString DistillTrainingPage::memoryText() const
{
    return memory_->text();
}

QString DistillTrainingPage::outNote() const
{
    return outNote_->text();
}

QString DistillTrainingPage::measurementText() const
{
    return measurement_->text();
}

bool DistillTrainingPage::isMeasuring() const
{
    return trial_->isRunning();
}

void DistillTrainingPage::cancelMeasurement()
{
    trial_->cancel();
}

} // namespace geolens
