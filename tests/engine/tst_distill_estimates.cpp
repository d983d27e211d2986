#include "distill/DistillConfig.h"
#include "distill/InstructionDataCheck.h"
#include "distill/MemoryEstimate.h"
#include "distill/RunReview.h"
#include "distill/TrialTiming.h"
#include "model/ModelConfig.h"
#include "model/ParameterCount.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace geolens;

namespace {

void writeText(const QString &path, const std::string &text)
{
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << text;
}

// An instruction entry with one question and answer about image.
std::string entry(const std::string &id, const std::string &image)
{
    return "{\"id\": \"" + id + "\", \"image\": \"" + image
           + "\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>\\nWhat is in " + id
           + "?\"}, {\"from\": \"gpt\", \"value\": \"Field " + id + ".\"}]}";
}

// A small model: 2 decoder layers of 32 with 2 of 4 heads for keys and values, a 3-layer tower.
ModelConfig smallModel(int layers = 2)
{
    ModelConfig m;
    m.text.hiddenSize = 32;
    m.text.intermediateSize = 48;
    m.text.layers = layers;
    m.text.heads = 4;
    m.text.kvHeads = 2;
    m.text.vocabSize = 1000;
    m.vision.imageSize = 16;
    m.vision.patchSize = 4;
    m.vision.hiddenSize = 24;
    m.vision.intermediateSize = 40;
    m.vision.layers = 3;
    m.inputSize = 24;
    return m;
}

} // namespace

