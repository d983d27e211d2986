#include "DistillRunMonitor.h"

#include "distill/MetricsRecord.h"

#include "CliProgram.h"
#include "DistributedLaunch.h"
#include "LossPlotWidget.h"
#include "MetricsLog.h"
#include "RunLaunchRecord.h"
#include "common/Error.h"
#include "distill/DistillConfig.h"
#include "distill/RunFolder.h"

#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>
#include <cerrno>
#include <cmath>
#include <cstring>

#include <signal.h>

namespace geolens {

namespace {

const char *const LogVisibleKey = "distillMonitor/logVisible";
const char *const LogFile = "distill.log";
// Written by the wrapper that starts the run, so that the exit status outlives this process.
const char *const ExitFile = "distill.exit";
const int MaxLogLines = 5000;
// After this long in Stopping, the Stop button offers to terminate the run instead.
const qint64 StopPatienceMs = 60 * 1000;

// Runs the command after the exit file's path and writes its exit status there. The CLI writes
// its own distill.pid, so signals still reach the CLI itself rather than this shell.
const char *const WrapperScript =
    "exit_file=$1; shift; \"$@\"; status=$?; echo \"$status\" > \"$exit_file\"; exit \"$status\"";

} // namespace

DistillRunMonitor::DistillRunMonitor(QWidget *parent)
    : QWidget(parent), metrics_(new MetricsLog(this)), plot_(new LossPlotWidget(this)), statusLabel_(new QLabel(this)),
      progress_(new QProgressBar(this)), timeLabel_(new QLabel(this)), logToggle_(new QToolButton(this)),
      log_(new QPlainTextEdit(this)), stop_(new QPushButton(this)), resume_(new QPushButton(this)),
      openFolder_(new QPushButton(this)), openModel_(new QPushButton(this)), checkModels_(new QPushButton(this)),
      evaluate_(new QPushButton(this)), compare_(new QPushButton(this)),
      poll_(new QTimer(this))
{
    cliPath_ = geolensCliPath();
    torchrunPath_ = QStringLiteral("torchrun");

    metrics_->setPollInterval(500);
    plot_->setMetricsLog(metrics_);
    connect(metrics_, &MetricsLog::appended, this, &DistillRunMonitor::updateProgress);
    connect(metrics_, &MetricsLog::reset, this, &DistillRunMonitor::updateProgress);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(plot_, 3);

    auto *progressRow = new QHBoxLayout;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progressRow->addWidget(progress_, 1);
    progressRow->addWidget(timeLabel_);
    layout->addLayout(progressRow);

    statusLabel_->setWordWrap(true);
    statusLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(statusLabel_);

    logToggle_->setCheckable(true);
    logToggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    logToggle_->setAutoRaise(true);
    layout->addWidget(logToggle_);
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(MaxLogLines);
    // Wrapped: a long line must not push the starts of the others out of sight.
    log_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    log_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(log_, 1);

    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {stop_, resume_, openFolder_, openModel_, checkModels_, evaluate_, compare_})
        buttons->addWidget(b);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    // The shortcuts act within the monitor only, so they never take keys from the window around it.
    const auto shortcut = [this](const QKeySequence &keys, QAbstractButton *button) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, button, [button] {
            if (button->isEnabled())
                button->animateClick();
        });
    };
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_Period), stop_);
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_R), resume_);
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), openFolder_);
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M), openModel_);
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), checkModels_);
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), evaluate_);
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), compare_);
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_L), logToggle_);

    connect(logToggle_, &QToolButton::toggled, this, [this](bool on) {
        log_->setVisible(on);
        logToggle_->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
        QSettings().setValue(LogVisibleKey, on);
    });
    connect(stop_, &QPushButton::clicked, this, &DistillRunMonitor::stopPressed);
    connect(resume_, &QPushButton::clicked, this, [this] { resume(); });
    connect(openFolder_, &QPushButton::clicked, this, [this] {
        if (!runDir_.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(runDir_));
    });
    connect(openModel_, &QPushButton::clicked, this, [this] {
        if (hasStudent())
            emit openModelRequested(filePath(QStringLiteral("student")));
    });
    connect(checkModels_, &QPushButton::clicked, this, [this] {
        if (hasStudent())
            emit compareModelsRequested(teacherFolder(), filePath(QStringLiteral("student")));
    });
    connect(evaluate_, &QPushButton::clicked, this, [this] {
        if (hasStudent())
            emit evaluateModelsRequested(teacherFolder(), filePath(QStringLiteral("student")));
    });
    connect(compare_, &QPushButton::clicked, this, &DistillRunMonitor::compareWithDialog);

    const bool logVisible = QSettings().value(LogVisibleKey, false).toBool();
    logToggle_->setChecked(logVisible);
    log_->setVisible(logVisible);
    logToggle_->setArrowType(logVisible ? Qt::DownArrow : Qt::RightArrow);

    poll_->setInterval(1000);
    connect(poll_, &QTimer::timeout, this, &DistillRunMonitor::poll);

    retranslate();
    updateButtons();
}

