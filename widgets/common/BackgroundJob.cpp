#include "BackgroundJob.h"

#include "common/Error.h"
#include "common/JobProgress.h"

#include <QFutureWatcher>
#include <QProgressDialog>
#include <QtConcurrent/QtConcurrentRun>

namespace geolens {

namespace {

constexpr int Steps = 1000;

struct Result {
    BackgroundJob::Outcome outcome = BackgroundJob::Outcome::Succeeded;
    QString error;
};

} // namespace

BackgroundJob::BackgroundJob(const QString &title, const QString &label, QWidget *parent)
    : QObject(parent), dialog_(new QProgressDialog(label, tr("Cancel"), 0, Steps, parent))
{
    dialog_->setWindowTitle(title);
    dialog_->setWindowModality(Qt::WindowModal);
    dialog_->setMinimumDuration(300);
    dialog_->setAutoClose(false);
    dialog_->setAutoReset(false);
    dialog_->setValue(0);
}

BackgroundJob::~BackgroundJob()
{
    if (dialog_)
        dialog_->deleteLater();
}

void BackgroundJob::start(Work work)
{
    QPointer<QProgressDialog> dialog = dialog_;
    // Progress arrives on the worker thread; the dialog is updated on the GUI thread.
    progress_ = std::make_shared<JobProgress>([dialog](std::int64_t done, std::int64_t total, const std::string &) {
        if (total <= 0)
            return;
        const int value = static_cast<int>(Steps * done / total);
        QMetaObject::invokeMethod(dialog, [dialog, value] {
            if (dialog && value > dialog->value())
                dialog->setValue(value);
        }, Qt::QueuedConnection);
    });
    const std::shared_ptr<JobProgress> progress = progress_;
    connect(dialog_, &QProgressDialog::canceled, this, [progress] { progress->requestCancel(); });

    auto *watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher] {
        const Result result = watcher->result();
        if (dialog_)
            dialog_->hide();
        emit finished(result.outcome, result.error);
        deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([work = std::move(work), progress]() -> Result {
        try {
            work(*progress);
        } catch (const Canceled &) {
            return {Outcome::Canceled, QString()};
        } catch (const std::exception &e) {
            if (progress->isCanceled())
                return {Outcome::Canceled, QString()};
            return {Outcome::Failed, QString::fromStdString(e.what())};
        }
        return {progress->isCanceled() ? Outcome::Canceled : Outcome::Succeeded, QString()};
    }));
}

} // namespace geolens
