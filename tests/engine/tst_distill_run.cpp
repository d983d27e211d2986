// Whole distillation runs on tiny models through the real loaders: the student gets closer to a
// teacher with clearly different outputs (held-out reverse KL, greedy answers), a stopped run
// resumes onto the same curve, and bad pairs are refused with the reason.

#include "DistillFixture.h"
#include "CliRunner.h"
#include "FileSizeLimit.h"
#include "distill/RunFolder.h"
#include "TinyModel.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "distill/DistillRun.h"
#include "distill/InstructionDataset.h"
#include "model/GeoChatModel.h"
#include "model/PortablePixmap.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>


#include <cmath>
#include <filesystem>

#include <unistd.h>
#include <fstream>
#include <map>

using namespace geolens;

namespace {

const char *const TokenizerPath = GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model";
constexpr int AnswerTokens = test::DistillFixtureAnswerTokens;

ModelLoadOptions cpu()
{
    ModelLoadOptions o;
    o.device = ComputeDevice::Cpu;
    o.dtype = WeightType::F32;
    return o;
}

std::vector<MetricsRecord> readMetrics(const std::string &runDir)
{
    return test::readRunMetrics(runDir);
}

double firstValidationReverseKl(const std::string &runDir)
{
    for (const MetricsRecord &r : readMetrics(runDir))
        if (r.has("val_rev_kl"))
            return r.number("val_rev_kl").value_or(-1);
    return -1;
}

} // namespace

class DistillRunTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::string teacher_, student_, data_, images_;

    std::string path(const char *name) const { return dir_.filePath(name).toStdString(); }

    DistillConfig baseConfig(const char *method, const char *out) const
    {
        DistillConfig c = DistillConfig::preset(method);
        c.teacher = teacher_;
        c.student = student_;
        c.data = data_;
        c.images = images_;
        c.out = path(out);
        c.validationFraction = 0.25;
        c.lora.enabled = false;
        c.optimiser.lr = 1e-3;
        c.optimiser.batchSize = 4;
        c.optimiser.warmupSteps = 5;
        c.minillm.maxNewTokens = AnswerTokens;
        c.run.checkpointInterval = 0;
        c.run.evalInterval = 0;
        c.run.teacherDevice = c.run.studentDevice = "cpu";
        c.run.dtype = "f32";
        return c;
    }

    static DistillHooks hooks()
    {
        DistillHooks h;
        h.readImage = readPortablePixmap;
        return h;
    }

    // Hooks that stop the run once the step has been taken (with its checkpoint).
    static DistillHooks stoppingAfter(int step, std::atomic<bool> &stop)
    {
        DistillHooks h = hooks();
        h.stop = &stop;
        h.onMetrics = [&stop, step](const MetricsRecord &record) {
            if (record.has("loss") && record.step() == step)
                stop = true;
        };
        return h;
    }

    // The share of held-out prompts the exported student answers exactly as the teacher did.
    double heldOutGreedyAgreement(const DistillConfig &c, const std::string &exported) const
    {
        const InstructionSplit split = InstructionDataset::loadForTraining(c.data, c.images, "", c.validationFraction,
                                                                           c.run.seed);
        auto student = GeoChatModel::load(exported, cpu());
        int same = 0;
        const std::size_t n = split.validation.sampleCount();
        for (std::size_t i = 0; i < n; ++i) {
            const InstructionSample s = split.validation.sample(i);
            GenerationRequest request;
            request.question = s.question;
            request.maxNewTokens = AnswerTokens;
            same += student->generate(readPortablePixmap(s.imagePath), request).text == s.answer;
        }
        return n ? static_cast<double>(same) / n : 0.0;
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(TokenizerPath))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        QVERIFY(dir_.isValid());
        const test::DistillFixture fixture = test::writeDistillFixture(dir_.path().toStdString(), TokenizerPath);
        teacher_ = fixture.teacher;
        student_ = fixture.student;
        data_ = fixture.data;
        images_ = fixture.images;
    }

    void kdHalvesReverseKlAndLearnsTheAnswers()
    {
        DistillConfig c = baseConfig("kd", "run-kd");
        c.run.steps = 200;
        const DistillSummary summary = runDistillation(c, false, hooks());
        QCOMPARE(summary.stepsDone, 200);
        QVERIFY(!summary.stopped);
        const double before = firstValidationReverseKl(c.out);
        qInfo("kd: held-out reverse KL %.3f -> %.3f", before, summary.valReverseKl);
        QVERIFY(before > 1.0);
        QVERIFY(summary.valReverseKl < 0.5 * before);
        const double agreement = heldOutGreedyAgreement(c, summary.exported);
        qInfo("kd: %.0f %% of held-out greedy answers equal the teacher's", agreement * 100);
        QVERIFY(agreement > 0.5);

        // One record per step with the documented fields.
        const std::vector<MetricsRecord> metrics = readMetrics(c.out);
        int steps = 0;
        for (const MetricsRecord &r : metrics) {
            if (!r.has("loss"))
                continue;
            ++steps;
            for (const char *key : {"step", "seconds", "lr", "kd", "rev_kl", "student_len", "tokens_per_s", "gpu_mem_gb"})
                QVERIFY2(r.has(key), key);
        }
        QCOMPARE(steps, 200);
        QVERIFY(std::filesystem::exists(c.out + "/run.json"));
        QCOMPARE(DistillConfig::load(c.out + "/run.json"), c);
    }

    void paperMethodHalvesReverseKlAndLearnsTheAnswers()
    {
        DistillConfig c = baseConfig("paper", "run-paper");
        c.run.steps = 160;
        c.run.sftWarmupSteps = 100;
        c.run.evalInterval = 50;
        c.minillm.ppoEpochs = 2;
        c.minillm.rolloutBatchSize = 8;
        const DistillSummary summary = runDistillation(c, false, hooks());
        QCOMPARE(summary.stepsDone, 160);
        const double before = firstValidationReverseKl(c.out);
        qInfo("paper: held-out reverse KL %.3f -> %.3f", before, summary.valReverseKl);
        QVERIFY(summary.valReverseKl < 0.5 * before);
        const double agreement = heldOutGreedyAgreement(c, summary.exported);
        qInfo("paper: %.0f %% of held-out greedy answers equal the teacher's", agreement * 100);
        QVERIFY(agreement > 0.5);

        // The distillation steps carry the paper's terms and the rollouts' statistics.
        bool sawDistillation = false;
        for (const MetricsRecord &r : readMetrics(c.out)) {
            if (r.text("phase") != "distill")
                continue;
            sawDistillation = true;
            for (const char *key : {"policy", "single", "align", "rev_kl", "student_len", "align_grad_share"})
                QVERIFY2(r.has(key), key);
            // The alignment pulls some of the gradient, never more than all of it and a bit.
            QVERIFY(*r.number("align_grad_share") > 0.0 && *r.number("align_grad_share") < 2.0);
            QVERIFY(r.number("student_len").value_or(0) >= 1.0);
        }
        QVERIFY(sawDistillation);
    }

    // One epoch of the paper's method is one pass over the 48 training samples: the warm start
    // takes 4 steps of 4, the 32 left go 8 rollouts per 4 PPO steps, 16 steps (a batch-size rule
    // would stop after 12 steps, a quarter of the way through the rollouts).
    void epochsMakeOnePassInThePapersMethod()
    {
        DistillConfig c = baseConfig("paper", "run-epoch");
        c.run.steps = 0;
        c.run.epochs = 1;
        c.run.sftWarmupSteps = 4;
        c.minillm.ppoEpochs = 4;
        c.minillm.rolloutBatchSize = 8;
        const DistillSummary summary = runDistillation(c, false, hooks());
        QCOMPARE(summary.totalSteps, 4 + 16);
        QCOMPARE(summary.stepsDone, 4 + 16);
    }

    // In bf16 the rollouts' cached decoding and the update's forward pass may round differently (on
    // a GPU their kernels differ; on the CPU they happen to agree); the batch is scored again with
    // the update's pass, so the first PPO pass over it starts at ratio 1 exactly and clips nothing
    // (alpha 0: the student alone draws, so the importance weights are near 1).
    void firstPpoPassStartsAtRatioOne()
    {
        DistillConfig c = baseConfig("paper", "run-ratio");
        c.run.dtype = "bf16";
        c.run.steps = 6;
        c.run.sftWarmupSteps = 0;
        c.minillm.ppoEpochs = 3;
        c.minillm.rolloutBatchSize = 4;
        c.minillm.alpha = 0.0;
        runDistillation(c, false, hooks());
        int firstPasses = 0;
        int step = 0;
        double laterDeviation = 0.0;
        for (const MetricsRecord &r : readMetrics(c.out)) {
            if (!r.has("loss"))
                continue;
            QVERIFY(r.has("ratio_dev") && r.has("clip_frac"));
            if (step++ % 3 == 0) {
                ++firstPasses;
                QCOMPARE(*r.number("ratio_dev"), 0.0);
                QCOMPARE(*r.number("clip_frac"), 0.0);
            } else {
                laterDeviation = std::max(laterDeviation, *r.number("ratio_dev"));
            }
        }
        QCOMPARE(firstPasses, 2);
        QVERIFY2(laterDeviation > 0.0, "the later passes should see the updated weights");
    }

    // The paper's warm start learns from the answers and the teacher's outputs; with "ce" it
    // learns from the answers alone and the teacher does not run.
    void warmStartUsesTheTeacherAsConfigured()
    {
        for (const char *loss : {"kd", "ce"}) {
            DistillConfig c = baseConfig("paper", (std::string("run-warm-") + loss).c_str());
            c.run.steps = 2;
            c.run.sftWarmupSteps = 2;
            c.run.warmupLoss = loss;
            const DistillSummary summary = runDistillation(c, false, hooks());
            QCOMPARE(summary.stepsDone, 2);
            int steps = 0;
            for (const MetricsRecord &r : readMetrics(c.out)) {
                if (!r.has("loss"))
                    continue;
                ++steps;
                QCOMPARE(r.text("phase"), std::string("sft"));
                const bool kd = std::string(loss) == "kd";
                QCOMPARE(r.has("kd"), kd);
                QCOMPARE(r.has("ce"), !kd);
                QCOMPARE(r.has("rev_kl"), kd); // the teacher ran for the step
            }
            QCOMPARE(steps, 2);
        }
    }

    // The paper's D_PT holds images too: an image-text pair is learnt in the instruction format,
    // its text as the answer about its image, so the image changes the term; the texts alone
    // give another value.
    void pretrainTermTakesImageTextPairs()
    {
        std::map<std::string, double> pt;
        for (const bool withImages : {true, false}) {
            const std::string corpus = path(withImages ? "pairs.jsonl" : "texts.jsonl");
            std::ofstream out(corpus);
            for (int i = 0; i < 4; ++i) {
                Json line = Json::object();
                line["text"] = "an aerial view of fields and a road number " + std::to_string(i);
                if (withImages)
                    line["image"] = images_ + "/img" + std::to_string(i) + ".ppm";
                out << line.dump() << "\n";
            }
            out.close();
            DistillConfig c = baseConfig("paper", withImages ? "run-pt-pairs" : "run-pt-texts");
            c.corpus = corpus;
            c.run.steps = 1;
            c.run.sftWarmupSteps = 0;
            c.terms.pt = 1.0;
            c.minillm.rolloutBatchSize = 2;
            runDistillation(c, false, hooks());
            for (const MetricsRecord &r : readMetrics(c.out))
                if (r.has("loss")) {
                    QVERIFY(r.has("pt") && std::isfinite(*r.number("pt")));
                    pt[withImages ? "pairs" : "texts"] = *r.number("pt");
                }
        }
        QCOMPARE(pt.size(), std::size_t(2));
        QVERIFY2(std::abs(pt["pairs"] - pt["texts"]) > 1e-3,
                 qPrintable(QString("pt with images %1, without %2").arg(pt["pairs"]).arg(pt["texts"])));
    }

    void resumedRunContinuesTheSameCurve()
    {
        // LoRA this time, and a stop in the middle of a batch of rollouts.
        DistillConfig c = baseConfig("paper", "run-whole");
        c.lora.enabled = true;
        c.lora.rank = 4;
        c.lora.alpha = 8;
        c.optimiser.lr = 5e-3;
        c.run.steps = 12;
        c.run.sftWarmupSteps = 4;
        c.run.evalInterval = 4;
        c.minillm.ppoEpochs = 4;
        c.minillm.rolloutBatchSize = 4;
        runDistillation(c, false, hooks());
        const std::vector<MetricsRecord> whole = readMetrics(c.out);

        c.out = path("run-stopped");
        std::atomic<bool> stop{false};
        DistillHooks h = hooks();
        h.stop = &stop;
        h.onMetrics = [&](const MetricsRecord &record) {
            if (record.has("loss") && record.step() == 6)
                stop = true;
        };
        const DistillSummary stopped = runDistillation(c, false, h);
        QVERIFY(stopped.stopped);
        QCOMPARE(stopped.stepsDone, 6);
        QVERIFY(stopped.exported.empty());
        QCOMPARE(QString::fromStdString(lastCheckpoint(c.out)).endsWith("step-00000006"), true);
        const DistillSummary resumed = runDistillation(c, true, hooks());
        QCOMPARE(resumed.stepsDone, 12);
        QVERIFY(!resumed.exported.empty());

        const std::vector<MetricsRecord> again = readMetrics(c.out);
        QCOMPARE(again.size(), whole.size());
        for (std::size_t i = 0; i < whole.size(); ++i) {
            QCOMPARE(again[i].step(), whole[i].step());
            for (const char *key : {"loss", "val_loss", "policy", "single", "rev_kl"}) {
                if (!whole[i].has(key))
                    continue;
                QVERIFY(whole[i].number(key) && again[i].number(key));
                const double a = *whole[i].number(key), b = *again[i].number(key);
                QVERIFY2(std::abs(a - b) <= 1e-5 * std::max(1.0, std::abs(a)),
                         qPrintable(QString("step %1 %2: %3 vs %4").arg(whole[i].step()).arg(key).arg(a).arg(b)));
            }
        }
    }

    // A checkpoint that meets a full disk (a file size limit here) ends the run with a FileError,
    // not an abort from inside LibTorch, and leaves the last complete checkpoint as the one to resume.
    void aFullDiskEndsTheRunWithItsLastCheckpoint()
    {
        DistillConfig c = baseConfig("kd", "run-full-disk");
        c.run.steps = 4;
        c.run.checkpointInterval = 2;
        std::atomic<bool> stop{false};
        const DistillHooks h = stoppingAfter(2, stop);
        QVERIFY(runDistillation(c, false, h).stopped);
        const std::string kept = lastCheckpoint(c.out);
        QVERIFY(QString::fromStdString(kept).endsWith("step-00000002"));
        const auto tensors = std::filesystem::file_size(std::filesystem::path(kept) / "tensors.pt");
        {
            test::FileSizeLimit limit(tensors / 2);
            if (!limit.active())
                QSKIP("the file size limit cannot be set here");
            try {
                runDistillation(c, true, hooks());
                QFAIL("a checkpoint past the limit was reported as written");
            } catch (const FileError &e) {
                QVERIFY2(QString(e.what()).contains("could not be written"), e.what());
            }
        }
        QCOMPARE(lastCheckpoint(c.out), kept);
        for (const auto &entry : std::filesystem::directory_iterator(std::filesystem::path(c.out) / "checkpoints"))
            QVERIFY2(entry.path().extension() != ".tmp", qPrintable(QString::fromStdString(entry.path().string())));
        // And the run resumes from it once there is room.
        QCOMPARE(runDistillation(c, true, hooks()).stepsDone, 4);
    }

    // One run per folder: a fresh run over an earlier one is refused unless told to overwrite it,
    // a second run while one holds the folder is refused (in this process and from the command
    // line), and what a killed run left half-written goes when the run resumes.
    void aRunFolderHoldsOneRunAtATime()
    {
        namespace fs = std::filesystem;
        DistillConfig c = baseConfig("kd", "run-folder");
        c.run.steps = 2;
        runDistillation(c, false, hooks());
        QVERIFY(fs::exists(fs::path(c.out) / "student"));
        try {
            runDistillation(c, false, hooks());
            QFAIL("a fresh run over an earlier one was started");
        } catch (const FileError &e) {
            QVERIFY2(QString(e.what()).contains("holds an earlier run") && QString(e.what()).contains("--overwrite"),
                     e.what());
        }
        QVERIFY(fs::exists(fs::path(c.out) / "student")); // nothing of it was touched
        QCOMPARE(runDistillation(c, RunStart::Overwrite, hooks()).stepsDone, 2);
        QCOMPARE(readMetrics(c.out).back().step(), 2);

        {
            const RunFolder::Lock held = RunFolder::lock(c.out);
            QCOMPARE(RunFolder::holder(c.out).value_or(-1), long(::getpid()));
            try {
                runDistillation(c, RunStart::Overwrite, hooks());
                QFAIL("a second run into a locked folder was started");
            } catch (const FileError &e) {
                QVERIFY2(QString(e.what()).contains(QString("another run (process %1)").arg(::getpid())), e.what());
            }
            const test::CliRun cli = test::runCli({"distill", "--config", QString::fromStdString(c.out + "/run.json"),
                                                   "--out", QString::fromStdString(c.out), "--overwrite"});
            QCOMPARE(cli.exitCode, 1);
            QVERIFY2(cli.err.contains("another run"), qPrintable(cli.err));
        }
        QVERIFY(!RunFolder::holder(c.out));

        // A stopped run with the leftovers of a kill: they go on resume.
        c.run.steps = 4;
        c.run.checkpointInterval = 2;
        std::atomic<bool> stop{false};
        const DistillHooks h = stoppingAfter(2, stop);
        QVERIFY(runDistillation(c, RunStart::Overwrite, h).stopped);
        const fs::path run(c.out);
        fs::create_directories(run / "checkpoints" / "step-00000003.tmp");
        fs::create_directories(run / "student");
        std::ofstream(run / "student" / "model.safetensors.tmp-123-456") << "half";
        std::ofstream(run / "run.json.tmp-123-456") << "half";
        QCOMPARE(runDistillation(c, true, hooks()).stepsDone, 4);
        QVERIFY(!fs::exists(run / "checkpoints" / "step-00000003.tmp"));
        QVERIFY(!fs::exists(run / "student" / "model.safetensors.tmp-123-456"));
        QVERIFY(!fs::exists(run / "run.json.tmp-123-456"));
    }

    // An image that passed the data check but cannot be decoded during the run (damaged since, or
    // cut short) skips its samples with a line in the log; the run goes on to the end.
    void anUnreadableImageSkipsItsSamples()
    {
        DistillConfig c = baseConfig("kd", "run-bad-image");
        c.run.steps = 3;
        DistillHooks h = hooks();
        std::string broken;
        h.readImage = [&broken](const std::string &path) {
            if (broken.empty())
                broken = path;
            if (path == broken)
                throw FileError(path, "is not an image GeoLens can read, or it is cut or damaged.");
            return readPortablePixmap(path);
        };
        std::vector<std::string> lines;
        h.log = [&lines](const std::string &line) { lines.push_back(line); };
        QCOMPARE(runDistillation(c, false, h).stepsDone, 3);
        const bool logged = std::any_of(lines.begin(), lines.end(), [&](const std::string &line) {
            return line.find("skipping the samples of an unreadable image") != std::string::npos &&
                   line.find(broken) != std::string::npos;
        });
        QVERIFY(logged);
    }

    void everyMethodRunsAndExports_data()
    {
        QTest::addColumn<QString>("method");
        for (const char *m : {"sft", "rkl", "seqkd", "align"})
            QTest::newRow(m) << QString(m);
    }

    void everyMethodRunsAndExports()
    {
        QFETCH(QString, method);
        const std::string out = "run-" + method.toStdString();
        DistillConfig c = baseConfig(method.toUtf8().constData(), out.c_str());
        c.run.steps = 3;
        c.optimiser.batchSize = 2;
        if (method == "align") {
            // A student of another width: the alignment learns a map to the teacher's width.
            test::TinyModelSpec wide;
            wide.geochat = false;
            wide.hidden = 48;
            wide.intermediate = 64;
            c.student = path("wide-student");
            if (!std::filesystem::exists(c.student))
                test::writeTinyModel(c.student, wide, test::TinyLayout::LlavaHf, TokenizerPath);
        }
        const DistillSummary summary = runDistillation(c, false, hooks());
        QCOMPARE(summary.stepsDone, 3);
        const std::map<QString, const char *> term{{"sft", "ce"}, {"rkl", "single"}, {"seqkd", "ce"}, {"align", "align"}};
        int steps = 0;
        for (const MetricsRecord &r : readMetrics(c.out)) {
            if (!r.has("loss"))
                continue;
            ++steps;
            QVERIFY2(r.has(term.at(method)), term.at(method));
            QVERIFY(r.number("loss") && std::isfinite(*r.number("loss")));
        }
        QCOMPARE(steps, 3);
        // The exported student loads and answers; the alignment map is not part of it.
        auto exported = GeoChatModel::load(summary.exported, cpu());
        GenerationRequest request;
        request.question = "Describe the scene.";
        request.maxNewTokens = 3;
        QVERIFY(!exported->generate(readPortablePixmap(images_ + "/img0.ppm"), request).tokens.empty());
    }

    void randomShapedModelsTimeARun()
    {
        // How a GPU's step time and memory are measured without weights: random:PRESET models with
        // a tokenizer, LoRA on the student, nothing exported at the end.
        DistillConfig c = baseConfig("kd", "run-random");
        c.teacher = c.student = "random:tiny";
        c.lora.enabled = true;
        c.lora.rank = 4;
        c.run.steps = 2;
        c.optimiser.batchSize = 2;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, runDistillation(c, false, hooks())); // no tokenizer
        c.tokenizer = TokenizerPath;
        const DistillSummary summary = runDistillation(c, false, hooks());
        QCOMPARE(summary.stepsDone, 2);
        QVERIFY(summary.exported.empty());
        QVERIFY(!std::filesystem::exists(c.out + "/student"));
        int steps = 0;
        for (const MetricsRecord &r : readMetrics(c.out))
            if (r.has("loss")) {
                ++steps;
                QVERIFY(r.number("tokens_per_s").value_or(0) > 0.0);
            }
        QCOMPARE(steps, 2);
        const std::vector<std::string> problems = [&] {
            DistillConfig bad = c;
            bad.tokenizer.clear();
            return bad.validate();
        }();
        QCOMPARE(problems.size(), std::size_t(2)); // teacher and student
        QVERIFY(problems.front().find("random:tiny") != std::string::npos);
    }

    void imageCacheGivesTheSameLosses()
    {
        DistillConfig plain = baseConfig("kd", "run-uncached");
        plain.run.steps = 4;
        plain.optimiser.batchSize = 2;
        DistillConfig cached = plain;
        cached.out = path("run-cached");
        cached.run.cacheImages = true;
        runDistillation(plain, false, hooks());
        runDistillation(cached, false, hooks());
        const std::vector<MetricsRecord> a = readMetrics(plain.out), b = readMetrics(cached.out);
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i)
            for (const char *key : {"loss", "val_loss"})
                if (a[i].has(key))
                    QVERIFY2(b[i].number(key) == a[i].number(key), key);
        int files = 0;
        for (const auto &entry : std::filesystem::directory_iterator(cached.out + "/image-cache"))
            files += entry.path().extension() == ".ppm";
        QVERIFY(files >= 8); // the training images seen and the validation ones
    }

    void nonFiniteLossesStopTheRunWithACheckpoint()
    {
        DistillConfig c = baseConfig("sft", "run-diverges");
        c.run.steps = 20;
        c.optimiser.batchSize = 2;
        c.optimiser.lr = 1e30; // the first update throws the weights far out of range
        c.optimiser.warmupSteps = 0;
        c.optimiser.gradClip = 0;
        c.optimiser.schedule = "constant";
        try {
            runDistillation(c, false, hooks());
            QFAIL("a diverging run went on");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("not finite in 5 steps in a row"), e.what());
        }
        QVERIFY(!lastCheckpoint(c.out).empty());
        int skipped = 0;
        for (const MetricsRecord &r : readMetrics(c.out))
            if (r.has("skipped")) {
                ++skipped;
                QVERIFY(r.has("loss") && !r.number("loss")); // written as null, never as invalid JSON
            }
        QCOMPARE(skipped, 5);
    }

    void refusesARunWhereNoSampleFits()
    {
        // A max_length that the prompt and the image alone exceed: the run would train on nothing.
        DistillConfig c = baseConfig("kd", "run-too-short");
        c.run.steps = 2;
        c.run.maxLength = 8;
        c.minillm.maxNewTokens = 4; // below max_length, as the configuration requires
        try {
            runDistillation(c, false, hooks());
            QFAIL("a run over samples that all exceed max_length was started");
        } catch (const InvalidArgument &e) {
            const QString text = e.what();
            QVERIFY2(text.contains("max_length 8") && text.contains("Raise run.max_length to at least") &&
                         text.contains("run.image_size"),
                     e.what());
        }
        QVERIFY(!QFileInfo::exists(QString::fromStdString(c.out + "/student")));
        QVERIFY(!QFileInfo::exists(QString::fromStdString(c.out + "/metrics.jsonl")) ||
                QFileInfo(QString::fromStdString(c.out + "/metrics.jsonl")).size() == 0);
    }

    void refusesIncompatiblePairs()
    {
        // A student whose output layer covers another vocabulary.
        test::TinyModelSpec wider;
        wider.geochat = false;
        wider.vocab = 32064;
        const std::string other = path("wider-student");
        test::writeTinyModel(other, wider, test::TinyLayout::LlavaHf, TokenizerPath);
        DistillConfig c = baseConfig("kd", "run-refused");
        c.student = other;
        c.run.steps = 2;
        try {
            runDistillation(c, false, hooks());
            QFAIL("an incompatible pair was accepted");
        } catch (const InvalidArgument &e) {
            QVERIFY2(QString(e.what()).contains("same vocabulary"), e.what());
        }

        // Resuming a run that never wrote a checkpoint says so.
        DistillConfig fresh = baseConfig("kd", "run-nothing");
        try {
            runDistillation(fresh, true, hooks());
            QFAIL("resumed without a checkpoint");
        } catch (const InvalidArgument &e) {
            QVERIFY2(QString(e.what()).contains("no checkpoint"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(DistillRunTest)
#include "tst_distill_run.moc"