DistillRunMonitor::~DistillRunMonitor() = default;

void DistillRunMonitor::setCliPath(const QString &path)
{
    cliPath_ = path;
}

void DistillRunMonitor::setPollInterval(int milliseconds)
{
    poll_->setInterval(std::max(10, milliseconds));
    metrics_->setPollInterval(std::max(10, milliseconds / 2));
}

void DistillRunMonitor::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void DistillRunMonitor::retranslate()
{
    updateWindowTitle();
    logToggle_->setText(tr("Log"));
    logToggle_->setToolTip(tr("Show or hide what the run writes (Ctrl+L)"));
    stop_->setText(tr("Stop"));
    stop_->setToolTip(tr("Stop after the current step with a checkpoint, so that the run can be resumed (Ctrl+.); "
                         "pressing again offers to terminate it"));
    resume_->setText(tr("Resume"));
    resume_->setToolTip(tr("Continue the stopped run from its last checkpoint (Ctrl+R)"));
    openFolder_->setText(tr("Open Run Folder"));
    openFolder_->setToolTip(tr("Show the run's files in the file manager (Ctrl+Shift+O)"));
    openModel_->setText(tr("Open Distilled Model"));
    openModel_->setToolTip(tr("Load the student this run exported (Ctrl+Shift+M)"));
    checkModels_->setText(tr("Compare with Teacher..."));
    checkModels_->setToolTip(tr("Run the teacher and the distilled student on the tiles selected on the map, side by "
                                "side: answers, boxes and time per tile (Ctrl+Shift+T)"));
    evaluate_->setText(tr("Evaluate Student and Teacher..."));
    evaluate_->setToolTip(tr("Score the distilled student and its teacher on a benchmark, side by side in one report "
                             "(Ctrl+Shift+E)"));
    compare_->setText(tr("Compare Runs..."));
    compare_->setToolTip(tr("Draw the curves of other run folders as dashed lines (Ctrl+Shift+C)"));
    progress_->setToolTip(tr("Optimiser steps done of the run's total"));
    statusLabel_->setText(statusText());
    updateProgress();
}

QString DistillRunMonitor::filePath(const QString &name) const
{
    return QDir(runDir_).filePath(name);
}

bool DistillRunMonitor::hasStudent() const
{
    return !runDir_.isEmpty() && QFileInfo::exists(filePath(QStringLiteral("student/config.json")));
}

QString DistillRunMonitor::teacherFolder() const
{
    const QString &teacher = runTeacher_;
    if (teacher.isEmpty() || QDir::isAbsolutePath(teacher))
        return teacher;
    // The CLI resolves a relative path against where it was started, which the wizard's runs
    // share with the run folder's parent; that is the best guess left.
    return QDir::cleanPath(QDir(QFileInfo(runDir_).absolutePath()).filePath(teacher));
}

