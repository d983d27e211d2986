// The distillation run's plain-C++ pieces on their own: the metrics record and its file, the
// learning-rate schedule and a checkpoint's state.

#include "common/Error.h"
#include "distill/LearningRateSchedule.h"
#include "distill/MetricsRecord.h"
#include "distill/MetricsWriter.h"
#include "distill/RunFolder.h"
#include "FileSizeLimit.h"
#include "distill/RunState.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

using namespace geolens;

namespace {

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

class DistillUnitsTest : public QObject {
    Q_OBJECT

private slots:
    void recordWritesItsFieldsInOrderWithNulls()
    {
        MetricsRecord r(12);
        r.set(MetricsKey::Seconds, 3.5);
        r.set(MetricsKey::Loss, std::numeric_limits<double>::quiet_NaN());
        r.set(MetricsKey::GradNorm, std::numeric_limits<double>::infinity());
        r.setText(MetricsKey::Phase, "sft");
        r.set(MetricsKey::Seconds, 4.25); // replaced where it is
        QCOMPARE(QString::fromStdString(r.toJsonLine()),
                 QStringLiteral(R"({"step":12,"seconds":4.25,"loss":null,"grad_norm":null,"phase":"sft"})"));
        QCOMPARE(r.kind(), MetricsRecord::Kind::Step);
        QVERIFY(r.has(MetricsKey::Loss));
        QVERIFY(!r.number(MetricsKey::Loss));
        QVERIFY(r.has(MetricsKey::Step));
        QCOMPARE(*r.number(MetricsKey::Step), 12.0);
        QCOMPARE(r.text(MetricsKey::Phase), std::string("sft"));
        QCOMPARE(r.text(MetricsKey::Seconds), std::string());
        QVERIFY(!r.number(MetricsKey::Phase));
        // Only the numbers that are not null, as a plot would draw them.
        const auto numbers = r.numbers();
        QCOMPARE(numbers.size(), std::size_t(1));
        QCOMPARE(numbers[0].first, std::string("seconds"));
        QCOMPARE(MetricsRecord(3).kind(), MetricsRecord::Kind::Evaluation);
    }

    void recordReadsBackWhatItWrote()
    {
        MetricsRecord written(7);
        written.set(MetricsKey::Seconds, 1.0 / 3.0);
        written.set(MetricsKey::Lr, 2e-5);
        written.set(MetricsKey::Loss, 1.5);
        written.set(MetricsKey::ReverseKl, -0.0);
        written.set("a_newer_key", 42);
        written.set(MetricsKey::GradNorm, std::numeric_limits<double>::quiet_NaN());
        written.setText(MetricsKey::Skipped, "non-finite loss or gradient");
        const std::optional<MetricsRecord> read = MetricsRecord::parse(written.toJsonLine());
        QVERIFY(read);
        QCOMPARE(read->step(), 7);
        QCOMPARE(read->kind(), MetricsRecord::Kind::Step);
        QCOMPARE(read->fields().size(), written.fields().size());
        for (std::size_t i = 0; i < written.fields().size(); ++i)
            QCOMPARE(read->fields()[i].key, written.fields()[i].key);
        QCOMPARE(*read->number(MetricsKey::Seconds), 1.0 / 3.0); // doubles round-trip exactly
        QCOMPARE(*read->number(MetricsKey::Lr), 2e-5);
        QCOMPARE(*read->number("a_newer_key"), 42.0);
        QVERIFY(read->has(MetricsKey::GradNorm) && !read->number(MetricsKey::GradNorm));
        QCOMPARE(read->text(MetricsKey::Skipped), std::string("non-finite loss or gradient"));
        QCOMPARE(read->toJsonLine(), written.toJsonLine());
    }

    void recordRefusesLinesThatAreNotRecords()
    {
        QVERIFY(!MetricsRecord::parse(""));
        QVERIFY(!MetricsRecord::parse(R"({"step":3,"loss":1.)")); // cut short
        QVERIFY(!MetricsRecord::parse("[1, 2]"));
        QVERIFY(!MetricsRecord::parse(R"({"loss":1})"));
        QVERIFY(!MetricsRecord::parse(R"({"step":"3"})"));
        // Values a record never holds are left out; the rest stays.
        const auto r = MetricsRecord::parse(R"({"step":2,"flag":true,"list":[1],"val_loss":0.5})");
        QVERIFY(r);
        QCOMPARE(r->kind(), MetricsRecord::Kind::Evaluation);
        QCOMPARE(r->fields().size(), std::size_t(1));
        QCOMPARE(*r->number(MetricsKey::ValidationLoss), 0.5);
    }

