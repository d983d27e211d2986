// The run monitor on real distillation runs of tiny models, started through geolens-cli: it follows
// the files while they grow, tells how a run ended, stops and resumes it, and attaches to a run
// folder later without starting anything.

#include "DistillRunMonitor.h"
#include "distill/RunFolder.h"
#include "LossPlotWidget.h"
#include "MetricsLog.h"
#include "RunLaunchRecord.h"
#include "TinyModel.h"

#include <QColor>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>
#include <set>

using namespace geolens;
using Status = DistillRunMonitor::Status;

namespace {

const char *const TokenizerPath = GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model";
constexpr int Entries = 12;
constexpr int RunTimeoutMs = 120000;

int distinctColours(const QImage &image)
{
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            colours.insert(image.pixel(x, y) & 0xffffff);
    return static_cast<int>(colours.size());
}

bool hasCheckpoint(const QString &runDir)
{
    return !QDir(runDir + "/checkpoints").entryList({"step-*"}, QDir::Dirs | QDir::NoDotAndDotDot).isEmpty();
}

} // namespace

class RunMonitorTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    QString path(const QString &name) const { return dir_.filePath(name); }

    QStringList distillArguments(int steps) const
    {
        return {"--method", "kd", "--steps", QString::number(steps), "--batch-size", "2", "--lr", "1e-3",
                "--teacher", path("teacher"), "--student", path("student"), "--data", path("data.json"),
                "--images", path("images"), "--teacher-device", "cpu", "--student-device", "cpu", "--dtype", "f32",
                "--set",
                "lora.enabled=false;run.eval_interval=4;run.checkpoint_interval=4;validation_fraction=0.25;"
                "optimiser.warmup_steps=2"};
    }

    // A stand-in for torchrun: it writes its arguments as one line to CALLS, then runs the command
    // it was given without torchrun's own options, as one process, and ends as torchrun does: with
    // 1 when the command ends with other than 0.
    QString writeFakeTorchrun(const QString &calls) const
    {
        const QString script = path("fake-torchrun");
        QFile file(script);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(script));
        file.write("#!/bin/sh\n"
                   "printf '%s ' \"$@\" >> '" + calls.toUtf8() + "'\n"
                   "echo >> '" + calls.toUtf8() + "'\n"
                   "while [ $# -gt 0 ]; do\n"
                   "  case \"$1\" in\n"
                   "    --no-python|--standalone) shift ;;\n"
                   "    --nproc-per-node) shift 2 ;;\n"
                   "    *) break ;;\n"
                   "  esac\n"
                   "done\n"
                   "\"$@\" || exit 1\n");
        file.close();
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return script;
    }

    static QStringList lines(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    }

    static std::unique_ptr<DistillRunMonitor> newMonitor()
    {
        auto monitor = std::make_unique<DistillRunMonitor>();
        monitor->setCliPath(GEOLENS_CLI_PATH);
        monitor->setPollInterval(200);
        monitor->resize(1100, 760);
        return monitor;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("GeoLensTest");
        QCoreApplication::setApplicationName("tst_run_monitor");
        if (!QFile::exists(TokenizerPath))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        QVERIFY(dir_.isValid());
        test::TinyModelSpec teacher;
        teacher.geochat = false;
        teacher.outputScale = 24.0;
        test::writeTinyModel(path("teacher").toStdString(), teacher, test::TinyLayout::LlavaHf, TokenizerPath);
        test::TinyModelSpec student;
        student.geochat = false;
        student.layers = 1;
        student.intermediate = 40;
        test::writeTinyModel(path("student").toStdString(), student, test::TinyLayout::LlavaHf, TokenizerPath);

        QVERIFY(QDir().mkpath(path("images")));
        const char *const questions[] = {"What is in this image?", "Describe the scene.", "Is there water?"};
        const char *const answers[] = {"A river and fields.", "Dense buildings.", "Yes, a lake."};
        QJsonArray entries;
        for (int i = 0; i < Entries; ++i) {
            QImage image(24 + (i % 3) * 8, 24, QImage::Format_RGB888);
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    image.setPixelColor(x, y, QColor((x * 7 + i * 29) % 256, (y * 13) % 256, (x + y + i * 50) % 256));
            const QString name = QStringLiteral("img%1.ppm").arg(i);
            QVERIFY(image.save(path("images/" + name), "PPM"));
            entries.append(QJsonObject{
                {"id", QStringLiteral("e%1").arg(i)},
                {"image", name},
                {"conversations",
                 QJsonArray{QJsonObject{{"from", "human"}, {"value", QStringLiteral("<image>\n") + questions[i % 3]}},
                            QJsonObject{{"from", "gpt"}, {"value", answers[i % 3]}}}}});
        }
        QFile data(path("data.json"));
        QVERIFY(data.open(QIODevice::WriteOnly));
        data.write(QJsonDocument(entries).toJson());
    }

    void followsARunToTheEnd()
    {
        const QString runDir = path("run-full");
        auto monitor = newMonitor();
        monitor->setLogVisible(true);
        monitor->show();
        QVERIFY(QTest::qWaitForWindowExposed(monitor.get()));
        QSignalSpy started(monitor.get(), &DistillRunMonitor::runStarted);
        QSignalSpy ended(monitor.get(), &DistillRunMonitor::runEnded);

        // The progress bar sampled while the run goes: it must have moved up at least twice.
        int increases = 0, last = -1;
        QTimer sampler;
        connect(&sampler, &QTimer::timeout, this, [&] {
            const int value = monitor->progressBar()->maximum() > 1 ? monitor->progressBar()->value() : 0;
            if (last >= 0 && value > last)
                ++increases;
            last = value;
        });
        sampler.start(10);

        // The log of an earlier run in the same folder is neither shown nor taken as the new one's start.
        QVERIFY(QDir().mkpath(runDir));
        {
            QFile old(runDir + "/distill.log");
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("a line of an earlier run\n");
        }
        QVERIFY2(monitor->start(distillArguments(12), runDir), qPrintable(monitor->errorString()));
        QVERIFY(!monitor->logView()->toPlainText().contains("earlier run"));
        QCOMPARE(started.count(), 1);
        QVERIFY(monitor->isRunning());
        QCOMPARE(monitor->status(), Status::Running);
        QCOMPARE(monitor->runDir(), QDir::cleanPath(runDir));
        QVERIFY(monitor->processId() > 0);
        QVERIFY(!monitor->openModelButton()->isEnabled());
        QVERIFY(monitor->stopButton()->isEnabled());

        QTRY_VERIFY_WITH_TIMEOUT(!monitor->isRunning(), RunTimeoutMs);
        sampler.stop();
        QVERIFY2(monitor->status() == Status::Finished, qPrintable(monitor->statusText() + "\n" +
                                                                     monitor->logView()->toPlainText()));
        QCOMPARE(ended.count(), 1);
        QCOMPARE(ended.at(0).at(0).toInt(), 0);
        QCOMPARE(monitor->lossPlot()->metricsLog()->stepRecordCount(), 12);
        QVERIFY(monitor->lossPlot()->metricsLog()->evaluationRecordCount() > 0);
        QCOMPARE(monitor->totalSteps(), 12);
        QCOMPARE(monitor->stepsDone(), 12);
        QCOMPARE(monitor->progressBar()->maximum(), 12);
        QCOMPARE(monitor->progressBar()->value(), 12);
        qInfo("progress seen increasing %d times", increases);
        QVERIFY2(increases >= 2, qPrintable(QString::number(increases)));
        QVERIFY(monitor->openModelButton()->isEnabled());
        QVERIFY(!monitor->stopButton()->isEnabled());
        QVERIFY(!monitor->resumeButton()->isEnabled());
        QVERIFY(!QFile::exists(runDir + "/distill.pid"));
        // The log pane holds what the process wrote, the step lines among it.
        QVERIFY(monitor->logView()->toPlainText().contains("step 12"));
        QVERIFY(monitor->logView()->toPlainText().contains("Loading the teacher"));
        QVERIFY(!monitor->logView()->toPlainText().contains("earlier run"));

        QSignalSpy openModel(monitor.get(), &DistillRunMonitor::openModelRequested);
        monitor->openModelButton()->click();
        QCOMPARE(openModel.count(), 1);
        QCOMPARE(openModel.at(0).at(0).toString(), QDir::cleanPath(runDir) + "/student");

        // The side-by-side check gets the teacher run.json names and the exported student.
        QVERIFY(monitor->checkModelsButton()->isEnabled());
        QSignalSpy check(monitor.get(), &DistillRunMonitor::compareModelsRequested);
        monitor->checkModelsButton()->click();
        QCOMPARE(check.count(), 1);
        QCOMPARE(QDir::cleanPath(check.at(0).at(0).toString()), QDir::cleanPath(path("teacher")));
        QCOMPARE(check.at(0).at(1).toString(), QDir::cleanPath(runDir) + "/student");

        // So does the evaluation of the two on a benchmark.
        QVERIFY(monitor->evaluateButton()->isEnabled());
        QSignalSpy evaluate(monitor.get(), &DistillRunMonitor::evaluateModelsRequested);
        monitor->evaluateButton()->click();
        QCOMPARE(evaluate.count(), 1);
        QCOMPARE(QDir::cleanPath(evaluate.at(0).at(0).toString()), QDir::cleanPath(path("teacher")));
        QCOMPARE(evaluate.at(0).at(1).toString(), QDir::cleanPath(runDir) + "/student");

        // Every button explains itself.
        for (QPushButton *b : {monitor->stopButton(), monitor->resumeButton(), monitor->openFolderButton(),
                               monitor->openModelButton(), monitor->checkModelsButton(), monitor->evaluateButton(),
                               monitor->compareButton()})
            QVERIFY2(!b->toolTip().isEmpty(), qPrintable(b->text()));

        // The picture of the finished run with its real curves.
        monitor->lossPlot()->refresh();
        QTest::qWait(100);
        const QImage image = monitor->grab().toImage();
        const QString picture = path("run-monitor.png");
        QVERIFY(image.save(picture));
        QFile::remove("/tmp/run-monitor.png");
        QVERIFY(QFile::copy(picture, "/tmp/run-monitor.png"));
        const int colours = distinctColours(image);
        qInfo("the grab has %d distinct colours", colours);
        QVERIFY2(colours > 40, qPrintable(QString::number(colours)));
    }

    void logPaneRemembersItsState()
    {
        {
            auto monitor = newMonitor();
            monitor->setLogVisible(true);
        }
        QVERIFY(newMonitor()->isLogVisible());
        {
            auto monitor = newMonitor();
            monitor->setLogVisible(false);
        }
        QVERIFY(!newMonitor()->isLogVisible());
    }

    void stopsAndResumes()
    {
        const QString runDir = path("run-stop");
        auto monitor = newMonitor();
        QSignalSpy ended(monitor.get(), &DistillRunMonitor::runEnded);
        // Enough steps that the run cannot end before the stop is seen.
        QVERIFY2(monitor->start(distillArguments(40), runDir), qPrintable(monitor->errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(monitor->stepsDone() >= 3 || !monitor->isRunning(), RunTimeoutMs);
        QVERIFY(monitor->isRunning());
        monitor->stopButton()->click();
        QCOMPARE(monitor->status(), Status::Stopping);
        QVERIFY(QFile::exists(runDir + "/STOP"));
        QTRY_VERIFY_WITH_TIMEOUT(!monitor->isRunning(), RunTimeoutMs);
        QVERIFY2(monitor->status() == Status::Stopped, qPrintable(monitor->statusText()));
        QCOMPARE(ended.count(), 1);
        QCOMPARE(ended.at(0).at(0).toInt(), 130);
        QVERIFY(hasCheckpoint(runDir));
        QVERIFY(!QFile::exists(runDir + "/student/config.json"));
        const int stoppedAt = monitor->stepsDone();
        QVERIFY(stoppedAt >= 3 && stoppedAt < 40);
        QCOMPARE(monitor->totalSteps(), 40);
        QCOMPARE(monitor->progressBar()->value(), stoppedAt);
        QVERIFY(monitor->resumeButton()->isEnabled());
        QVERIFY(!monitor->openModelButton()->isEnabled());

        monitor->resumeButton()->click();
        QCOMPARE(monitor->status(), Status::Running);
        QTRY_VERIFY_WITH_TIMEOUT(!monitor->isRunning(), 2 * RunTimeoutMs);
        QVERIFY2(monitor->status() == Status::Finished, qPrintable(monitor->statusText()));
        QCOMPARE(ended.count(), 2);
        QCOMPARE(ended.at(1).at(0).toInt(), 0);
        QCOMPARE(monitor->stepsDone(), 40);
        QCOMPARE(monitor->lossPlot()->metricsLog()->stepRecordCount(), 40);
        QVERIFY(monitor->openModelButton()->isEnabled());
        QVERIFY(monitor->logView()->toPlainText().contains("resuming at step"));

        // Another run's curves as a comparison.
        QVERIFY(monitor->addComparisonRun(path("run-full")));
        QCOMPARE(monitor->lossPlot()->comparisonRuns(), QStringList{"run-full"});
        QVERIFY(!monitor->addComparisonRun(path("images")));
    }

    void startsAndResumesOnSeveralGpusThroughTorchrun()
    {
        const QString runDir = path("run-gpus");
        const QString calls = path("torchrun-calls.txt");
        const QString torchrun = writeFakeTorchrun(calls);
        auto monitor = newMonitor();
        monitor->setTorchrunPath(torchrun);
        QSignalSpy ended(monitor.get(), &DistillRunMonitor::runEnded);
        QVERIFY2(monitor->start(distillArguments(30), runDir, 2), qPrintable(monitor->errorString()));
        QCOMPARE(monitor->processCount(), 2);
        QCOMPARE(RunLaunchRecord::read(runDir).processes, 2);
        QCOMPARE(monitor->statusText(), QStringLiteral("Running on 2 GPUs"));
        QTRY_VERIFY_WITH_TIMEOUT(monitor->stepsDone() >= 3 || !monitor->isRunning(), RunTimeoutMs);
        QVERIFY(monitor->isRunning());
        monitor->stop();
        QVERIFY(QFile::exists(runDir + "/STOP"));
        QTRY_VERIFY_WITH_TIMEOUT(!monitor->isRunning(), RunTimeoutMs);
        // The launcher ended with 1 for the run's 130, as torchrun does; the run's summary tells
        // that it stopped on request.
        QCOMPARE(ended.count(), 1);
        QCOMPARE(ended.at(0).at(0).toInt(), 1);
        QVERIFY2(monitor->status() == Status::Stopped, qPrintable(monitor->statusText()));
        QVERIFY(monitor->resumeButton()->isEnabled());
        QStringList made = lines(calls);
        QCOMPARE(made.size(), 1);
        const QString start = QStringLiteral("--no-python --standalone --nproc-per-node 2 %1 distill ").arg(GEOLENS_CLI_PATH);
        QVERIFY2(made[0].startsWith(start), qPrintable(made[0]));
        QVERIFY2(made[0].contains("--out " + QDir(runDir).absolutePath()), qPrintable(made[0]));

        // A monitor that opens the folder later resumes the run on as many GPUs.
        auto later = newMonitor();
        later->setTorchrunPath(torchrun);
        later->openRunFolder(runDir);
        QCOMPARE(later->processCount(), 2);
        QCOMPARE(later->status(), Status::Stopped);
        later->resumeButton()->click();
        QVERIFY2(later->isRunning(), qPrintable(later->errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(!later->isRunning(), 2 * RunTimeoutMs);
        QVERIFY2(later->status() == Status::Finished, qPrintable(later->statusText()));
        QCOMPARE(later->stepsDone(), 30);
        made = lines(calls);
        QCOMPARE(made.size(), 2);
        QCOMPARE(made[1], start + "--out " + QDir(runDir).absolutePath() + " --resume ");

        // Without torchrun a run on several GPUs does not start, and says where torchrun comes from.
        auto without = newMonitor();
        without->setTorchrunPath(path("no-such-torchrun"));
        QVERIFY(!without->start(distillArguments(4), path("run-no-torchrun"), 2));
        QVERIFY2(without->errorString().contains("python3-torch") && without->errorString().contains("pip install torch"),
                 qPrintable(without->errorString()));
        QCOMPARE(without->status(), Status::Failed);

        // A launch record that cannot be read: Resume refuses rather than guess the processes.
        QFile record(RunLaunchRecord::filePath(runDir));
        QVERIFY(record.open(QIODevice::WriteOnly));
        record.write("{\"processes\": \"two\"}");
        record.close();
        auto broken = newMonitor();
        broken->openRunFolder(runDir);
        QVERIFY(!broken->resume());
        QVERIFY2(broken->errorString().contains("launch.json") && broken->errorString().contains("processes"),
                 qPrintable(broken->errorString()));
        QCOMPARE(lines(calls).size(), 2);
    }

    void opensAFinishedRunWithoutStartingIt()
    {
        const QString runDir = path("run-full");
        QVERIFY(QFile::exists(runDir + "/student/config.json"));
        auto monitor = newMonitor();
        QSignalSpy started(monitor.get(), &DistillRunMonitor::runStarted);
        monitor->openRunFolder(runDir);
        QCOMPARE(monitor->status(), Status::Finished);
        QVERIFY(!monitor->isRunning());
        QCOMPARE(monitor->processId(), qint64(0));
        QCOMPARE(monitor->stepsDone(), 12);
        QCOMPARE(monitor->totalSteps(), 12);
        QCOMPARE(monitor->progressBar()->value(), 12);
        QCOMPARE(monitor->progressBar()->maximum(), 12);
        QCOMPARE(monitor->lossPlot()->metricsLog()->stepRecordCount(), 12);
        QVERIFY(monitor->openModelButton()->isEnabled());
        QVERIFY(!monitor->resumeButton()->isEnabled());
        QTest::qWait(500);
        QCOMPARE(started.count(), 0);
        QVERIFY(!QFile::exists(runDir + "/distill.pid"));
        QCOMPARE(monitor->status(), Status::Finished);
    }

    // A run is live while it holds its folder's lock; a pid file says nothing (a killed run leaves
    // it, and it may name any process: here init, which must never be signalled).
    void attachesToALiveRun()
    {
        const QString runDir = path("run-live");
        QVERIFY(QDir().mkpath(runDir));
        QFile pid(runDir + "/distill.pid");
        QVERIFY(pid.open(QIODevice::WriteOnly));
        pid.write("1\n");
        pid.close();
        QVERIFY(QFile(runDir + "/run.json").open(QIODevice::WriteOnly));
        auto stale = newMonitor();
        QVERIFY(stale->openRunFolder(runDir));
        QCOMPARE(stale->status(), Status::NotRunning);
        QVERIFY(!stale->isRunning());
        QVERIFY(!stale->stopButton()->isEnabled());

        auto monitor = newMonitor();
        {
            const RunFolder::Lock lock = RunFolder::lock(runDir.toStdString());
            QVERIFY(monitor->openRunFolder(runDir));
            QCOMPARE(monitor->status(), Status::Running);
            QVERIFY(monitor->isRunning());
            QCOMPARE(monitor->processId(), QCoreApplication::applicationPid());
            QVERIFY(monitor->stopButton()->isEnabled());
            QTest::qWait(500);
            QCOMPARE(monitor->status(), Status::Running);
        }
        // The lock goes with its holder: the monitor sees the run end, here without a checkpoint
        // or a student, so as a failure.
        QTRY_VERIFY_WITH_TIMEOUT(!monitor->isRunning(), 10000);
        QCOMPARE(monitor->status(), Status::Failed);
        QVERIFY(!monitor->stopButton()->isEnabled());
    }

    // An empty folder, or one of something else, is not shown as a run: the run shown before
    // stays, with its curves; and curves compared with one run go when another is opened.
    void refusesFoldersThatAreNoRunsAndForgetsComparisons()
    {
        auto monitor = newMonitor();
        QVERIFY(monitor->openRunFolder(path("run-full")));
        QVERIFY(monitor->addComparisonRun(path("run-full")));
        QCOMPARE(monitor->lossPlot()->comparisonRuns(), QStringList{"run-full"});

        const QString empty = path("not-a-run");
        QVERIFY(QDir().mkpath(empty));
        QVERIFY(!monitor->openRunFolder(empty));
        QVERIFY2(monitor->errorString().contains("not a distillation run folder"), qPrintable(monitor->errorString()));
        QVERIFY(!monitor->openRunFolder(path("images")));
        QVERIFY(!monitor->openRunFolder(path("no-such-folder")));
        QVERIFY(monitor->errorString().contains("not a folder"));
        QCOMPARE(monitor->runDir(), QDir::cleanPath(path("run-full")));
        QCOMPARE(monitor->status(), Status::Finished);
        QCOMPARE(monitor->lossPlot()->comparisonRuns(), QStringList{"run-full"});

        const QString other = path("run-other");
        QVERIFY(QDir().mkpath(other));
        QVERIFY(QFile::copy(path("run-full") + "/metrics.jsonl", other + "/metrics.jsonl"));
        QVERIFY(monitor->openRunFolder(other));
        QVERIFY(monitor->lossPlot()->comparisonRuns().isEmpty());
    }

    void aFailedRunSaysWhy()
    {
        const QString runDir = path("run-bad");
        auto monitor = newMonitor();
        QSignalSpy ended(monitor.get(), &DistillRunMonitor::runEnded);
        QStringList arguments = distillArguments(12);
        arguments[arguments.indexOf("--teacher") + 1] = path("no-such-teacher");
        QVERIFY(monitor->start(arguments, runDir));
        QTRY_VERIFY_WITH_TIMEOUT(!monitor->isRunning(), RunTimeoutMs);
        QCOMPARE(monitor->status(), Status::Failed);
        QCOMPARE(ended.count(), 1);
        QVERIFY(ended.at(0).at(0).toInt() > 0);
        QVERIFY2(monitor->statusText().contains("no-such-teacher"), qPrintable(monitor->statusText()));
        QVERIFY(!monitor->resumeButton()->isEnabled());
        QVERIFY(!monitor->openModelButton()->isEnabled());
    }
};

QTEST_MAIN(RunMonitorTest)
#include "tst_run_monitor.moc"