bool DistillRunMonitor::hasCheckpoint() const
{
    if (runDir_.isEmpty())
        return false;
    const QDir checkpoints(filePath(QStringLiteral("checkpoints")));
    return !checkpoints.entryList({QStringLiteral("step-*")}, QDir::Dirs | QDir::NoDotAndDotDot).isEmpty();
}

qint64 DistillRunMonitor::lockHolderPid() const
{
    // The process holding the folder's lock is the run; a pid file alone proves nothing (a run
    // killed -9 leaves it, and any number can be written in it).
    if (runDir_.isEmpty())
        return 0;
    const std::optional<long> holder = RunFolder::holder(runDir_.toStdString());
    return holder && *holder > 0 ? *holder : 0;
}

bool DistillRunMonitor::processAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)
        return false;
    // An ended process whose parent has not reaped it yet still answers kill(); it is no run.
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray text = stat.readAll();
        const int close = text.lastIndexOf(')');
        if (close >= 0 && close + 2 < text.size() && (text[close + 2] == 'Z' || text[close + 2] == 'X'))
            return false;
    }
    return true;
}

qint64 DistillRunMonitor::parentProcessId(qint64 pid)
{
    // The fourth field of /proc/PID/stat, after the name in parentheses (which may hold spaces).
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    const int close = text.lastIndexOf(')');
    if (close < 0)
        return 0;
    const QList<QByteArray> fields = text.mid(close + 2).split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() : 0;
}

void DistillRunMonitor::readLaunchRecord()
{
    processes_ = 1;
    launchRecordError_.clear();
    try {
        processes_ = RunLaunchRecord::read(runDir_).processes;
    } catch (const Error &e) {
        launchRecordError_ = QString::fromStdString(e.what());
    }
}

void DistillRunMonitor::readSummary(const QString &line)
{
    const QJsonDocument summary = QJsonDocument::fromJson(line.toUtf8());
    if (summary.isObject() && summary.object().contains(QLatin1String("stopped")))
        summarySaysStopped_ = summary.object().value(QLatin1String("stopped")).toBool();
}

bool DistillRunMonitor::isRunning() const
{
    return status_ == Status::Running || status_ == Status::Stopping;
}

QString DistillRunMonitor::statusText() const
{
    switch (status_) {
    case Status::Running:
        return processes_ > 1 ? tr("Running on %1 GPUs").arg(processes_) : tr("Running");
    case Status::Stopping:
        return tr("Stopping...");
    case Status::Stopped:
        return tr("Stopped (resumable)");
    case Status::Finished:
        return tr("Finished");
    case Status::Failed:
        return detail_.isEmpty() ? tr("Failed") : tr("Failed: %1").arg(detail_);
    case Status::NotRunning:
        break;
    }
    return detail_.isEmpty() ? tr("Not running") : tr("Not running: %1").arg(detail_);
}

void DistillRunMonitor::setStatus(Status status, const QString &detail)
{
    status_ = status;
    detail_ = detail;
    const QString text = statusText();
    statusLabel_->setText(text);
    updateButtons();
    emit statusChanged(text);
}

void DistillRunMonitor::updateButtons()
{
    const bool running = isRunning();
    stop_->setEnabled(running);
    resume_->setEnabled(!running && !runDir_.isEmpty() && hasCheckpoint() && !hasStudent() &&
                        QFileInfo::exists(filePath(QStringLiteral("run.json"))));
    openFolder_->setEnabled(!runDir_.isEmpty() && QFileInfo(runDir_).isDir());
    openModel_->setEnabled(hasStudent());
    checkModels_->setEnabled(hasStudent());
    evaluate_->setEnabled(hasStudent());
    compare_->setEnabled(true);
}

void DistillRunMonitor::updateWindowTitle()
{
    // Titled after the run it shows.
    setWindowTitle(runDir_.isEmpty() ? tr("Distillation")
                                     : tr("Distillation: %1").arg(QDir::toNativeSeparators(runDir_)));
}