    void writerAppendsAndResumesTheCurve()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("metrics.jsonl").toStdString();
        std::vector<int> seen;
        MetricsWriter writer(path, [&](const MetricsRecord &r) { seen.push_back(r.step()); });
        writer.startNew();
        QCOMPARE(readAll(path), std::string());
        for (int step = 1; step <= 4; ++step)
            writer.write(MetricsRecord(step).set(MetricsKey::Loss, step));
        QCOMPARE(seen, (std::vector<int>{1, 2, 3, 4}));
        QCOMPARE(readAll(path), std::string("{\"step\":1,\"loss\":1.0}\n{\"step\":2,\"loss\":2.0}\n"
                                            "{\"step\":3,\"loss\":3.0}\n{\"step\":4,\"loss\":4.0}\n"));
        // An interruption left half a line; the resume from step 2 drops it and what followed.
        std::ofstream(path, std::ios::app) << "{\"step\":5,\"lo";
        writer.keepUpTo(2);
        QCOMPARE(readAll(path), std::string("{\"step\":1,\"loss\":1.0}\n{\"step\":2,\"loss\":2.0}\n"));
        writer.write(MetricsRecord(3));
        QCOMPARE(readAll(path), std::string("{\"step\":1,\"loss\":1.0}\n{\"step\":2,\"loss\":2.0}\n{\"step\":3}\n"));
        writer.startNew();
        QCOMPARE(readAll(path), std::string());

        MetricsWriter nowhere(dir.filePath("missing/metrics.jsonl").toStdString());
        QVERIFY_THROWS_EXCEPTION(FileError, nowhere.write(MetricsRecord(1)));

        // A full disk (here a file size limit) fails the append whole: no half line is left.
        writer.write(MetricsRecord(4).set(MetricsKey::Loss, 4));
        const std::string whole = readAll(path);
        {
            test::FileSizeLimit limit(whole.size() + 10);
            if (!limit.active())
                QSKIP("the file size limit cannot be set here");
            QVERIFY_THROWS_EXCEPTION(FileError, writer.write(MetricsRecord(5).set(MetricsKey::Loss, 5)));
        }
        QCOMPARE(readAll(path), whole);
    }

    // The folder lock: held by one open description at a time, even within one process; seen
    // without being taken; gone with its holder; a lock file left behind proves nothing.
    void runFolderLockAndResults()
    {
        QTemporaryDir dir;
        const std::string run = dir.filePath("run").toStdString();
        QVERIFY(!RunFolder::holder(run));
        {
            const RunFolder::Lock first = RunFolder::lock(run);
            QCOMPARE(RunFolder::holder(run).value_or(-1), long(::getpid()));
            QVERIFY_THROWS_EXCEPTION(FileError, RunFolder::lock(run));
        }
        QVERIFY(!RunFolder::holder(run));
        std::ofstream(run + "/distill.lock") << "1\n";
        QVERIFY(!RunFolder::holder(run));
        QVERIFY(RunFolder::earlierResults(run).empty());
        std::ofstream(run + "/run.json") << "{}";
        std::ofstream(run + "/metrics.jsonl") << "";
        QVERIFY(RunFolder::earlierResults(run).empty()); // a configuration and an empty log are no run
        std::ofstream(run + "/metrics.jsonl") << "{\"step\":1}\n";
        std::filesystem::create_directories(run + "/checkpoints/step-00000001");
        QCOMPARE(RunFolder::earlierResults(run), (std::vector<std::string>{"checkpoints", "metrics.jsonl"}));
        RunFolder::clearEarlierRun(run);
        QVERIFY(RunFolder::earlierResults(run).empty());
        QVERIFY(std::filesystem::exists(run + "/run.json"));
    }

    void scheduleWarmsUpThenDecays()
    {
        OptimiserSettings o;
        o.lr = 1.0;
        o.warmupSteps = 4;
        o.schedule = "cosine";
        o.minLrRatio = 0.1;
        const LearningRateSchedule cosine(o, 14);
        QCOMPARE(cosine.at(0), 0.25);
        QCOMPARE(cosine.at(3), 1.0);
        QCOMPARE(cosine.at(4), 1.0);                    // the decay starts at the top
        QVERIFY(std::abs(cosine.at(9) - 0.55) < 1e-12); // halfway: the middle of lr and min
        QVERIFY(std::abs(cosine.at(14) - 0.1) < 1e-12); // the end: lr * min_lr_ratio
        QVERIFY(cosine.at(20) >= 0.1 - 1e-12);          // never below
        for (int step = 5; step < 14; ++step)
            QVERIFY(cosine.at(step) < cosine.at(step - 1));

        o.schedule = "linear";
        o.minLrRatio = 0.0;
        const LearningRateSchedule linear(o, 14);
        QVERIFY(std::abs(linear.at(9) - 0.5) < 1e-12);
        o.schedule = "constant";
        const LearningRateSchedule constant(o, 14);
        QCOMPARE(constant.at(2), 0.75);
        QCOMPARE(constant.at(13), 1.0);
    }

