#include "common/Error.h"
#include "common/JobProgress.h"
#include "TaskRunner.h"

#include <QProgressDialog>
#include <QSignalSpy>
#include <QWidget>
#include <QtTest>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

using geolens::JobProgress;
using geolens::TaskOutcome;
using geolens::TaskRunner;

namespace {

// A switch the test flips to let a worker go on; the worker waits on it.
struct Gate {
    std::atomic<bool> open{false};

    void waitOpen() const
    {
        while (!open.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
};

// What one onDone call saw.
template <typename T>
struct Seen {
    int calls = 0;
    TaskOutcome outcome = TaskOutcome::Failed;
    std::optional<T> result;
    QString error;
    bool runnerBusy = true;
};

} // namespace

class TaskRunnerTest : public QObject {
    Q_OBJECT

private:
    QWidget window_;

private slots:
    void deliversTheTypedResult()
    {
        TaskRunner runner(&window_);
        QSignalSpy busy(&runner, &TaskRunner::busyChanged);
        auto seen = std::make_shared<Seen<std::string>>();
        QVERIFY(runner.run(
            TaskRunner::Task{"Count", "Counting..."},
            [](const JobProgress &progress) {
                progress.report(1, 2);
                return std::string("forty-two");
            },
            [seen, &runner](TaskOutcome outcome, std::optional<std::string> result, const QString &error) {
                ++seen->calls;
                seen->outcome = outcome;
                seen->result = std::move(result);
                seen->error = error;
                seen->runnerBusy = runner.isBusy();
            }));
        QVERIFY(runner.isBusy());
        QCOMPARE(runner.busyTitle(), QString("Count"));
        QVERIFY(runner.progressDialog());
        QCOMPARE(runner.progressDialog()->windowTitle(), QString("Count"));
        QCOMPARE(runner.progressDialog()->labelText(), QString("Counting..."));
        QVERIFY(QTest::qWaitFor([&] { return seen->calls > 0; }, 10000));
        QCOMPARE(seen->calls, 1);
        QCOMPARE(seen->outcome, TaskOutcome::Succeeded);
        QCOMPARE(seen->result.value(), std::string("forty-two"));
        QVERIFY(seen->error.isEmpty());
        QVERIFY(!seen->runnerBusy); // idle before onDone, so that onDone may start the next job
        QVERIFY(!runner.isBusy());
        QVERIFY(runner.busyTitle().isEmpty());
        QVERIFY(!runner.progressDialog());
        QCOMPARE(busy.count(), 2);
        QCOMPARE(busy.at(0).at(0).toBool(), true);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
    }

    void reportsAFailureWithItsMessage()
    {
        TaskRunner runner(&window_);
        auto seen = std::make_shared<Seen<int>>();
        QVERIFY(runner.run(
            TaskRunner::Task{"Read", "Reading..."},
            [](const JobProgress &) -> int { throw geolens::InvalidArgument("The file has no bands."); },
            [seen](TaskOutcome outcome, std::optional<int> result, const QString &error) {
                ++seen->calls;
                seen->outcome = outcome;
                seen->result = result;
                seen->error = error;
            }));
        QVERIFY(QTest::qWaitFor([&] { return seen->calls > 0; }, 10000));
        QCOMPARE(seen->outcome, TaskOutcome::Failed);
        QVERIFY(!seen->result);
        QCOMPARE(seen->error, QString("The file has no bands."));
        QVERIFY(!runner.isBusy());
    }