void DistillRunMonitor::follow(const QString &runDir)
{
    const QString folder = QDir::cleanPath(QFileInfo(runDir).absoluteFilePath());
    // Curves drawn beside another run were compared with that run, not with this one.
    if (folder != runDir_)
        for (const QString &label : plot_->comparisonRuns())
            plot_->removeComparisonRun(label);
    runDir_ = folder;
    updateWindowTitle();
    pid_ = 0;
    startedHere_ = false;
    stepsDone_ = totalSteps_ = 0;
    runConfigRead_ = false;
    runTeacher_.clear();
    logOffset_ = 0;
    logPartial_.clear();
    lastLogLine_.clear();
    stopRequestedAt_ = {};
    summarySaysStopped_ = false;
    log_->clear();
    readLaunchRecord();
    metrics_->setPath(filePath(QStringLiteral("metrics.jsonl")));
    readRunConfig();
    readLog();
    updateProgress();
}

bool DistillRunMonitor::start(const QStringList &distillArguments, const QString &runDir, int processes)
{
    if (isRunning()) {
        error_ = tr("A run is already going in %1.").arg(QDir::toNativeSeparators(runDir_));
        return false;
    }
    if (processes < 1) {
        error_ = tr("A run needs at least one process, not %1.").arg(processes);
        return false;
    }
    if (!QDir().mkpath(runDir)) {
        error_ = tr("Cannot create the run folder %1.").arg(QDir::toNativeSeparators(runDir));
        setStatus(Status::NotRunning, error_);
        return false;
    }
    // A fresh run starts a fresh log, which must be gone before it is followed; a STOP left from
    // before would end the run at once.
    QFile::remove(QDir(runDir).filePath(QString::fromLatin1(LogFile)));
    QFile::remove(QDir(runDir).filePath(QStringLiteral("STOP")));
    // Written before the run starts, so that a monitor opening the folder meanwhile, and Resume,
    // know how it was started.
    try {
        RunLaunchRecord record;
        record.processes = processes;
        record.write(runDir);
    } catch (const Error &e) {
        error_ = tr("The run could not be recorded: %1").arg(QString::fromStdString(e.what()));
        setStatus(Status::NotRunning, error_);
        return false;
    }
    follow(runDir);
    QStringList arguments = distillArguments;
    if (!arguments.contains(QStringLiteral("--out")))
        arguments << QStringLiteral("--out") << runDir_;
    return launch(arguments, false);
}

bool DistillRunMonitor::resume()
{
    if (isRunning() || runDir_.isEmpty()) {
        error_ = runDir_.isEmpty() ? tr("No run folder is open.") : tr("The run is still going.");
        return false;
    }
    if (!QFileInfo::exists(filePath(QStringLiteral("run.json")))) {
        error_ = tr("%1 does not exist: there is no run to resume.")
                     .arg(QDir::toNativeSeparators(filePath(QStringLiteral("run.json"))));
        setStatus(Status::NotRunning, error_);
        return false;
    }
    // Read again: the folder may have been started elsewhere since it was opened.
    readLaunchRecord();
    if (!launchRecordError_.isEmpty()) {
        error_ = tr("The run cannot be resumed as it was started: %1").arg(launchRecordError_);
        setStatus(Status::NotRunning, error_);
        return false;
    }
    QFile::remove(filePath(QStringLiteral("STOP")));
    stopRequestedAt_ = {};
    summarySaysStopped_ = false;
    return launch({QStringLiteral("--out"), runDir_, QStringLiteral("--resume")}, true);
}

