#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

class QProgressDialog;
class QWidget;

namespace geolens {

class JobProgress;

enum class TaskOutcome { Succeeded, Canceled, Failed };

// Runs core work (anything that takes a JobProgress) on a worker thread and hands its typed result
// back on the GUI thread, in the spirit of QgsTask: the one place of a window that knows whether a
// job is running.
//
// run() is for jobs: one at a time, each with a progress bar and Cancel (a window-modal dialog, or
// nothing when the caller shows progress itself, as the chat panel does). runLatest() is for the
// reads a window makes as it goes (opening a file, a display stretch): they run beside a job, and
// a newer read of the same channel replaces an older one, whose result is dropped.
class TaskRunner : public QObject {
    Q_OBJECT

public:
    enum class Display {
        ProgressDialog, // window-modal, with a bar and Cancel, shown once the job takes 300 ms
        None,           // the caller shows that it runs and offers Cancel (cancel())
    };

    struct Task {
        Task(QString title, QString label, Display display = Display::ProgressDialog, std::function<void()> onCancel = {})
            : title(std::move(title)), label(std::move(label)), display(display), onCancel(std::move(onCancel))
        {
        }

        QString title; // the dialog's window title
        QString label; // what is being done, a sentence
        Display display = Display::ProgressDialog;
        // Called on the GUI thread by cancel(), besides setting the JobProgress flag: for work that
        // watches a flag of its own (a generation request's cancel).
        std::function<void()> onCancel;
    };

    // The progress dialogs are window-modal to dialogParent.
    explicit TaskRunner(QWidget *dialogParent, QObject *parent = nullptr);
    ~TaskRunner() override;

    // Runs work(const JobProgress &) -> T on a worker thread, then on the GUI thread
    //     onDone(TaskOutcome, std::optional<T> result, const QString &error)
    // or onDone(TaskOutcome, const QString &error) when T is void. The result is there exactly
    // when the outcome is Succeeded; error is the exception's message when it is Failed. Work
    // that throws Canceled, or throws anything after a cancel was asked, was Canceled; work that
    // returns Succeeded, even when a cancel came too late to stop it (a generation stopped early
    // returns its partial answer). Returns false, and runs nothing, while another job runs.
    template <typename Work, typename Done>
    bool run(Task task, Work work, Done onDone);

    // Runs a read beside any job; onDone as for run(), but only for the newest read of channel:
    // an older one still running is forgotten and its onDone never called.
    template <typename Work, typename Done>
    void runLatest(const QString &channel, Work work, Done onDone);
    // The read of channel running now, if any, no longer matters: its onDone is not called.
    void forget(const QString &channel);

    bool isBusy() const { return job_ != nullptr; }
    QString busyTitle() const; // the running job's title; empty when idle
    bool isReading() const { return !reading_.isEmpty(); }
    // Asks the running job to stop; its onDone follows as usual.
    void cancel();
    QProgressDialog *progressDialog() const; // the running job's; null when idle or without one

signals:
    void busyChanged(bool busy);
    void readingChanged(bool reading); // whether any channel's newest read is still running

private:
    using ErasedWork = std::function<void(const JobProgress &progress)>;
    using ErasedDone = std::function<void(TaskOutcome outcome, const QString &error)>;
    struct Job;

    // The typed result travels through a shared slot that the work fills and onDone empties.
    template <typename Work, typename Done>
    static std::pair<ErasedWork, ErasedDone> erase(Work work, Done onDone);

    bool startJob(Task task, ErasedWork work, ErasedDone done);
    void startRead(const QString &channel, ErasedWork work, ErasedDone done);
    void finishJob(TaskOutcome outcome, const QString &error);

    QPointer<QWidget> dialogParent_;
    std::unique_ptr<Job> job_;
    QHash<QString, quint64> readSerials_; // the newest read of each channel
    QSet<QString> reading_;              // channels whose newest read runs
};

template <typename Work, typename Done>
std::pair<TaskRunner::ErasedWork, TaskRunner::ErasedDone> TaskRunner::erase(Work work, Done onDone)
{
    using Result = std::invoke_result_t<Work &, const JobProgress &>;
    if constexpr (std::is_void_v<Result>) {
        return {ErasedWork(std::move(work)), ErasedDone(std::move(onDone))};
    } else {
        auto slot = std::make_shared<std::optional<Result>>();
        ErasedWork erasedWork = [work = std::move(work), slot](const JobProgress &progress) mutable {
            slot->emplace(work(progress));
        };
        ErasedDone erasedDone = [onDone = std::move(onDone), slot](TaskOutcome outcome, const QString &error) mutable {
            std::optional<Result> result;
            if (outcome == TaskOutcome::Succeeded)
                result.swap(*slot);
            slot->reset();
            onDone(outcome, std::move(result), error);
        };
        return {std::move(erasedWork), std::move(erasedDone)};
    }
}

template <typename Work, typename Done>
bool TaskRunner::run(Task task, Work work, Done onDone)
{
    auto [erasedWork, erasedDone] = erase(std::move(work), std::move(onDone));
    return startJob(std::move(task), std::move(erasedWork), std::move(erasedDone));
}

template <typename Work, typename Done>
void TaskRunner::runLatest(const QString &channel, Work work, Done onDone)
{
    auto [erasedWork, erasedDone] = erase(std::move(work), std::move(onDone));
    startRead(channel, std::move(erasedWork), std::move(erasedDone));
}

} // namespace geolens
