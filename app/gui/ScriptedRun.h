#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <deque>
#include <functional>

namespace geolens {

class MainWindow;

// The tasks asked for on the command line, run one after the other once the window has the raster
// and the model they need; each starts when the one before has ended. When the last has ended, or
// a step could not start and none follows, or the raster or the model could not be opened, the run
// is finished, once.
class ScriptedRun : public QObject {
    Q_OBJECT

public:
    // How a step went: it started a task whose end the window signals (analysisFinished or
    // chatAnswered), or it did its work at once.
    enum class StepStart { Started, Done };
    // Throws (a geolens::Error, with a message for the user) when the step cannot be done.
    using Step = std::function<StepStart()>;

    ScriptedRun(MainWindow *window, bool needsRaster, bool needsModel, QObject *parent = nullptr);

    // name: the command-line option that asked for the step, for the messages.
    void addStep(const QString &name, Step step);
    void addStep(Step step) { addStep(QString(), std::move(step)); }
    bool hasSteps() const { return !steps_.empty() || running_; }
    bool isFinished() const { return finished_; }
    // Whether any step (or opening what they need) failed so far.
    bool failed() const { return failed_; }
    // What went wrong, one line each, as written to stderr: the step's name and the reason, and
    // the steps that were not run because of it.
    const QStringList &problems() const { return problems_; }

signals:
    // ok: every step succeeded. Problems were written to stderr as they came.
    void finished(bool ok);

private:
    void prerequisiteReady();
    void stepEnded(bool ok, const QString &message);
    void next();
    void fail(const QString &message);
    void report(const QString &line);
    void finish();

    struct NamedStep {
        QString name;
        Step step;
    };
    std::deque<NamedStep> steps_;
    QString current_; // the name of the step whose task runs
    QStringList problems_;
    int ready_ = 0;
    int needed_;
    bool running_ = false; // a step's task runs
    bool failed_ = false;
    bool finished_ = false;
};

} // namespace geolens