bool DistillRunMonitor::launch(const QStringList &arguments, bool appendLog)
{
    const QString program = executableProgram(cliPath_);
    if (program.isEmpty()) {
        error_ = tr("%1 is not an executable program.").arg(QDir::toNativeSeparators(cliPath_));
        setStatus(Status::Failed, error_);
        return false;
    }
    QString torchrun;
    if (processes_ > 1) {
        torchrun = executableProgram(torchrunPath_);
        if (torchrun.isEmpty()) {
            error_ = tr("%1 is not found, and a run on %2 GPUs is started through it. torchrun comes with PyTorch "
                        "(Debian: python3-torch; elsewhere: pip install torch).")
                         .arg(QDir::toNativeSeparators(torchrunPath_))
                         .arg(processes_);
            setStatus(Status::Failed, error_);
            return false;
        }
    }
    const QString logPath = filePath(QString::fromLatin1(LogFile));
    const QString exitPath = filePath(QString::fromLatin1(ExitFile));
    QFile::remove(exitPath);
    if (appendLog)
        log_->appendPlainText(QString());

    // Detached, so that neither side's exit or crash ends the other; both streams go to one file
    // opened for appending, which keeps their lines whole and in order.
    QProcess process;
    process.setProgram(QStringLiteral("/bin/sh"));
    process.setArguments(QStringList{QStringLiteral("-c"), QString::fromLatin1(WrapperScript),
                                     QStringLiteral("geolens-distill"), exitPath} +
                         distributedLaunchCommand(torchrun, processes_, program, arguments));
    process.setWorkingDirectory(runDir_);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(logPath, QIODevice::Append);
    process.setStandardErrorFile(logPath, QIODevice::Append);
    qint64 pid = 0;
    if (!process.startDetached(&pid) || pid <= 0) {
        error_ = tr("%1 could not be started: %2")
                     .arg(QDir::toNativeSeparators(processes_ > 1 ? torchrun : program), process.errorString());
        setStatus(Status::Failed, error_);
        return false;
    }
    error_.clear();
    pid_ = pid;
    startedHere_ = true;
    setStatus(Status::Running);
    poll_->start();
    emit runStarted();
    return true;
}

bool DistillRunMonitor::openRunFolder(const QString &runDir)
{
    const QString folder = QDir::cleanPath(QFileInfo(runDir).absoluteFilePath());
    if (isRunning() && folder == runDir_)
        return true;
    // The run being shown stays when the folder cannot be one.
    if (!QFileInfo(folder).isDir()) {
        error_ = tr("%1 is not a folder.").arg(QDir::toNativeSeparators(folder));
        return false;
    }
    const QDir dir(folder);
    const char *const runFiles[] = {"run.json", "metrics.jsonl", "distill.pid", "launch.json",
                                    LogFile,    "checkpoints",   "student"};
    if (std::none_of(std::begin(runFiles), std::end(runFiles),
                     [&](const char *name) { return dir.exists(QString::fromLatin1(name)); })) {
        error_ = tr("%1 is not a distillation run folder: it holds no run.json, metrics.jsonl, checkpoints or log "
                    "of a run.")
                     .arg(QDir::toNativeSeparators(folder));
        return false;
    }
    poll_->stop();
    follow(folder);
    const qint64 pid = lockHolderPid();
    if (processAlive(pid)) {
        pid_ = pid;
        setStatus(QFileInfo::exists(filePath(QStringLiteral("STOP"))) ? Status::Stopping : Status::Running);
        poll_->start();
        return true;
    }
    if (hasStudent())
        setStatus(Status::Finished);
    else if (hasCheckpoint())
        setStatus(Status::Stopped);
    else
        setStatus(Status::NotRunning);
    updateProgress();
    return true;
}

void DistillRunMonitor::poll()
{
    if (!runConfigRead_)
        readRunConfig();
    readLog();
    if (status_ == Status::Stopping && stopRequestedAt_.isValid() &&
        stopRequestedAt_.msecsTo(QDateTime::currentDateTimeUtc()) > StopPatienceMs)
        stop_->setText(tr("Terminate..."));
    // A run this monitor started is followed through the shell waiting for it (which writes the
    // exit status); one it attached to, through the folder's lock.
    const bool going = startedHere_ ? processAlive(pid_) : RunFolder::holder(runDir_.toStdString()).has_value();
    if (!going)
        finishFromFiles();
}

