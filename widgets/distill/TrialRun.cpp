#include "TrialRun.h"

#include "CliProgram.h"
#include "distill/MetricsRecord.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <exception>
#include <map>
#include <optional>
#include <string_view>

namespace geolens {

namespace {

std::optional<MetricsRecord> parseRecord(const QByteArray &line)
{
    return MetricsRecord::parse(std::string_view(line.constData(), static_cast<std::size_t>(line.size())));
}

// Lines of the CLI's own messages kept for a failure's explanation.
constexpr int KeptMessages = 40;
constexpr int ShownMessages = 6;
// SFT steps of a trial of the paper's method: the first warms up, the second is timed.
constexpr int TrialSftSteps = 2;
// Steps of a trial of the other methods: one to warm up, three timed.
constexpr int TrialPlainSteps = 4;

QString qs(const std::string &text)
{
    return QString::fromStdString(text);
}

} // namespace

bool TrialResult::isValid() const
{
    return std::any_of(phases.begin(), phases.end(), [](const TrialPhase &p) { return p.timedSteps > 0; });
}

const TrialPhase *TrialResult::phase(const QString &name) const
{
    for (const TrialPhase &p : phases)
        if (p.name == name && p.timedSteps > 0)
            return &p;
    return nullptr;
}

TrialRun::TrialRun(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<geolens::TrialResult>();
}

TrialRun::~TrialRun()
{
    dropProcess();
}

std::pair<int, int> TrialRun::trialSteps(const DistillConfig &config)
{
    if (config.method == "paper")
        return {TrialSftSteps, TrialSftSteps + 1 + std::max(1, config.minillm.ppoEpochs)};
    return {0, TrialPlainSteps};
}

std::vector<std::pair<std::string, std::string>> TrialRun::trialOverrides(const DistillConfig &config)
{
    const bool paper = config.method == "paper";
    return {
        {"run.epochs", "0"},
        {"run.eval_interval", "0"},
        {"run.checkpoint_interval", "0"},
        {"run.sft_warmup_steps", std::to_string(trialSteps(config).first)},
        // The warm start keeps its best weights by validation loss, so the paper's method needs a
        // validation set; a tiny fraction holds out one entry, the least an evaluation can cost.
        {"validation_data", ""},
        {"validation_fraction", paper ? "0.000001" : "0"},
    };
}

bool TrialRun::start(const DistillConfig &config, const QString &cliPath)
{
    if (process_)
        return false;
    complete_ = false;
    stepsDone_ = 0;
    outPartial_.clear();
    errPartial_.clear();
    messages_.clear();
    commandLine_.clear();
    totalSteps_ = trialSteps(config).second;

    DistillConfig trial = config;
    try {
        for (const auto &[key, value] : trialOverrides(config))
            trial.applyOverride(key, value);
    } catch (const std::exception &e) {
        fail(QString::fromUtf8(e.what()));
        return false;
    }
    trial.out = "trial";
    QStringList problems;
    for (const std::string &p : trial.validate())
        problems << qs(p);
    if (!problems.isEmpty()) {
        fail(tr("This configuration cannot run:") + QStringLiteral("\n• ") + problems.join(QStringLiteral("\n• ")));
        return false;
    }

    dir_ = std::make_unique<QTemporaryDir>(QDir(QDir::tempPath()).filePath(QStringLiteral("geolens-trial-XXXXXX")));
    if (!dir_->isValid()) {
        const QString error = dir_->errorString();
        dir_.reset();
        fail(tr("Cannot create a temporary folder in %1 for the trial: %2")
                 .arg(QDir::toNativeSeparators(QDir::tempPath()), error));
        return false;
    }
    const QString runFile = dir_->filePath(QStringLiteral("run.json"));
    try {
        // The trial's own settings, which the CLI then takes as they are.
        trial.save(runFile.toStdString());
    } catch (const std::exception &e) {
        dir_.reset();
        fail(QString::fromUtf8(e.what()));
        return false;
    }

    program_ = executableProgram(cliPath);
    if (program_.isEmpty()) {
        dir_.reset();
        fail(tr("%1 is not an executable program.").arg(QDir::toNativeSeparators(cliPath)));
        return false;
    }
    const QStringList arguments{QStringLiteral("distill"),
                                QStringLiteral("--config"),
                                runFile,
                                QStringLiteral("--out"),
                                dir_->filePath(QStringLiteral("trial")),
                                QStringLiteral("--steps"),
                                QString::number(totalSteps_),
                                QStringLiteral("--json")};
    commandLine_ = QStringList{program_} + arguments;

    process_ = new QProcess(this);
    process_->setProgram(program_);
    process_->setArguments(arguments);
    process_->setWorkingDirectory(dir_->path());
    process_->setStandardInputFile(QProcess::nullDevice());
    connect(process_, &QProcess::readyReadStandardOutput, this, &TrialRun::readOutput);
    connect(process_, &QProcess::readyReadStandardError, this, &TrialRun::readErrors);
    connect(process_, &QProcess::finished, this,
            [this](int code, QProcess::ExitStatus status) { processEnded(code, static_cast<int>(status)); });
    connect(process_, &QProcess::errorOccurred, this,
            [this](QProcess::ProcessError error) { processFailed(static_cast<int>(error)); });
    process_->start();
    emit progress(0, totalSteps_);
    return true;
}

void TrialRun::cancel()
{
    if (!process_)
        return;
    dropProcess();
    emit canceled();
}

void TrialRun::dropProcess()
{
    if (!process_) {
        dir_.reset();
        return;
    }
    QProcess *p = process_;
    process_ = nullptr;
    p->disconnect(this);
    if (p->state() == QProcess::NotRunning) {
        p->deleteLater();
        dir_.reset();
        return;
    }
    // The folder goes once the process is gone, so that nothing is written into a removed folder;
    // meanwhile the GUI goes on (a GPU process can take a moment to release its device).
    QTemporaryDir *dir = dir_.release();
    p->setParent(nullptr);
    connect(p, &QProcess::finished, p, [p, dir] {
        delete dir;
        p->deleteLater();
    });
    p->kill();
}

void TrialRun::readOutput()
{
    if (!process_)
        return;
    outPartial_ += process_->readAllStandardOutput();
    const int end = outPartial_.lastIndexOf('\n');
    if (end < 0)
        return;
    const QList<QByteArray> lines = outPartial_.left(end).split('\n');
    outPartial_.remove(0, end + 1);
    for (const QByteArray &raw : lines) {
        const QByteArray line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const std::optional<MetricsRecord> record = parseRecord(line);
        if (!record) {
            messages_ << QString::fromUtf8(line);
            continue;
        }
        if (record->kind() != MetricsRecord::Kind::Step)
            continue;
        ++stepsDone_;
        emit progress(stepsDone_, totalSteps_);
        if (stepsDone_ >= totalSteps_ && !complete_ && process_) {
            // metrics.jsonl has every step (the CLI writes it before printing); the evaluation,
            // checkpoint and export that follow are not wanted.
            complete_ = true;
            process_->kill();
        }
    }
    while (messages_.size() > KeptMessages)
        messages_.removeFirst();
}

void TrialRun::readErrors()
{
    if (!process_)
        return;
    errPartial_ += process_->readAllStandardError();
    const int end = errPartial_.lastIndexOf('\n');
    if (end < 0)
        return;
    for (const QByteArray &line : errPartial_.left(end).split('\n'))
        if (!line.trimmed().isEmpty())
            messages_ << QString::fromUtf8(line.trimmed());
    errPartial_.remove(0, end + 1);
    while (messages_.size() > KeptMessages)
        messages_.removeFirst();
}

QString TrialRun::lastLines() const
{
    QStringList lines = messages_;
    for (const QByteArray &rest : {outPartial_, errPartial_})
        if (!rest.trimmed().isEmpty())
            lines << QString::fromUtf8(rest.trimmed());
    return lines.mid(std::max<int>(0, lines.size() - ShownMessages)).join(QLatin1Char('\n'));
}

void TrialRun::processFailed(int error)
{
    if (static_cast<QProcess::ProcessError>(error) != QProcess::FailedToStart || !process_)
        return;
    const QString reason = process_->errorString();
    dropProcess();
    fail(tr("%1 could not be started: %2").arg(QDir::toNativeSeparators(program_), reason));
}

void TrialRun::processEnded(int exitCode, int exitStatus)
{
    if (!process_)
        return;
    readOutput();
    readErrors();
    const bool normal = static_cast<QProcess::ExitStatus>(exitStatus) == QProcess::NormalExit;
    if (!complete_ && !(normal && exitCode == 0)) {
        const QString lines = lastLines();
        const QString how = normal ? tr("%1 ended with exit code %2").arg(QFileInfo(program_).fileName()).arg(exitCode)
                                   : tr("%1 crashed").arg(QFileInfo(program_).fileName());
        dropProcess();
        fail(lines.isEmpty() ? how + QLatin1Char('.') : how + QStringLiteral(":\n") + lines);
        return;
    }
    const QString metricsPath = dir_->filePath(QStringLiteral("trial/metrics.jsonl"));
    QFile file(metricsPath);
    const bool opened = file.open(QIODevice::ReadOnly);
    const TrialResult result = opened ? parseMetrics(file.readAll()) : TrialResult{};
    const QString openError = file.errorString();
    dropProcess();
    if (!opened) {
        fail(tr("Cannot read %1: %2").arg(QDir::toNativeSeparators(metricsPath), openError));
        return;
    }
    if (!result.isValid()) {
        fail(tr("The trial wrote %1 steps to %2, too few to time one.")
                 .arg(result.stepRecords)
                 .arg(QDir::toNativeSeparators(metricsPath)));
        return;
    }
    emit finished(result);
}

void TrialRun::fail(const QString &message)
{
    emit failed(message);
}

TrialResult TrialRun::parseMetrics(const QByteArray &text)
{
    struct Sums {
        double seconds = 0, tokens = 0;
        int steps = 0, tokenSteps = 0;
    };
    TrialResult result;
    std::map<QString, Sums> sums;
    double previous = 0.0;
    bool havePrevious = false;
    double tokensSum = 0.0;
    int tokensCount = 0;
    for (const QByteArray &raw : text.split('\n')) {
        const std::optional<MetricsRecord> record = parseRecord(raw.trimmed());
        if (!record || record->kind() != MetricsRecord::Kind::Step)
            continue; // an evaluation, or not a record
        ++result.stepRecords;
        const QString phase = QString::fromStdString(record->text(MetricsKey::Phase));
        const auto seen = std::find_if(result.phases.begin(), result.phases.end(),
                                       [&](const TrialPhase &p) { return p.name == phase; });
        const bool first = seen == result.phases.end();
        if (first) {
            TrialPhase p;
            p.name = phase;
            result.phases.append(p);
        }
        result.peakGpuMemoryGb = std::max(result.peakGpuMemoryGb, record->number(MetricsKey::GpuMemoryGb).value_or(0.0));
        result.peakRssGb = std::max(result.peakRssGb, record->number(MetricsKey::ResidentGb).value_or(0.0));
        const std::optional<double> seconds = record->number(MetricsKey::Seconds);
        if (!seconds)
            continue;
        if (!first && havePrevious && *seconds >= previous) {
            Sums &s = sums[phase];
            s.seconds += *seconds - previous;
            ++s.steps;
            if (const std::optional<double> tokens = record->number(MetricsKey::TokensPerSecond)) {
                s.tokens += *tokens;
                ++s.tokenSteps;
                tokensSum += *tokens;
                ++tokensCount;
            }
        }
        previous = *seconds;
        havePrevious = true;
    }
    for (TrialPhase &p : result.phases) {
        const auto it = sums.find(p.name);
        if (it == sums.end() || it->second.steps == 0)
            continue;
        p.timedSteps = it->second.steps;
        p.secondsPerStep = it->second.seconds / it->second.steps;
        p.tokensPerSecond = it->second.tokenSteps > 0 ? it->second.tokens / it->second.tokenSteps : 0.0;
    }
    result.tokensPerSecond = tokensCount > 0 ? tokensSum / tokensCount : 0.0;
    return result;
}

} // namespace geolens
