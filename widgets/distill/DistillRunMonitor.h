#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTimer;
class QToolButton;

namespace geolens {

class LossPlotWidget;
class MetricsLog;

// Watches one distillation run folder (what `geolens-cli distill --out RUN_DIR` writes): its curves,
// progress and estimated time left, its log, and how it ended; and starts, stops and resumes it.
//
// The run is started detached, its stdout and stderr going to RUN_DIR/distill.log, so that closing
// or crashing the application never ends a run that may take days, and a run that crashes never
// takes the application with it. Without a finished() signal from a detached process, the monitor
// polls whether the process is still alive and then tells from the run's files how it ended. A
// monitor opened on a folder later attaches to a run still going there through RUN_DIR/distill.pid.
class DistillRunMonitor : public QWidget {
    Q_OBJECT

public:
    enum class Status { NotRunning, Running, Stopping, Stopped, Finished, Failed };
    Q_ENUM(Status)

    explicit DistillRunMonitor(QWidget *parent = nullptr);
    // Leaves a run that is going alone: it goes on, and a monitor can attach to it again.
    ~DistillRunMonitor() override;

    // The geolens-cli program; by default the one next to this application, else the one on PATH.
    void setCliPath(const QString &path);
    QString cliPath() const { return cliPath_; }
    // The launcher of runs on several GPUs, "torchrun" by default (looked up on PATH).
    void setTorchrunPath(const QString &path) { torchrunPath_ = path; }
    QString torchrunPath() const { return torchrunPath_; }

    // Starts `geolens-cli distill` with distillArguments and --out runDir (unless the arguments
    // already have --out) and follows it: as one process, or as `processes` ranks under torchrun
    // (see distributedLaunchCommand()), which RUN_DIR/launch.json records for Resume. False, with
    // the reason in errorString(), when a run is already followed or the program cannot be started
    // (the status line then says so too).
    bool start(const QStringList &distillArguments, const QString &runDir, int processes = 1);
    // Shows the run in runDir: followed when its process is alive, otherwise as its files left it.
    // A folder that is not a run's (nothing a run writes is in it) is refused: false, with
    // errorString() saying why, and the run shown before stays.
    bool openRunFolder(const QString &runDir);
    // Continues the stopped run in runDir() with --resume, as as many processes as it was started
    // with (RUN_DIR/launch.json; one without the file).
    bool resume();
    // The processes the run in runDir() was started as, from RUN_DIR/launch.json.
    int processCount() const { return processes_; }
    // Asks the run to stop after its current step, with a checkpoint (RUN_DIR/STOP). Pressing the
    // Stop button again, or after a minute, offers to terminate the process instead.
    void stop();
    // Sends SIGTERM to the run (to torchrun, which passes it on to every rank, for a run on several
    // GPUs): it still stops after its current step if it can.
    bool terminate();

    // Overlays the curves of another run folder on the plot; false when it has no metrics.jsonl.
    bool addComparisonRun(const QString &otherRunDir);

    bool isRunning() const;
    QString runDir() const { return runDir_; }
    Status status() const { return status_; }
    QString statusText() const;
    QString errorString() const { return error_; }
    int stepsDone() const { return stepsDone_; }
    // 0 while it is not known (before run.json is there, or for a run measured in epochs).
    int totalSteps() const { return totalSteps_; }
    // The process being watched, 0 when none.
    qint64 processId() const { return pid_; }

    // How often the process, the log and run.json are looked at, in milliseconds.
    void setPollInterval(int milliseconds);

    LossPlotWidget *lossPlot() const { return plot_; }
    MetricsLog *metricsLog() const { return metrics_; }
    QProgressBar *progressBar() const { return progress_; }
    QPlainTextEdit *logView() const { return log_; }
    bool isLogVisible() const;
    void setLogVisible(bool visible);
    QPushButton *stopButton() const { return stop_; }
    QPushButton *resumeButton() const { return resume_; }
    QPushButton *openFolderButton() const { return openFolder_; }
    QPushButton *openModelButton() const { return openModel_; }
    QPushButton *compareButton() const { return compare_; }
    QPushButton *checkModelsButton() const { return checkModels_; }
    QPushButton *evaluateButton() const { return evaluate_; }
    // The teacher folder run.json names, resolved against the run folder's parent when relative;
    // empty when there is none.
    QString teacherFolder() const;

signals:
    void runStarted();
    // The exit status when it is known (the run was started here), else -1.
    void runEnded(int exitCodeOrMinusOne);
    void statusChanged(const QString &text);
    void openModelRequested(const QString &folder);
    // The user asked to run the teacher and the exported student side by side.
    void compareModelsRequested(const QString &teacherFolder, const QString &studentFolder);
    // The user asked to evaluate the exported student and the teacher on a benchmark.
    void evaluateModelsRequested(const QString &teacherFolder, const QString &studentFolder);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void updateWindowTitle();
    void follow(const QString &runDir);
    bool launch(const QStringList &arguments, bool appendLog);
    void poll();
    void readLog();
    void readRunConfig();
    void updateProgress();
    void updateButtons();
    void setStatus(Status status, const QString &detail = {});
    void finishFromFiles();
    void stopPressed();
    void compareWithDialog();
    QString filePath(const QString &name) const;
    bool hasCheckpoint() const;
    bool hasStudent() const;
    qint64 lockHolderPid() const;
    static bool processAlive(qint64 pid);
    static qint64 parentProcessId(qint64 pid);
    // processes_ and launchRecordError_ from RUN_DIR/launch.json.
    void readLaunchRecord();
    // A JSON line of the log: the summary the CLI prints as it ends.
    void readSummary(const QString &line);
    static QString formatDuration(double seconds);

    QString cliPath_;
    QString torchrunPath_;
    QString runDir_;
    int processes_ = 1;
    // Why RUN_DIR/launch.json could not be read; Resume refuses rather than guess the processes.
    QString launchRecordError_;
    // Whether the summary the run printed last says that it stopped on request: under torchrun the
    // exit status cannot say it, since torchrun ends with 1 when any rank ends with other than 0.
    bool summarySaysStopped_ = false;
    QString error_;
    Status status_ = Status::NotRunning;
    QString detail_;
    qint64 pid_ = 0;
    // Whether this monitor started the process, so that its exit status gets written down.
    bool startedHere_ = false;
    int stepsDone_ = 0;
    int totalSteps_ = 0;
    // Whether run.json has been read; it is written once, as the run starts.
    bool runConfigRead_ = false;
    QString runTeacher_; // the teacher folder run.json names
    qint64 logOffset_ = 0;
    QByteArray logPartial_;
    QString lastLogLine_;
    QDateTime stopRequestedAt_;

    MetricsLog *metrics_;
    LossPlotWidget *plot_;
    QLabel *statusLabel_;
    QProgressBar *progress_;
    QLabel *timeLabel_;
    QToolButton *logToggle_;
    QPlainTextEdit *log_;
    QPushButton *stop_, *resume_, *openFolder_, *openModel_, *checkModels_, *evaluate_, *compare_;
    QTimer *poll_;
};

} // namespace geolens