void DistillRunMonitor::finishFromFiles()
{
    poll_->stop();
    readLog();
    metrics_->refresh();
    readRunConfig();
    int exitCode = -1;
    QFile exitFile(filePath(QString::fromLatin1(ExitFile)));
    if (exitFile.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const int code = exitFile.readAll().trimmed().toInt(&ok);
        if (ok)
            exitCode = code;
    }
    pid_ = 0;
    startedHere_ = false;
    stop_->setText(tr("Stop"));
    // 130 is a graceful stop; anything else but 0 is a failure even when a checkpoint is there
    // (Resume stays possible then). torchrun ends with 1 when its ranks end with 130, so for a run
    // on several GPUs the summary the run printed tells a stop.
    const bool stopped = exitCode == 130 || (processes_ > 1 && summarySaysStopped_);
    const bool failedExit = exitCode > 0 && !stopped;
    if (hasStudent() && !failedExit)
        setStatus(Status::Finished);
    else if (hasCheckpoint() && !failedExit)
        setStatus(Status::Stopped);
    else if (exitCode >= 0)
        setStatus(Status::Failed, tr("exit code %1; %2").arg(exitCode).arg(lastLogLine_));
    else
        setStatus(Status::Failed, lastLogLine_.isEmpty() ? tr("the process ended without a word in %1")
                                                               .arg(QDir::toNativeSeparators(filePath(QString::fromLatin1(LogFile))))
                                                         : lastLogLine_);
    updateProgress();
    emit runEnded(exitCode);
}

void DistillRunMonitor::readLog()
{
    QFile file(filePath(QString::fromLatin1(LogFile)));
    if (runDir_.isEmpty() || !file.open(QIODevice::ReadOnly))
        return;
    if (file.size() < logOffset_) {
        // Rewritten by a fresh start elsewhere.
        logOffset_ = 0;
        logPartial_.clear();
        log_->clear();
    }
    if (file.size() == logOffset_ || !file.seek(logOffset_))
        return;
    const QByteArray added = file.readAll();
    logOffset_ += added.size();
    logPartial_ += added;
    const int end = logPartial_.lastIndexOf('\n');
    if (end < 0)
        return;
    const QList<QByteArray> lines = logPartial_.left(end).split('\n');
    logPartial_.remove(0, end + 1);
    for (const QByteArray &raw : lines) {
        const QString line = QString::fromUtf8(raw).trimmed();
        log_->appendPlainText(line);
        // The summary the CLI prints last is JSON; a failure's reason is the last plain line.
        if (line.startsWith(QLatin1Char('{')))
            readSummary(line);
        else if (!line.isEmpty())
            lastLogLine_ = line;
    }
}

void DistillRunMonitor::readRunConfig()
{
    const QString path = filePath(QStringLiteral("run.json"));
    if (runDir_.isEmpty() || !QFileInfo::exists(path))
        return;
    DistillConfig config;
    try {
        config = DistillConfig::load(QFile::encodeName(path).toStdString());
    } catch (const std::exception &) {
        return; // being written, or not a run's: looked at again at the next poll
    }
    // run.json is written once, when the run starts.
    runConfigRead_ = true;
    runTeacher_ = QString::fromStdString(config.teacher);
    // A run measured in epochs only knows its step count once its data are loaded.
    totalSteps_ = config.run.epochs > 0 ? 0 : std::max(0, config.run.steps);
    updateProgress();
}

void DistillRunMonitor::updateProgress()
{
    stepsDone_ = std::max(0, metrics_->lastStep());
    const QVector<QPointF> &seconds = metrics_->points(QLatin1String(MetricsKey::Seconds), MetricsLog::RecordKind::Step);
    const double elapsedSeconds = seconds.isEmpty() ? 0.0 : seconds.constLast().y();
    const int total = totalSteps_ > 0 ? totalSteps_ : (status_ == Status::Finished ? stepsDone_ : 0);
    if (total > 0) {
        progress_->setRange(0, total);
        progress_->setValue(std::min(stepsDone_, total));
        progress_->setFormat(tr("%1 / %2 steps").arg(stepsDone_).arg(total));
    } else {
        progress_->setRange(0, 1);
        progress_->setValue(0);
        progress_->setFormat(tr("%1 steps").arg(stepsDone_));
    }
    QString time = tr("elapsed %1").arg(formatDuration(elapsedSeconds));
    if (isRunning() && total > 0 && stepsDone_ > 0 && stepsDone_ < total) {
        const double perStep = elapsedSeconds / stepsDone_;
        time += tr(", about %1 left").arg(formatDuration(perStep * (total - stepsDone_)));
    }
    timeLabel_->setText(time);
}

