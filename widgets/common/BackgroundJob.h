#pragma once

#include <QObject>
#include <QPointer>
#include <QProgressDialog>
#include <QString>

#include <functional>
#include <memory>

class QWidget;

namespace geolens {

class JobProgress;

// Runs a core job (anything that takes a JobProgress) on a worker thread behind a window-modal
// progress dialog with a Cancel button, and reports how it ended. The object deletes itself once
// it has emitted finished().
class BackgroundJob : public QObject {
    Q_OBJECT

public:
    enum class Outcome { Succeeded, Canceled, Failed };
    Q_ENUM(Outcome)

    using Work = std::function<void(const JobProgress &)>;

    BackgroundJob(const QString &title, const QString &label, QWidget *parent);
    ~BackgroundJob() override;

    void start(Work work);
    QProgressDialog *dialog() const { return dialog_; }

signals:
    // error is the job's message when it failed, empty otherwise.
    void finished(geolens::BackgroundJob::Outcome outcome, const QString &error);

private:
    QPointer<QProgressDialog> dialog_;
    std::shared_ptr<JobProgress> progress_;
};

} // namespace geolens
