// The model side of distillation: teacher forcing with gradients, decoding sessions, LoRA and the
// export of a trained student, on tiny models through the real loaders.

#include "EngineTestData.h"
#include "TinyModel.h"
#include "distill/DistillModel.h"
#include "common/Error.h"
#include "model/CheckpointFolder.h"
#include "model/DecodeStepGraph.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace geolens;
using geolens::test::seededImage;
using namespace geolens::distill;

namespace {

const char *const TokenizerPath = GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model";

ModelLoadOptions cpuOptions()
{
    ModelLoadOptions options;
    options.device = ComputeDevice::Cpu;
    options.dtype = WeightType::F32;
    options.imageSize = 24;
    return options;
}

// Each decoding test runs its sessions twice: with LibTorch's operations step by step, and with
// the fixed-shape steps that a GPU replays as a CUDA graph (GEOLENS_DECODE_STEPS=fixed).
void decodeStepsData()
{
    QTest::addColumn<QByteArray>("steps");
    QTest::newRow("operations") << QByteArray("operations");
    QTest::newRow("fixed") << QByteArray("fixed");
}

// GEOLENS_DECODE_STEPS for the life of the object.
class DecodeStepsSetting {
public:
    explicit DecodeStepsSetting(const QByteArray &value) { qputenv("GEOLENS_DECODE_STEPS", value); }
    ~DecodeStepsSetting() { qunsetenv("GEOLENS_DECODE_STEPS"); }
    DecodeStepsSetting(const DecodeStepsSetting &) = delete;
    DecodeStepsSetting &operator=(const DecodeStepsSetting &) = delete;
};

} // namespace

class DistillModelTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    std::string writeModel(const char *name, test::TinyLayout layout, test::TinyModelSpec spec = {})
    {
        const std::string folder = dir_.filePath(name).toStdString();
        spec.geochat = layout == test::TinyLayout::GeoChat || layout == test::TinyLayout::GeoChatBin;
        if (!spec.geochat)
            spec.imageSize = 24;
        test::writeTinyModel(folder, spec, layout, TokenizerPath);
        return folder;
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(TokenizerPath))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        QVERIFY(dir_.isValid());
    }

    void teacherForcingMatchesDecodingAndTheEngine_data() { decodeStepsData(); }
    void teacherForcingMatchesDecodingAndTheEngine()
    {
        QFETCH(QByteArray, steps);
        const DecodeStepsSetting setting(steps);
        const std::string folder = writeModel("forcing", test::TinyLayout::GeoChat);
        auto model = DistillModel::load(folder, cpuOptions());
        const RgbImage image = seededImage(40, 30, 1);
        const auto features = model->imageFeatures(model->pixels(image).unsqueeze(0));
        const std::vector<int> prompt = model->promptTokens("What is in the image?", {});
        const std::vector<int> answer = model->tokenize("a ship in a harbour");
        std::vector<int> tokens = answer;
        tokens.push_back(model->eos());

        const auto logits = model->sequenceLogits(features, prompt, tokens);
        QCOMPARE(logits.size(0), 1);
        QCOMPARE(logits.size(1), static_cast<std::int64_t>(tokens.size()));

        // The engine's own scoring of the same continuation.
        GenerationRequest request;
        request.question = "What is in the image?";
        const std::vector<float> reference = model->model().scoreContinuation(image, request, tokens);
        const auto logprobs = torch::log_softmax(logits[0], -1);
        for (std::size_t i = 0; i < tokens.size(); ++i)
            QVERIFY(std::abs(logprobs[static_cast<std::int64_t>(i)][tokens[i]].item<float>() - reference[i]) < 1e-4);

        // A decoding session sees the same distributions, one token at a time.
        DecodingSession session = model->startDecoding({features}, {prompt}, 16);
        QCOMPARE(session.decoding.steps() != nullptr, steps == "fixed");
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const float gap = (session.lastLogits[0] - logits[0][static_cast<std::int64_t>(i)]).abs().max().item<float>();
            QVERIFY2(gap < 1e-3, qPrintable(QString("step %1: %2").arg(i).arg(gap)));
            if (i + 1 < tokens.size())
                model->appendTokens(session, {tokens[i]});
        }
    }

    void batchDecodingMatchesOnePromptAtATime_data() { decodeStepsData(); }
    void batchDecodingMatchesOnePromptAtATime()
    {
        // Rollouts decode their batch together, prompts left-padded to the longest: each row must
        // see what its prompt alone would, token after token. The single prompts' sessions are
        // alive together, so with fixed-shape steps none may take over another's.
        QFETCH(QByteArray, steps);
        const DecodeStepsSetting setting(steps);
        const std::string folder = writeModel("batch", test::TinyLayout::GeoChat);
        auto model = DistillModel::load(folder, cpuOptions());
        const std::vector<std::vector<int>> prompts = {
            model->promptTokens("What is in the image?", {}),
            model->promptTokens("Describe the fields, the roads and the buildings of this image in detail.", {}),
            model->promptTokens("Count the ships.", {{"Is there a harbour?", "Yes, in the north."}}),
        };
        QVERIFY(prompts[0].size() != prompts[1].size());
        std::vector<torch::Tensor> features;
        for (int i = 0; i < 3; ++i)
            features.push_back(model->imageFeatures(model->pixels(seededImage(30 + 5 * i, 30, i)).unsqueeze(0)));
        const std::vector<std::vector<int>> answers = {model->tokenize("a ship in a harbour"),
                                                       model->tokenize("green fields"),
                                                       model->tokenize("three small boats near the pier")};
        // 16 new tokens: enough for a batch of rollouts to be given fixed-shape steps.
        DecodingSession batch = model->startDecoding(features, prompts, 16);
        QCOMPARE(batch.decoding.steps() != nullptr, steps == "fixed");
        std::vector<DecodingSession> single;
        for (int i = 0; i < 3; ++i)
            single.push_back(model->startDecoding({features[i]}, {prompts[i]}, 16));
        for (int t = 0; t < 5; ++t) {
            std::vector<int> next;
            for (int i = 0; i < 3; ++i) {
                const float gap = (batch.lastLogits[i] - single[i].lastLogits[0]).abs().max().item<float>();
                QVERIFY2(gap < 1e-3, qPrintable(QString("row %1, step %2: %3").arg(i).arg(t).arg(gap)));
                next.push_back(answers[i][static_cast<std::size_t>(t) % answers[i].size()]);
                model->appendTokens(single[i], {next.back()});
            }
            model->appendTokens(batch, next);
        }
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, model->appendTokens(batch, {1, 2}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, model->startDecoding(features, {prompts[0]}, 8));
        // The model keeps the steps of the last session made: a session of the same shape after
        // that one has ended reuses them.
        if (steps == "fixed") {
            const geolens::detail::DecodeStepGraph *last = single.back().decoding.steps().get();
            QVERIFY(last != single.front().decoding.steps().get());
            single.clear();
            QCOMPARE(model->startDecoding({features[2]}, {prompts[2]}, 16).decoding.steps().get(), last);
        }
    }

    void loraStartsAsTheBaseModelAndTrains()
    {
        const std::string folder = writeModel("lora", test::TinyLayout::GeoChat);
        auto model = DistillModel::load(folder, cpuOptions());
        const auto pixels = model->pixels(seededImage(24, 24, 2)).unsqueeze(0);
        const std::vector<int> prompt = model->promptTokens("Describe the image.", {});
        std::vector<int> tokens = model->tokenize("fields and a road");
        tokens.push_back(model->eos());
        const auto before = model->sequenceLogits(model->imageFeatures(pixels), prompt, tokens).detach();

        LoraSettings lora;
        lora.rank = 4;
        lora.alpha = 8;
        model->addLora(lora, 7);
        model->setProjectorTrainable(true);
        const auto trainable = model->trainableTensors();
        // 2 layers x 7 projections x (A, B), plus the projector's two weights and two biases.
        QCOMPARE(trainable.size(), std::size_t(2 * 7 * 2 + 4));
        auto logits = model->sequenceLogits(model->imageFeatures(pixels), prompt, tokens);
        QVERIFY((logits - before).abs().max().item<float>() < 1e-5); // B = 0: nothing changed yet

        // Gradients reach B (A's are zero while B is) and the projector, not the frozen base.
        const auto targets = torch::tensor(std::vector<std::int64_t>(tokens.begin(), tokens.end()));
        const auto loss = torch::nn::functional::cross_entropy(logits[0], targets);
        loss.backward();
        double bGrad = 0, projectorGrad = 0;
        for (const auto &[name, t] : trainable) {
            QVERIFY2(t.grad().defined(), name.c_str());
            if (name.find("lora_B") != std::string::npos)
                bGrad += t.grad().abs().sum().item<double>();
            if (name.find("mm_projector") != std::string::npos)
                projectorGrad += t.grad().abs().sum().item<double>();
        }
        QVERIFY(bGrad > 0 && projectorGrad > 0);
        QVERIFY(!model->model().network().decoder.layers[0].q.requires_grad());
        QVERIFY(!model->model().network().decoder.layers[0].q.grad().defined());
    }

    void exportFoldsAdaptersAndKeepsTheLayout_data()
    {
        QTest::addColumn<int>("layout");
        QTest::newRow("geochat") << static_cast<int>(test::TinyLayout::GeoChat);
        QTest::newRow("geochat-bin") << static_cast<int>(test::TinyLayout::GeoChatBin);
        QTest::newRow("llava-hf") << static_cast<int>(test::TinyLayout::LlavaHf);
    }

    void exportFoldsAdaptersAndKeepsTheLayout()
    {
        QFETCH(int, layout);
        const auto kind = static_cast<test::TinyLayout>(layout);
        const std::string folder = writeModel(QTest::currentDataTag(), kind);
        auto model = DistillModel::load(folder, cpuOptions());
        LoraSettings lora;
        lora.rank = 2;
        lora.alpha = 4;
        lora.targets = {"q", "v", "down"};
        model->addLora(lora, 3);
        model->setProjectorTrainable(true);
        {
            // Some training happened: adapters and projector moved away from the base.
            torch::NoGradGuard noGrad;
            for (auto &[name, t] : model->trainableTensors())
                t.add_(torch::randn(t.sizes(), torch::dtype(t.scalar_type())) * 0.05);
        }
        const RgbImage image = seededImage(30, 20, 5);
        const std::vector<int> prompt = model->promptTokens("Where is the river?", {});
        std::vector<int> tokens = model->tokenize("along the left edge");
        tokens.push_back(model->eos());
        const auto trained =
            model->sequenceLogits(model->imageFeatures(model->pixels(image).unsqueeze(0)), prompt, tokens).detach();

        const std::string out = dir_.filePath(QString("exported-%1").arg(QTest::currentDataTag())).toStdString();
        model->exportTo(out);
        QVERIFY(std::filesystem::exists(out + "/model.safetensors"));
        QVERIFY(std::filesystem::exists(out + "/tokenizer.model"));

        // Same tensor names as the source (buffers aside), no adapters.
        TensorMap source = readCheckpointFolder(folder);
        TensorMap exported = readCheckpointFolder(out);
        for (const auto &[name, info] : exported)
            QVERIFY2(source.count(name) && name.find("lora") == std::string::npos, name.c_str());
        for (const auto &[name, info] : source)
            QVERIFY2(exported.count(name) || name.find("inv_freq") != std::string::npos, name.c_str());

        // The exported folder loads in the engine and answers exactly like the adapted model.
        auto reloaded = GeoChatModel::load(out, cpuOptions());
        GenerationRequest request;
        request.question = "Where is the river?";
        const std::vector<float> scores = reloaded->scoreContinuation(image, request, tokens);
        const auto logprobs = torch::log_softmax(trained[0], -1);
        for (std::size_t i = 0; i < tokens.size(); ++i)
            QVERIFY(std::abs(logprobs[static_cast<std::int64_t>(i)][tokens[i]].item<float>() - scores[i]) < 1e-4);
    }

    void refusesUnknownLoraTargets()
    {
        const std::string folder = writeModel("targets", test::TinyLayout::GeoChat);
        auto model = DistillModel::load(folder, cpuOptions());
        LoraSettings lora;
        lora.targets = {"q", "qkv"};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, model->addLora(lora, 1));
        lora.targets = {"q"};
        lora.rank = 0;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, model->addLora(lora, 1));
    }
};

QTEST_GUILESS_MAIN(DistillModelTest)
#include "tst_distill_model.moc"