    void cancelStopsTheJob()
    {
        TaskRunner runner(&window_);
        auto seen = std::make_shared<Seen<int>>();
        auto hookCalls = std::make_shared<int>(0);
        auto started = std::make_shared<std::atomic<bool>>(false);
        TaskRunner::Task task{"Loop", "Looping...", TaskRunner::Display::None, [hookCalls] { ++*hookCalls; }};
        QVERIFY(runner.run(
            task,
            [started](const JobProgress &progress) -> int {
                started->store(true);
                for (;;) {
                    progress.throwIfCanceled();
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
            },
            [seen](TaskOutcome outcome, std::optional<int> result, const QString &error) {
                ++seen->calls;
                seen->outcome = outcome;
                seen->result = result;
                seen->error = error;
            }));
        QVERIFY(!runner.progressDialog()); // Display::None: the caller shows it
        QVERIFY(QTest::qWaitFor([&] { return started->load(); }, 10000));
        runner.cancel();
        QCOMPARE(*hookCalls, 1);
        QVERIFY(QTest::qWaitFor([&] { return seen->calls > 0; }, 10000));
        QCOMPARE(seen->outcome, TaskOutcome::Canceled);
        QVERIFY(!seen->result);
        QVERIFY(seen->error.isEmpty());
        runner.cancel(); // idle: nothing to cancel, no hook
        QCOMPARE(*hookCalls, 1);
    }

    void theDialogsCancelButtonCancels()
    {
        TaskRunner runner(&window_);
        TaskOutcome outcome = TaskOutcome::Succeeded;
        int calls = 0;
        QVERIFY(runner.run(
            TaskRunner::Task{"Write", "Writing..."},
            [](const JobProgress &progress) {
                for (int i = 0; i < 5000; ++i) {
                    progress.report(i, 5000);
                    progress.throwIfCanceled();
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
            },
            [&](TaskOutcome o, const QString &) {
                outcome = o;
                ++calls;
            }));
        QVERIFY(runner.progressDialog());
        emit runner.progressDialog()->canceled();
        QVERIFY(QTest::qWaitFor([&] { return calls > 0; }, 10000));
        QCOMPARE(outcome, TaskOutcome::Canceled);
    }

    void workThatReturnsAfterACancelSucceeds()
    {
        // A generation stopped early returns its partial answer: that answer is the result.
        TaskRunner runner(&window_);
        auto stop = std::make_shared<std::atomic<bool>>(false);
        auto seen = std::make_shared<Seen<int>>();
        QVERIFY(runner.run(
            TaskRunner::Task{"Answer", "Answering...", TaskRunner::Display::None, [stop] { stop->store(true); }},
            [stop](const JobProgress &) {
                int tokens = 0;
                while (!stop->load()) {
                    ++tokens;
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
                return tokens;
            },
            [seen](TaskOutcome outcome, std::optional<int> result, const QString &) {
                ++seen->calls;
                seen->outcome = outcome;
                seen->result = result;
            }));
        QTest::qWait(20);
        runner.cancel();
        QVERIFY(QTest::qWaitFor([&] { return seen->calls > 0; }, 10000));
        QCOMPARE(seen->outcome, TaskOutcome::Succeeded);
        QVERIFY(seen->result && *seen->result > 0);
    }

    void runsOneJobAtATime()
    {
        TaskRunner runner(&window_);
        auto gate = std::make_shared<Gate>();
        int firstCalls = 0;
        QVERIFY(runner.run(
            TaskRunner::Task{"First", "..."}, [gate](const JobProgress &) { gate->waitOpen(); },
            [&](TaskOutcome, const QString &) { ++firstCalls; }));
        auto secondRan = std::make_shared<std::atomic<bool>>(false);
        int secondCalls = 0;
        QVERIFY(!runner.run(
            TaskRunner::Task{"Second", "..."}, [secondRan](const JobProgress &) { secondRan->store(true); },
            [&](TaskOutcome, const QString &) { ++secondCalls; }));
        QCOMPARE(runner.busyTitle(), QString("First"));
        gate->open.store(true);
        QVERIFY(QTest::qWaitFor([&] { return firstCalls > 0; }, 10000));
        QTest::qWait(50);
        QVERIFY(!secondRan->load());
        QCOMPARE(secondCalls, 0);

        // Once idle the next job runs; onDone may start one itself.
        int chained = 0;
        QVERIFY(runner.run(
            TaskRunner::Task{"Third", "..."}, [](const JobProgress &) { return 1; },
            [&](TaskOutcome, std::optional<int>, const QString &) {
                QVERIFY(runner.run(TaskRunner::Task{"Fourth", "..."}, [](const JobProgress &) { return 2; },
                                   [&](TaskOutcome, std::optional<int> r, const QString &) { chained = r.value_or(0); }));
            }));
        QVERIFY(QTest::qWaitFor([&] { return chained == 2; }, 10000));
        QVERIFY(!runner.isBusy());
    }

    void theNewestReadOfAChannelWins()
    {
        TaskRunner runner(&window_);
        QSignalSpy reading(&runner, &TaskRunner::readingChanged);
        auto slow = std::make_shared<Gate>();
        QStringList done;
        runner.runLatest(
            "open", [slow](const JobProgress &) { slow->waitOpen(); return QString("old"); },
            [&](TaskOutcome, std::optional<QString> r, const QString &) { done << r.value_or("none"); });
        QVERIFY(runner.isReading());
        QVERIFY(!runner.isBusy()); // reads are not jobs: a job may run beside them
        runner.runLatest(
            "open", [](const JobProgress &) { return QString("new"); },
            [&](TaskOutcome, std::optional<QString> r, const QString &) { done << r.value_or("none"); });
        QVERIFY(QTest::qWaitFor([&] { return !done.isEmpty(); }, 10000));
        QCOMPARE(done, QStringList{"new"});
        QVERIFY(!runner.isReading());
        slow->open.store(true);
        QTest::qWait(100);
        QCOMPARE(done, QStringList{"new"}); // the replaced read never reports
        QCOMPARE(reading.count(), 2);

        // A forgotten read does not report either; other channels are left alone.
        auto gate = std::make_shared<Gate>();
        runner.runLatest(
            "stretch", [gate](const JobProgress &) { gate->waitOpen(); return QString("stretch"); },
            [&](TaskOutcome, std::optional<QString> r, const QString &) { done << r.value_or("none"); });
        runner.runLatest(
            "open", [gate](const JobProgress &) { gate->waitOpen(); return QString("again"); },
            [&](TaskOutcome, std::optional<QString> r, const QString &) { done << r.value_or("none"); });
        runner.forget("open");
        QVERIFY(runner.isReading());
        gate->open.store(true);
        QVERIFY(QTest::qWaitFor([&] { return done.size() == 2; }, 10000));
        QTest::qWait(100);
        QCOMPARE(done, (QStringList{"new", "stretch"}));
        QVERIFY(!runner.isReading());

        // A read that fails reports its message.
        QString error;
        runner.runLatest(
            "open", [](const JobProgress &) -> int { throw geolens::FileError("/no/such.tif", "it does not exist"); },
            [&](TaskOutcome outcome, std::optional<int> r, const QString &e) {
                QCOMPARE(outcome, TaskOutcome::Failed);
                QVERIFY(!r);
                error = e;
            });
        QVERIFY(QTest::qWaitFor([&] { return !error.isEmpty(); }, 10000));
        QVERIFY2(error.contains("/no/such.tif"), qPrintable(error));
    }
};

QTEST_MAIN(TaskRunnerTest)
#include "tst_task_runner.moc"