QString DistillRunMonitor::formatDuration(double seconds)
{
    const qint64 s = std::llround(std::max(0.0, seconds));
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

void DistillRunMonitor::stop()
{
    if (!isRunning())
        return;
    QFile flag(filePath(QStringLiteral("STOP")));
    if (!flag.open(QIODevice::WriteOnly)) {
        error_ = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(flag.fileName()), flag.errorString());
        statusLabel_->setText(error_);
        return;
    }
    flag.close();
    if (!stopRequestedAt_.isValid())
        stopRequestedAt_ = QDateTime::currentDateTimeUtc();
    setStatus(Status::Stopping);
}

bool DistillRunMonitor::terminate()
{
    // The CLI's own pid: when this monitor started it, pid_ is the shell waiting for it.
    qint64 pid = lockHolderPid();
    if (!processAlive(pid)) {
        error_ = tr("No running process holds the lock of %1, so nothing is terminated.")
                     .arg(QDir::toNativeSeparators(runDir_));
        return false;
    }
    // Rank 0 wrote the pid; its parent is torchrun, which signals every rank, so that no rank is
    // left waiting for the others.
    if (processes_ > 1) {
        const qint64 launcher = parentProcessId(pid);
        if (launcher > 1 && processAlive(launcher))
            pid = launcher;
    }
    if (::kill(static_cast<pid_t>(pid), SIGTERM) != 0) {
        error_ = tr("The run (process %1) could not be terminated: %2").arg(pid).arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    if (!stopRequestedAt_.isValid())
        stopRequestedAt_ = QDateTime::currentDateTimeUtc();
    setStatus(Status::Stopping);
    return true;
}

void DistillRunMonitor::stopPressed()
{
    if (status_ != Status::Stopping) {
        stop();
        return;
    }
    const auto answer = QMessageBox::question(
        this, tr("Terminate the Run"),
        tr("The run has been asked to stop after its current step. Terminate it now? It still saves a "
           "checkpoint if it can."),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer == QMessageBox::Yes && !terminate())
        QMessageBox::warning(this, tr("Terminate the Run"), error_);
}

bool DistillRunMonitor::addComparisonRun(const QString &otherRunDir)
{
    const QString path = QDir(otherRunDir).filePath(QStringLiteral("metrics.jsonl"));
    if (!QFileInfo::exists(path)) {
        error_ = tr("%1 does not exist: the folder holds no distillation run.").arg(QDir::toNativeSeparators(path));
        return false;
    }
    auto *log = new MetricsLog(this);
    log->setPath(path);
    QString label = QFileInfo(QDir::cleanPath(otherRunDir)).fileName();
    const QStringList taken = plot_->comparisonRuns();
    for (int n = 2; taken.contains(label); ++n)
        label = QStringLiteral("%1 (%2)").arg(QFileInfo(QDir::cleanPath(otherRunDir)).fileName()).arg(n);
    plot_->addComparisonRun(label, log);
    return true;
}

void DistillRunMonitor::compareWithDialog()
{
    const QString start = runDir_.isEmpty() ? QString() : QFileInfo(runDir_).absolutePath();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Compare with Run Folder"), start);
    if (folder.isEmpty())
        return;
    if (!addComparisonRun(folder))
        QMessageBox::warning(this, tr("Compare with Run Folder"), error_);
}

bool DistillRunMonitor::isLogVisible() const
{
    return logToggle_->isChecked();
}

void DistillRunMonitor::setLogVisible(bool visible)
{
    logToggle_->setChecked(visible);
}

} // namespace geolens
