#pragma once

#include <QDialog>
#include <QProcess>
#include <QString>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace geolens {

class DeviceComboBox;
class GpuInventory;

// Evaluates one or more models on a benchmark: the form for `geolens-cli evaluate`, and the run
// itself as a child process whose --json lines drive the progress bar. Nothing blocks the GUI
// thread. Cancel terminates the process; the questions answered so far stay in the report folder
// and a run with Resume checked continues from them.
//
// Closing the dialog only hides it, so a run goes on and reportReady still comes; the form is
// remembered in QSettings at every start.
class EvaluateDialog : public QDialog {
    Q_OBJECT

public:
    explicit EvaluateDialog(QWidget *parent = nullptr);
    // Terminates a run still going: the process is this dialog's child.
    ~EvaluateDialog() override;

    // The geolens-cli program; by default the one next to this application, else the one on PATH.
    void setCliPath(const QString &path) { cliPath_ = path; }
    QString cliPath() const { return cliPath_; }

    void setModels(const QStringList &folders);
    QStringList models() const;
    // "scene", "vqa", "referring", "grounding" or "caption".
    void setBenchmark(const QString &benchmark);
    QString benchmark() const;
    void setQuestionsFile(const QString &path);
    QString questionsFile() const;
    void setImagesFolder(const QString &path);
    QString imagesFolder() const;
    void setReportFolder(const QString &path);
    QString reportFolder() const;
    // 0: every question.
    void setLimit(int questions);
    int limit() const;
    // 0: the CLI's default.
    void setBatch(int questions);
    int batch() const;
    void setDevice(const QString &device);
    QString device() const;
    // "auto", "f32", "bf16" or "f16".
    void setDtype(const QString &dtype);
    QString dtype() const;
    // 0: the model's own.
    void setImageSize(int pixels);
    int imageSize() const;
    void setResume(bool resume);
    bool resume() const;
    // Comma-separated question types, VQA only; empty: all of them.
    void setVqaTypes(const QString &types);
    QString vqaTypes() const;

    // Why the form cannot run, as a sentence for the user; empty when it can.
    QString validate() const;
    // The CLI's arguments for the form, verb first: evaluate --model ... --json.
    QStringList arguments() const;

    // Validates the form and starts the run; false, with the reason in errorString() and on the
    // dialog, when the form is not valid, a run is going or the program cannot start.
    bool start();
    // The models whose predictions the report folder already holds (a run to resume).
    QStringList modelsWithEarlierAnswers() const;
    // Terminates the run; it ends with exit code 130 and keeps what was answered.
    void cancel();
    bool isRunning() const;
    QString statusText() const;
    QString errorString() const { return error_; }
    // The report folder of the last run that finished, as the CLI named it.
    QString finishedReportFolder() const { return finishedReport_; }

    QListWidget *modelList() const { return models_; }
    QProgressBar *progressBar() const { return progress_; }
    QPushButton *runButton() const { return run_; }
    QPushButton *cancelButton() const { return cancel_; }
    QLineEdit *questionsEdit() const { return questions_; }
    QLineEdit *vqaTypesEdit() const { return vqaTypes_; }

signals:
    void runStarted();
    // The CLI's exit code; -1 when it crashed or could not start.
    void runFinished(int exitCode);
    // The run finished and its report is complete in dir.
    void reportReady(const QString &dir);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void retranslate();
    void benchmarkChanged();
    void updateEnabled();
    void addModel();
    void removeModels();
    void browseQuestions();
    void browseImages();
    void browseReport();
    void loadSettings();
    void saveSettings() const;
    void runClicked();
    void readStdout();
    void readStderr();
    void handleLine(const QByteArray &line);
    void processFinished(int exitCode, QProcess::ExitStatus status);
    void processFailed(QProcess::ProcessError error);
    void setStatus(const QString &text, bool problem = false);

    QString cliPath_;
    QString error_;
    QString status_;
    QString finishedReport_;
    QString announcedReport_;
    QByteArray stdoutPartial_;
    QString lastStderrLine_;
    bool canceled_ = false;
    bool gpusAsked_ = false;
    int modelIndex_ = 0, modelCount_ = 0;
    QString currentModel_;

    QLabel *modelsLabel_;
    QListWidget *models_;
    QPushButton *addModel_, *removeModel_;
    QLabel *benchmarkLabel_;
    QComboBox *benchmark_;
    QLabel *questionsLabel_;
    QLineEdit *questions_;
    QPushButton *browseQuestions_;
    QLabel *imagesLabel_;
    QLineEdit *images_;
    QPushButton *browseImages_;
    QLabel *reportLabel_;
    QLineEdit *report_;
    QPushButton *browseReport_;
    QLabel *limitLabel_, *batchLabel_, *deviceLabel_, *dtypeLabel_, *imageSizeLabel_, *vqaTypesLabel_;
    QSpinBox *limit_, *batch_, *imageSize_;
    DeviceComboBox *device_;
    GpuInventory *gpus_;
    QComboBox *dtype_;
    QCheckBox *resume_;
    QLineEdit *vqaTypes_;
    QProgressBar *progress_;
    QLabel *statusLabel_;
    QPushButton *run_, *cancel_, *close_;
    QDialogButtonBox *buttons_;
    QProcess *process_ = nullptr;
    QTimer *killTimer_;
};

} // namespace geolens