    void scheduleRestartsForTheDistillationPhase()
    {
        OptimiserSettings o;
        o.lr = 2.0;
        o.warmupSteps = 2;
        o.schedule = "linear";
        // Six steps of warm start, then ten of distillation: each phase ramps up and decays.
        const LearningRateSchedule twoPhases(o, 16, 6);
        QCOMPARE(twoPhases.at(0), 1.0);
        QCOMPARE(twoPhases.at(1), 2.0);
        QVERIFY(twoPhases.at(5) < 1.0);
        QCOMPARE(twoPhases.at(6), 1.0);
        QCOMPARE(twoPhases.at(7), 2.0);
        // The warm start alone is scheduled like a run of six steps.
        const LearningRateSchedule alone(o, 6);
        for (int step = 0; step < 6; ++step)
            QCOMPARE(twoPhases.at(step), alone.at(step));
        // A warm-up longer than the phase is cut to it.
        o.warmupSteps = 50;
        QCOMPARE(LearningRateSchedule(o, 4).at(3), 2.0);
    }

    void runStateRoundTrips()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("state.json").toStdString();
        RunState s;
        s.step = 42;
        s.consumed = 5'000'000'000ULL; // past 32 bits
        s.corpusPosition = 17;
        s.rollouts = 8;
        s.seconds = 12.5;
        s.skippedTooLong = 3;
        s.save(path);
        QVERIFY(QString::fromStdString(readAll(path)).contains("\"best_warmup_loss\": null"));
        RunState back = RunState::load(path);
        QCOMPARE(back.step, 42);
        QCOMPARE(back.consumed, s.consumed);
        QCOMPARE(back.corpusPosition, s.corpusPosition);
        QCOMPARE(back.rollouts, s.rollouts);
        QCOMPARE(back.seconds, 12.5);
        QCOMPARE(back.skippedTooLong, s.skippedTooLong);
        QVERIFY(std::isinf(back.bestWarmupLoss));
        QCOMPARE(back.worldSize, 1);
        QCOMPARE(back.rankRollouts, std::vector<std::size_t>{8});
        s.bestWarmupLoss = 0.625;
        s.worldSize = 3;
        s.rankRollouts = {8, 7, 0};
        s.save(path);
        back = RunState::load(path);
        QCOMPARE(back.bestWarmupLoss, 0.625);
        QCOMPARE(back.worldSize, 3);
        QCOMPARE(back.rankRollouts, (std::vector<std::size_t>{8, 7, 0}));

        // The state of a run from before runs on several processes: one process with all rollouts.
        std::ofstream(path, std::ios::trunc) << R"({"step": 3, "consumed": 1, "corpus_position": 0, "rollouts": 5,
            "seconds": 1, "skipped_too_long": 0, "best_warmup_loss": null})";
        back = RunState::load(path);
        QCOMPARE(back.worldSize, 1);
        QCOMPARE(back.rankRollouts, std::vector<std::size_t>{5});
    }

    void runStateRefusesBrokenFiles()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("state.json").toStdString();
        QVERIFY_THROWS_EXCEPTION(FileError, RunState::load(path)); // missing
        const auto refused = [&](const char *text, const char *problem) {
            std::ofstream(path, std::ios::trunc) << text;
            try {
                RunState::load(path);
                QFAIL(text);
            } catch (const FileError &e) {
                QVERIFY2(QString(e.what()).contains(problem), e.what());
                QVERIFY2(QString(e.what()).contains("state.json"), e.what());
            }
        };
        refused("{\"step\": 3", "line 1, column"); // cut short: where the text went wrong
        refused("[3, 1]", "not a JSON object");
        refused(R"({"step": 3, "consumed": 1, "corpus_position": 0, "rollouts": 0, "seconds": 1})", "skipped_too_long");
        refused(R"({"step": -3, "consumed": 1, "corpus_position": 0, "rollouts": 0, "seconds": 1,
                    "skipped_too_long": 0, "best_warmup_loss": null})",
                "\"step\" is not a count");
        refused(R"({"step": 3, "consumed": 1, "corpus_position": 0, "rollouts": 0, "seconds": 1,
                    "skipped_too_long": 0})",
                "best_warmup_loss");
        refused(R"({"step": 3, "consumed": 1, "corpus_position": 0, "rollouts": 0, "seconds": 1,
                    "skipped_too_long": 0, "best_warmup_loss": null, "world_size": 2, "rank_rollouts": [1]})",
                "one count per process");
    }
};

QTEST_GUILESS_MAIN(DistillUnitsTest)
#include "tst_distill_units.moc"
