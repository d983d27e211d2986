#include "LanguageSwitcher.h"
#include "MainWindow.h"
#include "common/JobProgress.h"
#include "distill/AspectTargetTable.h"
#include "distill/ClassifierTraining.h"
#include "ScriptedRun.h"
#include "WindowScreenshot.h"
#include "TestRasters.h"
#include "common/Error.h"

#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

using namespace geolens;

// The command line's steps: each starts when the one before has ended, and the run finishes once,
// also when the last step cannot start.
class ScriptedRunTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::unique_ptr<LanguageSwitcher> languages_;
    std::unique_ptr<MainWindow> window_;
    QString raster_;

    // A step that starts a task the window reports as ended a moment later.
    ScriptedRun::Step asyncStep(QStringList *log, const QString &name, bool ok)
    {
        return [this, log, name, ok] {
            *log << name;
            QTimer::singleShot(10, window_.get(), [this, ok] { emit window_->analysisFinished(ok, QString()); });
            return ScriptedRun::StepStart::Started;
        };
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        languages_ = std::make_unique<LanguageSwitcher>();
        test::RasterSpec spec;
        raster_ = QString::fromStdString(test::writeRaster(dir_.filePath("run.tif").toStdString(), spec));
    }

    void init() { window_ = std::make_unique<MainWindow>(languages_.get()); }
    void cleanup() { window_.reset(); }

    // --screenshot asks for the picture at the run's end and from a fallback timer: it is saved
    // (and "saved" printed) once.
    void screenshotIsTakenOnce()
    {
        window_->resize(320, 240);
        window_->show();
        const QString path = dir_.filePath("shot.png");
        WindowScreenshot shot(window_.get(), path);
        QSignalSpy taken(&shot, &WindowScreenshot::taken);
        shot.take();
        QCOMPARE(taken.count(), 1);
        QCOMPARE(taken.first().first().toBool(), true);
        QVERIFY(QFile::exists(path));
        QVERIFY(QFile::remove(path));
        shot.take();
        QTimer::singleShot(0, &shot, &WindowScreenshot::take);
        QTest::qWait(20);
        QCOMPARE(taken.count(), 1);
        QVERIFY(!QFile::exists(path));
        QVERIFY(shot.isTaken());

        WindowScreenshot nowhere(window_.get(), dir_.filePath("no/such/folder/shot.png"));
        QSignalSpy failed(&nowhere, &WindowScreenshot::taken);
        nowhere.take();
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().first().toBool(), false);
    }

    void stepsRunInOrderAndFinishOnce()
    {
        ScriptedRun run(window_.get(), true, false);
        QStringList log;
        run.addStep(asyncStep(&log, "first", true));
        run.addStep(asyncStep(&log, "second", true));
        run.addStep([&log] {
            log << "third";
            return ScriptedRun::StepStart::Done;
        });
        QSignalSpy finished(&run, &ScriptedRun::finished);
        window_->openRaster(raster_);
        QVERIFY(finished.wait(20000));
        QCOMPARE(log, QStringList({"first", "second", "third"}));
        QCOMPARE(finished.first().first().toBool(), true);
        // A task ending later, which the run did not start, changes nothing.
        emit window_->analysisFinished(false, QString());
        QTest::qWait(50);
        QCOMPARE(finished.size(), 1);
        QVERIFY(!run.failed());
    }

    void lastStepThatCannotStartStillFinishes()
    {
        ScriptedRun run(window_.get(), true, false);
        QStringList log;
        run.addStep(asyncStep(&log, "first", true));
        run.addStep([]() -> ScriptedRun::StepStart { throw InvalidArgument("the region is not a box"); });
        QSignalSpy finished(&run, &ScriptedRun::finished);
        window_->openRaster(raster_);
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY(run.failed());
    }

    void failedTaskGoesOnButFails()
    {
        ScriptedRun run(window_.get(), true, false);
        QStringList log;
        run.addStep(asyncStep(&log, "first", false));
        run.addStep(asyncStep(&log, "second", true));
        QSignalSpy finished(&run, &ScriptedRun::finished);
        window_->openRaster(raster_);
        QVERIFY(finished.wait(20000));
        QCOMPARE(log, QStringList({"first", "second"}));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().toBool(), false);
    }

    void unopenableRasterFinishesWithoutSteps()
    {
        ScriptedRun run(window_.get(), true, false);
        QStringList log;
        run.addStep(asyncStep(&log, "first", true));
        QSignalSpy finished(&run, &ScriptedRun::finished);
        window_->openRaster(dir_.filePath("missing.tif"));
        QVERIFY(finished.wait(20000));
        QVERIFY(log.isEmpty());
        QCOMPARE(finished.first().first().toBool(), false);
    }

    // A model that cannot be loaded ends the scripted run with a non-zero status, naming what failed
    // and the steps that were not run; nothing is exported. Run as a user runs it.
    void failedModelMakesTheProgramFail()
    {
        const QString badModel = dir_.filePath("not-a-model");
        QDir().mkpath(badModel);
        QProcess geolens;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("QT_QPA_PLATFORM", "offscreen");
        environment.insert("XDG_CONFIG_HOME", dir_.filePath("config"));
        geolens.setProcessEnvironment(environment);
        const QString exported = dir_.filePath("results.gpkg");
        geolens.start(GEOLENS_GUI_PATH, {raster_, "--model", badModel, "--label-tiles", "ucm", "--export-results",
                                         exported, "--screenshot", dir_.filePath("failed.png")});
        QVERIFY(geolens.waitForFinished(60000));
        const QString err = QString::fromUtf8(geolens.readAllStandardError());
        QCOMPARE(geolens.exitStatus(), QProcess::NormalExit);
        QVERIFY2(geolens.exitCode() != 0, qPrintable(err));
        QVERIFY2(err.contains("the model could not be loaded") && err.contains("not-a-model"), qPrintable(err));
        QVERIFY2(err.contains("not run: --label-tiles, --export-results"), qPrintable(err));
        QVERIFY(!QFile::exists(exported));
    }

    // The GUI's command line labels with a trained classifier without a model, shows an aspect as
    // a heat map and exports the aspects; an aspect the labels lack fails, naming it.
    void labelsWithAClassifierFromTheCommandLine()
    {
        AspectTargetSettings settings;
        settings.source = "synthetic";
        settings.teacher = "scripted";
        settings.classes = {"forest", "water body"};
        settings.aspects = {{"water", "Is there any water?"}};
        settings.imageSize = 32;
        const QString targets = dir_.filePath("cli-targets");
        {
            AspectTargetTable table = AspectTargetTable::openForWriting(targets.toStdString(), settings);
            for (int i = 0; i < 6; ++i) {
                RgbImage image;
                image.width = image.height = 32;
                image.pixels.assign(32 * 32 * 3, static_cast<std::uint8_t>(i % 2 ? 200 : 40));
                AspectTarget t;
                t.id = std::to_string(i);
                t.classProbabilities = {i % 2 ? 0.2 : 0.8, i % 2 ? 0.8 : 0.2};
                t.aspectProbabilities = {i % 2 ? 0.9 : 0.1};
                table.append(t, image);
            }
        }
        ClassifierTrainingOptions training;
        training.targets = targets.toStdString();
        training.out = dir_.filePath("cli-classifier").toStdString();
        training.architecture = "resnet10";
        training.width = 8;
        training.epochs = 1;
        training.batch = 2;
        training.validationFraction = 0.34;
        training.device = "cpu";
        const QString classifier = QString::fromStdString(ClassifierTraining(training).run(JobProgress()).classifier);

        const auto runGeolens = [&](const QStringList &args, QString *err) {
            QProcess geolens;
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert("QT_QPA_PLATFORM", "offscreen");
            environment.insert("XDG_CONFIG_HOME", dir_.filePath("config"));
            geolens.setProcessEnvironment(environment);
            geolens.start(GEOLENS_GUI_PATH, args);
            if (!geolens.waitForFinished(60000))
                return -1;
            *err = QString::fromUtf8(geolens.readAllStandardError());
            return geolens.exitCode();
        };
        const QString exported = dir_.filePath("classified.gpkg");
        QString err;
        QCOMPARE(runGeolens({raster_, "--label-with-classifier", classifier, "--colour-by", "water", "--export-results",
                             exported, "--screenshot", dir_.filePath("heat.png")},
                            &err),
                 0);
        QVERIFY2(QFile::exists(exported) && QFile::exists(dir_.filePath("heat.png")), qPrintable(err));
        QVERIFY(runGeolens({raster_, "--label-with-classifier", classifier, "--colour-by", "roads", "--screenshot",
                            dir_.filePath("no-roads.png")},
                           &err) != 0);
        QVERIFY2(err.contains("--colour-by") && err.contains("'roads'"), qPrintable(err));
    }

    void waitsForTheModelToo()
    {
        ScriptedRun run(window_.get(), true, true);
        QStringList log;
        run.addStep(asyncStep(&log, "first", true));
        QSignalSpy finished(&run, &ScriptedRun::finished);
        window_->openRaster(raster_);
        QTest::qWait(500);
        QVERIFY(log.isEmpty());
        emit window_->modelLoaded(QStringLiteral("model"));
        QVERIFY(finished.wait(20000));
        QCOMPARE(log, QStringList({"first"}));
    }
};

QTEST_MAIN(ScriptedRunTest)
#include "tst_scripted_run.moc"
