// Distillation on several processes as torchrun starts it: geolens-cli distill with RANK,
// WORLD_SIZE, MASTER_ADDR and MASTER_PORT in its environment, c10d's Gloo over loopback. Two ranks
// follow the loss curve of one process with twice the batch, a run of two ranks resumes on one,
// and a rank that dies ends the run with a clear message instead of a hang.

#include "DistillFixture.h"
#include "LoopbackPort.h"
#include "distill/DistillConfig.h"
#include "distill/MetricsRecord.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

using namespace geolens;

namespace {

const char *const TokenizerPath = GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model";

std::vector<MetricsRecord> readMetrics(const std::string &runDir)
{
    return test::readRunMetrics(runDir);
}

// The record of a step (a training step when training, else the step's validation).
std::optional<MetricsRecord> recordOf(const std::vector<MetricsRecord> &records, int step, bool training)
{
    for (const MetricsRecord &r : records)
        if (r.step() == step && r.has("loss") == training)
            return r;
    return std::nullopt;
}

bool near(double a, double b, double relative)
{
    return std::abs(a - b) <= relative * std::max(1.0, std::max(std::abs(a), std::abs(b)));
}

} // namespace

class DistillDistributedTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    test::DistillFixture fixture_;

    std::string path(const std::string &name) const { return dir_.filePath(QString::fromStdString(name)).toStdString(); }

    // The paper's method with a short warm start, two passes over each batch of rollouts and a
    // constant learning rate, so that a run's steps do not depend on its length.
    std::string writeConfig(const std::string &name, int batch, int rollouts, int steps) const
    {
        DistillConfig c = DistillConfig::preset("paper");
        c.teacher = fixture_.teacher;
        c.student = fixture_.student;
        c.data = fixture_.data;
        c.images = fixture_.images;
        c.validationFraction = 0.25;
        c.lora.enabled = false;
        c.optimiser.lr = 1e-3;
        c.optimiser.batchSize = batch;
        c.optimiser.warmupSteps = 0;
        c.optimiser.schedule = "constant";
        c.minillm.maxNewTokens = test::DistillFixtureAnswerTokens;
        c.minillm.rolloutBatchSize = rollouts;
        c.minillm.ppoEpochs = 2;
        c.run.steps = steps;
        c.run.sftWarmupSteps = 2;
        c.run.evalInterval = 2;
        c.run.checkpointInterval = 0;
        c.run.teacherDevice = c.run.studentDevice = "cpu";
        c.run.dtype = "f32";
        c.run.rankTimeoutSeconds = 60;
        const std::string file = path(name + ".json");
        c.save(file);
        return file;
    }

    QProcess *startRank(const QStringList &args, int rank, int world, int port)
    {
        auto *p = new QProcess(this);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        if (world > 1) {
            environment.insert("RANK", QString::number(rank));
            environment.insert("LOCAL_RANK", QString::number(rank));
            environment.insert("WORLD_SIZE", QString::number(world));
            environment.insert("MASTER_ADDR", "127.0.0.1");
            environment.insert("MASTER_PORT", QString::number(port));
        }
        environment.insert("OMP_NUM_THREADS", "1");
        p->setProcessEnvironment(environment);
        p->start(GEOLENS_CLI_PATH, QStringList{"distill"} + args);
        return p;
    }

    struct Finished {
        int exitCode = -1;
        QByteArray out;
        QString err;
    };

    static Finished finish(QProcess *p, int timeoutMs = 240000)
    {
        Finished f;
        if (!p->waitForFinished(timeoutMs)) {
            p->kill();
            p->waitForFinished(5000);
            f.err = "did not finish in time";
            return f;
        }
        f.exitCode = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -2;
        f.out = p->readAllStandardOutput();
        f.err = QString::fromUtf8(p->readAllStandardError());
        return f;
    }

    // Runs args as world ranks (one plain process when world is 1); returns rank 0's outcome and
    // checks that the other ranks succeeded and printed no summary.
    Finished runRanks(const QStringList &args, int world)
    {
        const int port = test::freeLoopbackPort();
        std::vector<QProcess *> ranks;
        for (int r = 0; r < world; ++r)
            ranks.push_back(startRank(args, r, world, port));
        const Finished root = finish(ranks[0]);
        for (int r = 1; r < world; ++r) {
            const Finished other = finish(ranks[static_cast<std::size_t>(r)]);
            if (other.exitCode != 0 || !other.out.isEmpty())
                return {-3, other.out, "rank " + QString::number(r) + ": " + other.err};
        }
        return root;
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(TokenizerPath))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        QVERIFY(dir_.isValid());
        fixture_ = test::writeDistillFixture(dir_.path().toStdString(), TokenizerPath);
    }

    void twoRanksFollowOneProcessWithTwiceTheBatch()
    {
        const std::string one = path("run-one"), two = path("run-two");
        const Finished single =
            runRanks({"--config", QString::fromStdString(writeConfig("one", 2, 2, 6)), "--out", QString::fromStdString(one)}, 1);
        QVERIFY2(single.exitCode == 0, qPrintable(single.err));
        const Finished pair =
            runRanks({"--config", QString::fromStdString(writeConfig("two", 1, 1, 6)), "--out", QString::fromStdString(two)}, 2);
        QVERIFY2(pair.exitCode == 0, qPrintable(pair.err));
        QVERIFY2(pair.out.contains("\"steps_done\":6"), pair.out.constData());
        QVERIFY2(pair.err.contains("running as 2 processes"), qPrintable(pair.err));

        const auto a = readMetrics(one), b = readMetrics(two);
        // Rank 0 alone wrote the curve: each record once.
        QCOMPARE(b.size(), a.size());
        int compared = 0;
        for (int step = 0; step <= 6; ++step) {
            for (const bool training : {true, false}) {
                const auto x = recordOf(a, step, training), y = recordOf(b, step, training);
                QCOMPARE(x.has_value(), y.has_value());
                if (!x)
                    continue;
                for (const char *key : {"loss", "kd", "policy", "single", "align", "rev_kl", "student_len", "val_loss",
                                        "val_rev_kl"}) {
                    QCOMPARE(x->has(key), y->has(key));
                    if (!x->has(key))
                        continue;
                    const double u = *x->number(key), v = *y->number(key);
                    QVERIFY2(near(u, v, 1e-4), qPrintable(QString("step %1 %2: one process %3, two ranks %4")
                                                              .arg(step).arg(key).arg(u).arg(v)));
                    ++compared;
                }
                if (training)
                    QCOMPARE(y->text("phase"), x->text("phase"));
            }
        }
        QVERIFY(compared > 20);
        QVERIFY(std::filesystem::exists(two + "/student/config.json"));
        QVERIFY(!std::filesystem::exists(two + "/distill.pid"));
    }

    // The checkpoint of two ranks holds both ranks' rollouts: one process resumes in the middle of
    // their batch and takes the very step the two ranks took.
    void aRunOfTwoRanksResumesOnOne()
    {
        const std::string whole = path("run-two"); // the previous test's whole run of two ranks
        QVERIFY(std::filesystem::exists(whole + "/metrics.jsonl"));
        const std::string out = path("run-two-then-one");
        const Finished first =
            runRanks({"--config", QString::fromStdString(writeConfig("two-short", 1, 1, 3)), "--out", QString::fromStdString(out)}, 2);
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QVERIFY(std::filesystem::exists(out + "/checkpoints/step-00000003/rollouts-rank-1.pt"));

        const Finished resumed = runRanks({"--out", QString::fromStdString(out), "--resume", "--steps", "6"}, 1);
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.err.contains("written by 2 processes"), qPrintable(resumed.err));
        QVERIFY2(resumed.out.contains("\"steps_done\":6"), resumed.out.constData());

        const auto reference = recordOf(readMetrics(whole), 4, true), again = recordOf(readMetrics(out), 4, true);
        QVERIFY(reference && again);
        for (const char *key : {"loss", "policy", "single", "rev_kl"}) {
            QVERIFY(reference->has(key) && again->has(key));
            QVERIFY2(near(*reference->number(key), *again->number(key), 1e-4),
                     qPrintable(QString("step 4 %1: two ranks %2, resumed on one %3")
                                    .arg(key).arg(*reference->number(key)).arg(*again->number(key))));
        }
    }

    void aRankThatDiesEndsTheRun()
    {
        const std::string out = path("run-killed");
        const QStringList args{"--config", QString::fromStdString(writeConfig("long", 1, 1, 500)), "--out",
                               QString::fromStdString(out)};
        const int port = test::freeLoopbackPort();
        QProcess *root = startRank(args, 0, 2, port);
        QProcess *other = startRank(args, 1, 2, port);
        QElapsedTimer clock;
        clock.start();
        while (recordOf(readMetrics(out), 1, true) == std::nullopt && clock.elapsed() < 120000)
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        QVERIFY2(clock.elapsed() < 120000, "the run did not make its first step");
        other->kill();
        other->waitForFinished(10000);
        clock.restart();
        const Finished ended = finish(root, 60000);
        QVERIFY2(clock.elapsed() < 30000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(ended.exitCode != 0);
        QVERIFY2(ended.err.contains("lost contact"), qPrintable(ended.err));
        QVERIFY(!std::filesystem::exists(out + "/distill.pid"));
    }
};

QTEST_GUILESS_MAIN(DistillDistributedTest)
#include "tst_distill_distributed.moc"
