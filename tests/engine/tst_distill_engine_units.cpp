// The distillation run's LibTorch pieces on their own: a batch of rollouts (drawing, advantages,
// its place in a checkpoint) and the checkpoints themselves.

#include "EngineTestData.h"
#include "TinyModel.h"
#include "common/Error.h"
#include "distill/DistillModel.h"
#include "distill/DistillRun.h"
#include "distill/RolloutBatch.h"
#include "distill/RunCheckpoint.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>

using namespace geolens;
using geolens::test::seededImage;
using namespace geolens::distill;

namespace {

const char *const TokenizerPath = GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model";

Rollout handMadeRollout(std::size_t sample, const std::vector<float> &student, const std::vector<float> &teacher,
                        const std::vector<float> &mix)
{
    Rollout r;
    r.sample = sample;
    for (std::size_t i = 0; i < student.size(); ++i)
        r.tokens.push_back(static_cast<int>(100 + i));
    r.oldLogProbs = torch::tensor(student);
    r.teacherLogProbs = torch::tensor(teacher);
    r.mixLogProbs = torch::tensor(mix);
    r.reverseKl = 0.25 * static_cast<double>(sample);
    return r;
}

RolloutBatch threeRollouts()
{
    RolloutBatch batch;
    batch.add(handMadeRollout(0, {-1.0f, -2.0f}, {-1.5f, -0.5f}, {-1.1f, -1.9f}));
    batch.add(handMadeRollout(1, {-0.2f, -3.0f, -0.7f, -1.2f}, {-0.1f, -2.0f, -2.5f, -1.0f}, {-0.3f, -2.5f, -0.8f, -1.2f}));
    batch.add(handMadeRollout(2, {-0.5f, -0.6f, -4.0f}, {-0.9f, -0.6f, -1.0f}, {-0.5f, -0.7f, -3.0f}));
    return batch;
}

bool sameTensor(const torch::Tensor &a, const torch::Tensor &b)
{
    return a.defined() == b.defined() && (!a.defined() || (a.sizes() == b.sizes() && torch::equal(a, b)));
}

void compareRollouts(const RolloutBatch &a, const RolloutBatch &b)
{
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        const Rollout &x = a.rollouts()[i], &y = b.rollouts()[i];
        QCOMPARE(x.sample, y.sample);
        QCOMPARE(x.tokens, y.tokens);
        QCOMPARE(x.reverseKl, y.reverseKl);
        QVERIFY(sameTensor(x.oldLogProbs, y.oldLogProbs));
        QVERIFY(sameTensor(x.teacherLogProbs, y.teacherLogProbs));
        QVERIFY(sameTensor(x.mixLogProbs, y.mixLogProbs));
        QVERIFY(sameTensor(x.weights, y.weights));
        QVERIFY(sameTensor(x.advantages, y.advantages));
    }
}

} // namespace

class DistillEngineUnitsTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void advantagesFollowEachRolloutsRewards()
    {
        // The paper's return sums the rewards after t over the tokens after t; MiniLLM's sums them
        // from t on over the tokens from t.
        for (const bool future : {true, false}) {
            MiniLlmSettings settings;
            settings.returnRange = future ? "future" : "from_current";
            settings.gamma = 0.9;
            settings.rewardScale = 0.5;
            settings.rewardClamp = 3.0;
            settings.whitenAdvantages = false;
            RolloutBatch batch = threeRollouts();
            batch.computeAdvantages(settings);
            for (const Rollout &r : batch.rollouts()) {
                const std::size_t n = r.tokens.size();
                QCOMPARE(r.weights.size(0), static_cast<std::int64_t>(n));
                QCOMPARE(r.advantages.size(0), static_cast<std::int64_t>(n));
                for (std::size_t t = 0; t < n; ++t) {
                    const auto at = static_cast<std::int64_t>(t);
                    // w = q / p_mix at the drawn token.
                    const double weight = std::exp(r.oldLogProbs[at].item<double>() - r.mixLogProbs[at].item<double>());
                    QVERIFY(std::abs(r.weights[at].item<double>() - weight) < 1e-5);
                    // The discounted rewards from t on, over the tokens left.
                    double sum = 0.0;
                    for (std::size_t k = future ? t + 1 : t; k < n; ++k) {
                        const auto ak = static_cast<std::int64_t>(k);
                        const double reward =
                            std::clamp((r.teacherLogProbs[ak].item<double>() - r.oldLogProbs[ak].item<double>()) / 0.5, -3.0, 3.0);
                        sum += std::pow(0.9, static_cast<double>(k - t)) * reward;
                    }
                    const double expected = sum / std::max(1.0, static_cast<double>(future ? n - t - 1 : n - t));
                    QVERIFY2(std::abs(r.advantages[at].item<double>() - expected) < 1e-5,
                             qPrintable(QString("sample %1, token %2: %3, expected %4")
                                            .arg(r.sample)
                                            .arg(t)
                                            .arg(r.advantages[at].item<double>())
                                            .arg(expected)));
                }
            }
            // Padded together, yet each rollout's advantages are its own.
            RolloutBatch alone;
            alone.add(handMadeRollout(0, {-1.0f, -2.0f}, {-1.5f, -0.5f}, {-1.1f, -1.9f}));
            alone.computeAdvantages(settings);
            QVERIFY(torch::allclose(alone.rollouts()[0].advantages, batch.rollouts()[0].advantages));
        }

        // Whitened over the whole batch: mean 0, unbiased standard deviation 1 over all 9 tokens.
        MiniLlmSettings settings;
        settings.gamma = 0.9;
        settings.rewardScale = 0.5;
        settings.rewardClamp = 3.0;
        RolloutBatch batch = threeRollouts();
        settings.whitenAdvantages = true;
        batch.computeAdvantages(settings);
        std::vector<torch::Tensor> all;
        for (const Rollout &r : batch.rollouts())
            all.push_back(r.advantages);
        const auto joined = torch::cat(all);
        QCOMPARE(joined.size(0), std::int64_t(9));
        QVERIFY(std::abs(joined.mean().item<double>()) < 1e-5);
        QVERIFY(std::abs(joined.std().item<double>() - 1.0) < 1e-3);
        QCOMPARE(batch.tokenCount(), 9.0);

        RolloutBatch empty;
        empty.computeAdvantages(settings);
        QVERIFY(empty.empty());
    }

    void rolloutsSurviveTheArchive()
    {
        RolloutBatch batch = threeRollouts();
        batch.computeAdvantages(MiniLlmSettings{});
        const std::string file = dir_.filePath("rollouts.pt").toStdString();
        {
            torch::serialize::OutputArchive out;
            batch.save(out);
            out.save_to(file);
        }
        torch::serialize::InputArchive in;
        in.load_from(file);
        compareRollouts(RolloutBatch::load(in, batch.size()), batch);
    }

    void drawingFromOneModelTwiceGivesUnitWeights()
    {
        if (!QFile::exists(TokenizerPath))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        const std::string folder = dir_.filePath("model").toStdString();
        test::TinyModelSpec spec;
        spec.geochat = false;
        spec.imageSize = 24;
        test::writeTinyModel(folder, spec, test::TinyLayout::LlavaHf, TokenizerPath);
        ModelLoadOptions options;
        options.device = ComputeDevice::Cpu;
        options.dtype = WeightType::F32;
        auto student = DistillModel::load(folder, options);
        auto teacher = DistillModel::load(folder, options);

        const auto prompt = [&](std::size_t sample, const char *question, std::int64_t room) {
            RolloutPrompt p;
            p.sample = sample;
            p.prompt = student->promptTokens(question, {});
            p.maxNewTokens = 5;
            p.room = room;
            p.seed = 1000 + sample;
            p.studentPixels = student->pixels(seededImage(30, 24, static_cast<int>(sample))).unsqueeze(0);
            p.studentFeatures = student->imageFeatures(p.studentPixels);
            p.teacherFeatures = teacher->imageFeatures(p.studentPixels);
            return p;
        };
        MiniLlmSettings settings;
        settings.alpha = 0.2;
        const RolloutBatch batch =
            RolloutBatch::draw(*student, *teacher, {prompt(0, "What is here?", 100), prompt(1, "Describe the scene in detail.", 100)},
                               settings);
        QCOMPARE(batch.size(), std::size_t(2));
        for (const Rollout &r : batch.rollouts()) {
            QVERIFY(!r.tokens.empty() && r.tokens.size() <= 5);
            // Only the last token may end the answer.
            for (std::size_t t = 0; t + 1 < r.tokens.size(); ++t)
                QVERIFY(r.tokens[t] != student->eos());
            // The same model twice: the mixture is the student's own distribution.
            QVERIFY(std::abs(r.reverseKl) < 1e-5);
            QVERIFY(torch::allclose(r.weights, torch::ones_like(r.weights), 1e-4, 1e-4));
            QVERIFY(torch::allclose(r.oldLogProbs, r.teacherLogProbs, 1e-5, 1e-5));
            QVERIFY(r.studentPixels.defined() && r.teacherFeatures.defined());
        }
        QCOMPARE(batch.rollouts()[1].sample, std::size_t(1));

        // A rollout's draws are its seed's: the same alone as beside another prompt.
        const RolloutBatch alone = RolloutBatch::draw(*student, *teacher, {prompt(1, "Describe the scene in detail.", 100)}, settings);
        QCOMPARE(alone.rollouts()[0].tokens, batch.rollouts()[1].tokens);

        // Every answer follows the longest prompt: the fullest prompt's room bounds them all.
        const RolloutBatch cramped =
            RolloutBatch::draw(*student, *teacher, {prompt(0, "What is here?", 100), prompt(1, "Describe the scene.", 2)}, settings);
        for (const Rollout &r : cramped.rollouts())
            QVERIFY(r.tokens.size() <= 2);
        QVERIFY(RolloutBatch::draw(*student, *teacher, {}, settings).empty());
    }

    void checkpointRestoresWhatItSaved()
    {
        const std::string runDir = dir_.filePath("run").toStdString();
        const RunCheckpoint checkpoints(runDir, 2);
        DistributedGroup oneProcess; // a group of one: the checkpoint of a run on one process
        QVERIFY(lastCheckpoint(runDir).empty());

        TrainedTensors trained;
        trained.parameters = {{"a", torch::randn({3, 2}).set_requires_grad(true)}, {"b", torch::randn({4}).set_requires_grad(true)}};
        trained.alignMap = torch::randn({2, 2}).set_requires_grad(true);
        const auto params = [&](TrainedTensors &t) {
            return std::vector<torch::Tensor>{t.parameters[0].second, t.parameters[1].second, t.alignMap};
        };
        torch::optim::AdamW optimizer(params(trained), torch::optim::AdamWOptions(0.1));
        const auto takeStep = [](torch::optim::AdamW &o, const std::vector<torch::Tensor> &p) {
            o.zero_grad();
            (p[0].pow(2).sum() + p[1].sin().sum() + p[2].sum()).backward();
            o.step();
        };
        takeStep(optimizer, params(trained));
        trained.bestWarmup["a"] = trained.parameters[0].second.detach().clone() * 2;
        RolloutBatch rollouts = threeRollouts();
        rollouts.computeAdvantages(MiniLlmSettings{});

        RunState state;
        state.consumed = 77;
        state.corpusPosition = 5;
        state.bestWarmupLoss = 1.25;
        state.seconds = 3.0;
        std::string folder;
        for (int step : {2, 4, 6}) {
            state.step = step;
            folder = checkpoints.save(state, trained, rollouts, optimizer, oneProcess);
        }
        QVERIFY(folder.size() > 13 && folder.compare(folder.size() - 13, 13, "step-00000006") == 0);
        QCOMPARE(RunCheckpoint::folderName(42), std::string("step-00000042"));
        // The last two stay; nothing half-written is left.
        std::vector<std::string> names;
        for (const auto &entry : std::filesystem::directory_iterator(runDir + "/checkpoints"))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        QCOMPARE(names, (std::vector<std::string>{"step-00000004", "step-00000006"}));
        for (const char *file : {"tensors.pt", "optimizer.pt", "state.json"})
            QVERIFY(std::filesystem::exists(folder + "/" + file));
        QCOMPARE(lastCheckpoint(runDir), folder);

        // A fresh run's tensors, restored in place.
        TrainedTensors fresh;
        fresh.parameters = {{"a", torch::zeros({3, 2}).set_requires_grad(true)}, {"b", torch::zeros({4}).set_requires_grad(true)}};
        fresh.alignMap = torch::zeros({2, 2}).set_requires_grad(true);
        const torch::Tensor handle = fresh.parameters[0].second;
        torch::optim::AdamW freshOptimizer(params(fresh), torch::optim::AdamWOptions(0.1));
        RolloutBatch freshRollouts;
        std::string restoredFrom;
        const RunState back = checkpoints.restore(fresh, freshRollouts, freshOptimizer, oneProcess, &restoredFrom);
        QCOMPARE(restoredFrom, folder);
        QCOMPARE(back.step, 6);
        QCOMPARE(back.consumed, std::uint64_t(77));
        QCOMPARE(back.rollouts, std::size_t(3));
        QCOMPARE(back.bestWarmupLoss, 1.25);
        QVERIFY(torch::equal(handle, trained.parameters[0].second)); // the same tensor, now holding the saved values
        QVERIFY(torch::equal(fresh.parameters[1].second, trained.parameters[1].second));
        QVERIFY(torch::equal(fresh.alignMap, trained.alignMap));
        QCOMPARE(fresh.bestWarmup.size(), std::size_t(1));
        QVERIFY(torch::equal(fresh.bestWarmup.at("a"), trained.bestWarmup.at("a")));
        compareRollouts(freshRollouts, rollouts);
        // The optimiser's moments came back too: the next step is the same.
        takeStep(optimizer, params(trained));
        takeStep(freshOptimizer, params(fresh));
        QVERIFY(torch::equal(fresh.parameters[0].second, trained.parameters[0].second));
        QVERIFY(torch::equal(fresh.alignMap, trained.alignMap));

        // A folder being written is no checkpoint; a tensor the run trains must be there.
        std::filesystem::create_directories(runDir + "/checkpoints/step-00000008");
        QCOMPARE(lastCheckpoint(runDir), folder);
        TrainedTensors other;
        other.parameters = {{"c", torch::zeros({1})}};
        torch::optim::AdamW otherOptimizer(std::vector<torch::Tensor>{other.parameters[0].second});
        QVERIFY_THROWS_EXCEPTION(FileError, checkpoints.restore(other, freshRollouts, otherOptimizer, oneProcess));
        const RunCheckpoint nowhere(dir_.filePath("no-run").toStdString());
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, nowhere.restore(fresh, freshRollouts, freshOptimizer, oneProcess));
    }
};

QTEST_GUILESS_MAIN(DistillEngineUnitsTest)
#include "tst_distill_engine_units.moc"
