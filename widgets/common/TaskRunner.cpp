#include "TaskRunner.h"

#include "common/Error.h"
#include "common/JobProgress.h"

#include <QFutureWatcher>
#include <QProgressDialog>
#include <QWidget>
#include <QtConcurrent/QtConcurrentRun>

namespace geolens {

namespace {

constexpr int DialogSteps = 1000;

struct Ending {
    TaskOutcome outcome = TaskOutcome::Succeeded;
    QString error;
};

// Runs on the worker thread: how the work ended, never an exception.
Ending runWork(const std::function<void(const JobProgress &)> &work, const JobProgress &progress)
{
    try {
        work(progress);
    } catch (const Canceled &) {
        return {TaskOutcome::Canceled, QString()};
    } catch (const std::exception &e) {
        if (progress.isCanceled())
            return {TaskOutcome::Canceled, QString()};
        return {TaskOutcome::Failed, QString::fromStdString(e.what())};
    }
    return {TaskOutcome::Succeeded, QString()};
}

} // namespace

struct TaskRunner::Job {
    explicit Job(Task task) : task(std::move(task)) {}

    Task task;
    std::shared_ptr<JobProgress> progress;
    QPointer<QProgressDialog> dialog;
    ErasedDone done;
};

TaskRunner::TaskRunner(QWidget *dialogParent, QObject *parent) : QObject(parent), dialogParent_(dialogParent) {}

TaskRunner::~TaskRunner()
{
    // A job still running finishes on its own; nobody is told.
    if (job_ && job_->dialog)
        job_->dialog->deleteLater();
}

QString TaskRunner::busyTitle() const
{
    return job_ ? job_->task.title : QString();
}

QProgressDialog *TaskRunner::progressDialog() const
{
    return job_ ? job_->dialog.data() : nullptr;
}

void TaskRunner::cancel()
{
    if (!job_)
        return;
    job_->progress->requestCancel();
    if (job_->task.onCancel)
        job_->task.onCancel();
}

bool TaskRunner::startJob(Task task, ErasedWork work, ErasedDone done)
{
    if (job_)
        return false;
    job_ = std::make_unique<Job>(std::move(task));
    job_->done = std::move(done);

    if (job_->task.display == Display::ProgressDialog) {
        auto *dialog = new QProgressDialog(job_->task.label, tr("Cancel"), 0, DialogSteps, dialogParent_);
        dialog->setWindowTitle(job_->task.title);
        dialog->setWindowModality(Qt::WindowModal);
        dialog->setMinimumDuration(300);
        dialog->setAutoClose(false);
        dialog->setAutoReset(false);
        dialog->setValue(0); // starts the minimum-duration clock
        connect(dialog, &QProgressDialog::canceled, this, &TaskRunner::cancel);
        job_->dialog = dialog;
    }
    // Progress arrives on the worker thread; the dialog is updated on the GUI thread.
    QPointer<QProgressDialog> dialog = job_->dialog;
    job_->progress = std::make_shared<JobProgress>([dialog](std::int64_t done, std::int64_t total, const std::string &) {
        if (total <= 0 || !dialog)
            return;
        const int value = static_cast<int>(DialogSteps * done / total);
        QMetaObject::invokeMethod(dialog, [dialog, value] {
            if (dialog && value > dialog->value())
                dialog->setValue(value);
        }, Qt::QueuedConnection);
    });

    auto *watcher = new QFutureWatcher<Ending>(this);
    connect(watcher, &QFutureWatcher<Ending>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Ending ending = watcher->result();
        finishJob(ending.outcome, ending.error);
    });
    const std::shared_ptr<JobProgress> progress = job_->progress;
    watcher->setFuture(QtConcurrent::run([work = std::move(work), progress] { return runWork(work, *progress); }));
    emit busyChanged(true);
    return true;
}

void TaskRunner::finishJob(TaskOutcome outcome, const QString &error)
{
    // The runner is idle before onDone runs, so that onDone may start the next job.
    const std::unique_ptr<Job> job = std::move(job_);
    if (job->dialog) {
        job->dialog->hide();
        job->dialog->deleteLater();
    }
    emit busyChanged(false);
    job->done(outcome, error);
}

void TaskRunner::startRead(const QString &channel, ErasedWork work, ErasedDone done)
{
    const quint64 serial = ++readSerials_[channel];
    const bool wasReading = isReading();
    reading_.insert(channel);
    auto *watcher = new QFutureWatcher<Ending>(this);
    connect(watcher, &QFutureWatcher<Ending>::finished, this, [this, watcher, channel, serial, done = std::move(done)] {
        watcher->deleteLater();
        if (readSerials_.value(channel) != serial)
            return; // a newer read replaced this one, or it was forgotten
        reading_.remove(channel);
        if (!isReading())
            emit readingChanged(false);
        const Ending ending = watcher->result();
        done(ending.outcome, ending.error);
    });
    // Reads cannot be canceled: the progress only satisfies the work's signature.
    auto progress = std::make_shared<JobProgress>();
    watcher->setFuture(QtConcurrent::run([work = std::move(work), progress] { return runWork(work, *progress); }));
    if (!wasReading)
        emit readingChanged(true);
}

void TaskRunner::forget(const QString &channel)
{
    if (!reading_.contains(channel))
        return;
    ++readSerials_[channel];
    reading_.remove(channel);
    if (!isReading())
        emit readingChanged(false);
}

} // namespace geolens