// What the distillation wizard shows about a run before it starts, computed without Qt: the
// data check, the memory estimate, the timing signature of a trial and the forecast of steps.
class DistillEstimatesTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString images_;
    QString data_;

    QString path(const char *name) const { return dir_.filePath(QLatin1String(name)); }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        images_ = path("images");
        QVERIFY(QDir().mkpath(images_));
        std::string json = "[";
        for (int i = 0; i < 4; ++i) {
            writeText(images_ + QStringLiteral("/scene%1.png").arg(i), "not empty");
            json += (i ? "," : "") + entry("s" + std::to_string(i), "scene" + std::to_string(i) + ".png");
        }
        json += "," + entry("gone", "missing.png") + "]";
        data_ = path("instructions.json");
        writeText(data_, json);
    }

    void bytesPerWeightFollowTheEngine()
    {
        QCOMPARE(bytesPerWeight("f32", "cuda:0"), 4);
        QCOMPARE(bytesPerWeight("bf16", "cpu"), 2);
        QCOMPARE(bytesPerWeight("f16", "cuda:1"), 2);
        // auto: bf16 on a GPU, f32 on the CPU.
        QCOMPARE(bytesPerWeight("auto", "cuda:0"), 2);
        QCOMPARE(bytesPerWeight("auto", "cpu"), 4);
    }

    void memoryEstimateCountsWeightsAndOptimiserState()
    {
        const ModelConfig teacher = smallModel(4);
        const ModelConfig student = smallModel(2);
        DistillConfig c;
        c.run.dtype = "auto";
        c.lora.enabled = false;
        c.terms.policy = c.terms.single = 0.0; // no rollouts: weights and optimiser state only
        MemoryEstimate e = MemoryEstimate::of(c, teacher, student, "cuda:0", "cpu");
        QCOMPARE(e.teacherCacheBytes + e.studentCacheBytes, 0.0);
        QCOMPARE(e.teacherParameters, countParameters(teacher));
        QCOMPARE(e.studentParameters, countParameters(student));
        QVERIFY(e.teacherParameters > e.studentParameters);
        QCOMPARE(e.trainableParameters, e.studentParameters);
        QCOMPARE(e.teacherBytes, 2.0 * e.teacherParameters);                       // bf16 on the GPU
        QCOMPARE(e.studentBytes, 4.0 * e.studentParameters + 12.0 * e.studentParameters); // f32 on the CPU

        c.lora.enabled = true;
        c.lora.rank = 4;
        c.lora.targets = {"q", "v"};
        c.run.dtype = "f32";
        e = MemoryEstimate::of(c, teacher, student, "cuda:0", "cuda:0");
        // q: 32 in, 32 out; v: 32 in, 16 out; rank 4; 2 layers.
        QCOMPARE(e.trainableParameters, std::uint64_t(4 * (64 + 48) * 2));
        QCOMPARE(e.teacherBytes, 4.0 * e.teacherParameters);
        QCOMPARE(e.studentBytes, 4.0 * e.studentParameters + 12.0 * e.trainableParameters);

        // With rollouts the key/value cache of a batch of them counts, and grows with the answer
        // length: keys and values of every layer, kv heads x head size, per token and sequence.
        c.terms.policy = 1.0;
        c.minillm.rolloutBatchSize = 8;
        c.minillm.maxNewTokens = 256;
        e = MemoryEstimate::of(c, teacher, student, "cuda:0", "cuda:0");
        const auto cache = [&](const ModelConfig &m, int newTokens) {
            return 2.0 * m.text.layers * m.text.kvHeads * (m.text.hiddenSize / m.text.heads)
                   * (m.imageTokens() + MemoryEstimate::PromptTextTokens + newTokens) * 8 * 4;
        };
        QCOMPARE(e.studentCacheBytes, cache(student, 256));
        QCOMPARE(e.teacherCacheBytes, cache(teacher, 256));
        QCOMPARE(e.studentBytes, 4.0 * e.studentParameters + 12.0 * e.trainableParameters + cache(student, 256));
        c.minillm.maxNewTokens = 64;
        QVERIFY(MemoryEstimate::of(c, teacher, student, "cuda:0", "cuda:0").studentCacheBytes < e.studentCacheBytes);
    }

    void timingSignatureChangesOnlyWithWhatAStepCosts()
    {
        DistillConfig c;
        c.teacher = "/models/teacher";
        c.student = "/models/student";
        const std::string signature = timingSignature(c);
        QVERIFY(!signature.empty());

        // The length of the run, the learning rate, the intervals and the output do not change a step.
        DistillConfig same = c;
        same.run.steps = c.run.steps * 3 + 1;
        same.run.epochs = 2;
        same.optimiser.lr = c.optimiser.lr * 10;
        same.run.evalInterval = 7;
        same.run.checkpointInterval = 9;
        same.out = "/runs/elsewhere";
        same.run.seed = c.run.seed + 1;
        QCOMPARE(timingSignature(same), signature);

        // The batch, the precision, the sizes, the devices and the method do.
        const auto differs = [&](auto change) {
            DistillConfig other = c;
            change(other);
            return timingSignature(other) != signature;
        };
        QVERIFY(differs([](DistillConfig &o) { o.optimiser.batchSize += 1; }));
        QVERIFY(differs([](DistillConfig &o) { o.optimiser.gradAccumulation += 1; }));
        QVERIFY(differs([](DistillConfig &o) { o.run.dtype = "f32"; }));
        QVERIFY(differs([](DistillConfig &o) { o.run.imageSize = 336; }));
        QVERIFY(differs([](DistillConfig &o) { o.run.maxLength += 64; }));
        QVERIFY(differs([](DistillConfig &o) { o.run.teacherDevice = "cuda:1"; }));
        QVERIFY(differs([](DistillConfig &o) { o.run.cacheImages = !o.run.cacheImages; }));
        QVERIFY(differs([](DistillConfig &o) { o.student = "/models/other"; }));
        QVERIFY(differs([](DistillConfig &o) { o.method = "kd"; }));
        QVERIFY(differs([](DistillConfig &o) { o.lora.rank += 1; }));
    }

    void forecastsTheStepsOfARun()
    {
        DistillConfig c;
        c.run.steps = 1234;
        c.run.epochs = 0;
        QCOMPARE(forecastSteps(c, 0), 1234);
        QCOMPARE(forecastSteps(c, 5000), 1234);

        c.run.epochs = 3;
        c.optimiser.batchSize = 4;
        c.optimiser.gradAccumulation = 2;
        c.validationFraction = 0.1;
        QCOMPARE(forecastSteps(c, 0), 0); // the data is not known yet
        // 1000 samples, 900 after the validation share, 8 per step: ceil(3 * 900 / 8) = 338.
        QCOMPARE(forecastSteps(c, 1000), 338);
        // A separate validation file leaves every sample to training: ceil(3 * 1000 / 8) = 375.
        c.validationData = "/data/validation.json";
        QCOMPARE(forecastSteps(c, 1000), 375);
    }

    // One epoch is one pass over the data in every method: the paper's distillation steps take
    // rollout_batch_size / ppo_epochs samples each, not a supervised batch.
    void epochsAreOnePassForEveryMethod()
    {
        DistillConfig c = DistillConfig::preset("paper");
        c.run.epochs = 1;
        c.run.sftWarmupSteps = 10;
        c.optimiser.batchSize = 2;
        c.optimiser.gradAccumulation = 1;
        c.minillm.rolloutBatchSize = 8;
        c.minillm.ppoEpochs = 4;
        // 100 samples: the warm start takes 10 x 2, the 80 left go 8 per 4 steps.
        QCOMPARE(stepsForEpochs(c, 100), 10 + 40);
        c.minillm.rolloutBatchSize = 16;
        c.minillm.ppoEpochs = 2;
        QCOMPARE(stepsForEpochs(c, 100), 10 + 10);
        c.minillm.ppoEpochs = 3; // 16/3 samples a step: 80 of them take 15 steps
        QCOMPARE(stepsForEpochs(c, 100), 10 + 15);
        // Data that the warm start alone uses up.
        QCOMPARE(stepsForEpochs(c, 15), 8);
        c.run.epochs = 2;
        QCOMPARE(stepsForEpochs(c, 100), 10 + 34); // 180 after the warm start, 16/3 a step
        // The other methods take batch x accumulation a step.
        DistillConfig sft = DistillConfig::preset("sft");
        sft.run.epochs = 1;
        sft.optimiser.batchSize = 2;
        QCOMPARE(stepsForEpochs(sft, 100), 50);
        // The forecast and the run share the rule.
        c.validationData = "/data/validation.json";
        QCOMPARE(forecastSteps(c, 100), stepsForEpochs(c, 100));
    }

    void reviewShowsTheRunFileAndItsProblems()
    {
        DistillConfig c;
        RunReview review = RunReview::of(c);
        QVERIFY(!review.canLaunch()); // no models, no data, no output
        QCOMPARE(review.problems, c.validate());
        QVERIFY(review.json.find("\"method\"") != std::string::npos);
        QVERIFY(review.json.back() != '\n');

        // What the review shows is what save() writes.
        const QString saved = path("run.json");
        c.save(saved.toStdString());
        QFile file(saved);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().toStdString(), review.json + "\n");
    }

    void dataCheckNamesWhatIsMissing()
    {
        InstructionDataCheck check = InstructionDataCheck::run("", images_.toStdString(), "", 0.05, 3);
        QCOMPARE(check.problem, InstructionDataCheck::Problem::NoDataFile);
        check = InstructionDataCheck::run(data_.toStdString(), "", "", 0.05, 3);
        QCOMPARE(check.problem, InstructionDataCheck::Problem::NoImageFolder);

        const QString notJson = path("not-json.json");
        writeText(notJson, "this is { not JSON");
        check = InstructionDataCheck::run(notJson.toStdString(), images_.toStdString(), "", 0.05, 3);
        QCOMPARE(check.problem, InstructionDataCheck::Problem::LoadFailed);
        QVERIFY2(check.error.find("not-json.json") != std::string::npos, check.error.c_str());
        QVERIFY(check.firstSamples.empty());

        const QString empty = path("empty.json");
        writeText(empty, "[]");
        check = InstructionDataCheck::run(empty.toStdString(), images_.toStdString(), "", 0.05, 3);
        QCOMPARE(check.problem, InstructionDataCheck::Problem::NoUsableEntry);
        QCOMPARE(check.entries, std::size_t(0));

        // A validation file whose every entry is skipped.
        const QString broken = path("broken-validation.json");
        writeText(broken, "[" + entry("lost", "nowhere.png") + "]");
        check = InstructionDataCheck::run(data_.toStdString(), images_.toStdString(), broken.toStdString(), 0.05, 3);
        QCOMPARE(check.problem, InstructionDataCheck::Problem::NoUsableValidationEntry);
        QVERIFY2(check.validationSummary.find("nowhere.png") != std::string::npos
                     || check.validationSummary.find("lost") != std::string::npos,
                 check.validationSummary.c_str());

        // A validation share that leaves nothing to train on.
        const QString single = path("single.json");
        writeText(single, "[" + entry("only", "scene0.png") + "]");
        check = InstructionDataCheck::run(single.toStdString(), images_.toStdString(), "", 0.5, 3);
        QCOMPARE(check.problem, InstructionDataCheck::Problem::LoadFailed);
        QVERIFY(!check.error.empty());
    }

    void dataCheckKeepsTheFirstSamples()
    {
        InstructionLoadOptions options;
        int asked = 0;
        options.imageChecker = [&asked](const std::string &) {
            ++asked;
            return std::string();
        };
        InstructionDataCheck check =
            InstructionDataCheck::run(data_.toStdString(), images_.toStdString(), "", 0.25, 3, options);
        QVERIFY2(check.ok(), check.error.c_str());
        QCOMPARE(check.entries, std::size_t(4));
        QCOMPARE(check.samples, std::size_t(4));
        QVERIFY(asked >= 4); // the checker saw the images
        QVERIFY2(check.summary.find("missing.png") != std::string::npos || check.summary.find("gone") != std::string::npos,
                 check.summary.c_str());
        QCOMPARE(check.firstSamples.size(), std::size_t(3));
        QCOMPARE(QString::fromStdString(check.firstSamples[0].answer), QStringLiteral("Field s0."));
        QCOMPARE(QString::fromStdString(check.firstSamples[2].answer), QStringLiteral("Field s2."));
        QCOMPARE(check.validationEntries, std::size_t(0));

        // A separate validation file is loaded and counted.
        const QString validation = path("validation.json");
        writeText(validation, "[" + entry("v0", "scene1.png") + "," + entry("v1", "scene2.png") + "]");
        check = InstructionDataCheck::run(data_.toStdString(), images_.toStdString(), validation.toStdString(), 0.25, 10);
        QVERIFY2(check.ok(), check.error.c_str());
        QCOMPARE(check.validationEntries, std::size_t(2));
        QCOMPARE(check.validationSamples, std::size_t(2));
        QCOMPARE(check.firstSamples.size(), std::size_t(4)); // no more than there are
    }
};

QTEST_GUILESS_MAIN(DistillEstimatesTest)
#include "tst_distill_estimates.moc"
