#pragma once

#include <QList>
#include <QProcess>
#include <QStringList>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTimer;

namespace geolens {

class LossPlotWidget;
class MetricsLog;

// Runs the multi-aspect method's commands one after the other in geolens-cli processes (the
// teacher pass, then the training), off the GUI, with the step and its progress, the processes'
// messages, and the training's loss and validation curves live from RUN_DIR/metrics.jsonl. Stop
// ends the running process; Resume runs the commands again, and each goes on where it stopped.
// Once a classifier exists, Label Tiles asks the main window to label the map with it.
class TileClassifierRunWindow : public QWidget {
    Q_OBJECT

public:
    explicit TileClassifierRunWindow(QWidget *parent = nullptr);
    ~TileClassifierRunWindow() override;

    // commands: geolens-cli's arguments, each a step. targets, runDir: the folders they write, for
    // the progress and the curves. False (errorString says why) when a run is going.
    bool start(const QList<QStringList> &commands, const QString &targets, const QString &runDir);
    void stop();
    bool isRunning() const;
    QString errorString() const { return error_; }
    QString classifierFolder() const;
    // The geolens-cli that runs the steps; by default the one next to this application.
    void setCliPath(const QString &path) { cliPath_ = path; }
    // The messages of the processes so far.
    QString log() const;
    LossPlotWidget *lossPlot() const { return plot_; }

signals:
    // Every step ended: ok when each succeeded.
    void finished(bool ok);
    void labelTilesRequested(const QString &classifierFolder);

private:
    void runStep(int index);
    void updateProgress();
    void stepEnded(int exitCode, QProcess::ExitStatus status);

    QList<QStringList> commands_;
    QString targets_, runDir_, cliPath_, error_;
    int step_ = -1;
    int epochs_ = 0;
    bool stopping_ = false;
    QProcess *process_ = nullptr;
    QTimer *poll_;
    QLabel *stepLabel_;
    QProgressBar *progress_;
    QPlainTextEdit *log_;
    QPushButton *stop_, *resume_, *label_;
    MetricsLog *metrics_;
    LossPlotWidget *plot_;
};

} // namespace geolens
