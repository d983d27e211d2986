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
    connect(window, &MainWindow::openFailed, this, [this] {
        if (ready_ < needed_)
            fail(QString());
    });
    connect(window, &MainWindow::modelLoadFailed, this, [this] {
        if (ready_ < needed_)
            fail(QString());
    });
}

void ScriptedRun::addStep(Step step)
{
    steps_.push_back(std::move(step));
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
        if (!message.isEmpty())
            std::fprintf(stderr, "geolens: %s\n", qPrintable(message));
    }
    QTimer::singleShot(0, this, &ScriptedRun::next);
}

void ScriptedRun::next()
{
    while (!steps_.empty() && !finished_) {
        const Step step = std::move(steps_.front());
        steps_.pop_front();
        try {
            running_ = true;
            if (step() == StepStart::Started)
                return;
            running_ = false;
        } catch (const std::exception &e) {
            running_ = false;
            failed_ = true;
            std::fprintf(stderr, "geolens: %s\n", e.what());
        }
    }
    finish();
}

void ScriptedRun::fail(const QString &message)
{
    failed_ = true;
    if (!message.isEmpty())
        std::fprintf(stderr, "geolens: %s\n", qPrintable(message));
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
