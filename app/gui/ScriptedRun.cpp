#include "ScriptedRun.h"

#include "MainWindow.h"

#include <QTimer>

#include <cstdio>
#include <exception>

namespace geolens {

ScriptedRun::ScriptedRun(MainWindow *window, bool needsRaster, bool needsModel, QObject *parent)
    : QObject(parent), needed_((needsRaster ? 1 : 0) + (needsModel ? 1 : 0))
{
    connect(window, &MainWindow::rasterOpened, this, &ScriptedRun::prerequisiteReady);
    connect(window, &MainWindow::modelLoaded, this, &ScriptedRun::prerequisiteReady);
    connect(window, &MainWindow::analysisFinished, this, &ScriptedRun::stepEnded);
    connect(window, &MainWindow::chatAnswered, this, [this] { stepEnded(true, QString()); });
    // Without the raster or the model no step can run.
    connect(window, &MainWindow::openFailed, this, [this](const QString &message) {
        if (ready_ < needed_)
            fail(QStringLiteral("the raster could not be opened: ") + message);
    });
    connect(window, &MainWindow::modelLoadFailed, this, [this](const QString &message) {
        if (ready_ < needed_)
            fail(QStringLiteral("the model could not be loaded: ") + message);
    });
}

void ScriptedRun::addStep(const QString &name, Step step)
{
    steps_.push_back(NamedStep{name, std::move(step)});
}

void ScriptedRun::report(const QString &line)
{
    problems_ << line;
    std::fprintf(stderr, "geolens: %s\n", qPrintable(line));
}

void ScriptedRun::prerequisiteReady()
{
    // A raster opened again (after overviews, say) does not start the steps twice.
    if (++ready_ == needed_)
        next();
}

void ScriptedRun::stepEnded(bool ok, const QString &message)
{
    if (!running_)
        return; // a task the run did not start
    running_ = false;
    if (!ok) {
        failed_ = true;
        const QString what = current_.isEmpty() ? QStringLiteral("a step") : current_;
        report(what + QStringLiteral(" failed") + (message.isEmpty() ? QString() : QStringLiteral(": ") + message));
    }
    QTimer::singleShot(0, this, &ScriptedRun::next);
}

void ScriptedRun::next()
{
    while (!steps_.empty() && !finished_) {
        const NamedStep step = std::move(steps_.front());
        steps_.pop_front();
        current_ = step.name;
        try {
            running_ = true;
            if (step.step() == StepStart::Started)
                return;
            running_ = false;
        } catch (const std::exception &e) {
            running_ = false;
            failed_ = true;
            report((step.name.isEmpty() ? QStringLiteral("a step") : step.name) + QStringLiteral(" failed: ") +
                   QString::fromUtf8(e.what()));
        }
    }
    finish();
}

void ScriptedRun::fail(const QString &message)
{
    failed_ = true;
    if (!message.isEmpty())
        report(message);
    QStringList skipped;
    for (const NamedStep &step : steps_)
        if (!step.name.isEmpty())
            skipped << step.name;
    if (!skipped.isEmpty())
        report(QStringLiteral("not run: ") + skipped.join(QStringLiteral(", ")));
    steps_.clear();
    finish();
}

void ScriptedRun::finish()
{
    if (finished_)
        return;
    finished_ = true;
    emit finished(!failed_);
}

} // namespace geolens
