#include "EngineTestData.h"
#include "TinyModel.h"
#include "common/Error.h"
#include "model/CheckpointFolder.h"
#include "model/GeoChatModel.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>

using namespace geolens;
using geolens::test::referenceModelImage;
using geolens::test::TinyLayout;
using geolens::test::TinyModelSpec;

namespace {

const QString TokenizerModel = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");

ModelLoadOptions cpuOptions()
{
    ModelLoadOptions o;
    o.device = ComputeDevice::Cpu;
    o.dtype = WeightType::F32;
    o.imageSize = 24; // native 16 px (4 x 4 patches) resampled to 6 x 6, like GeoChat's 336 -> 504
    o.threads = 2;
    return o;
}

} // namespace

// The engine end to end on a tiny model written by the test: loading in each layout, the prompt,
// generation and its stopping rules, and every kind of broken model folder.
class GeoChatModelTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString geochat_;

    QString writeModel(const char *name, TinyLayout layout, const TinyModelSpec &spec = {})
    {
        const QString folder = dir_.filePath(name);
        test::writeTinyModel(folder.toStdString(), spec, layout, TokenizerModel.toStdString());
        return folder;
    }

    static void expectLoadError(const QString &folder, const QString &problem, ModelLoadOptions options = cpuOptions())
    {
        try {
            GeoChatModel::load(folder.toStdString(), options);
            QFAIL(qPrintable("expected an error mentioning " + problem));
        } catch (const Error &e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(problem), e.what());
        }
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(TokenizerModel))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        geochat_ = writeModel("geochat", TinyLayout::GeoChat);
    }

    void loadsAndDescribesTheModel()
    {
        const auto model = GeoChatModel::load(geochat_.toStdString(), cpuOptions());
        const ModelConfig &c = model->config();
        QCOMPARE(c.layout, CheckpointLayout::GeoChat);
        QCOMPARE(c.modelType, std::string("geochat"));
        QCOMPARE(c.inputSize, 24);
        QCOMPARE(c.imageTokens(), 36);
        QCOMPARE(c.text.kvHeads, 2);
        QCOMPARE(model->deviceName(), std::string("cpu"));
        QCOMPARE(model->dtypeName(), std::string("f32"));
        // Without an override a GeoChat model runs at 504 px.
        QCOMPARE(ModelConfig::load(geochat_.toStdString()).inputSize, 504);
        // There, this tiny model's 4 px patches make 15876 image tokens, which its context of 512
        // cannot hold: the load is refused before any weight is read, naming the size that fits.
        ModelLoadOptions native = cpuOptions();
        native.imageSize.reset();
        try {
            GeoChatModel::load(geochat_.toStdString(), native);
            QFAIL("a model whose context cannot hold its image was loaded");
        } catch (const InvalidArgument &e) {
            const QString text = e.what();
            QVERIFY2(text.contains("15876") && text.contains("512") && text.contains("at most 84 px"), e.what());
        }
        native.imageSize = 84; // 441 image tokens + 64 text positions within 512
        QCOMPARE(GeoChatModel::load(geochat_.toStdString(), native)->config().imageTokens(), 441);
        native.imageSize = 88;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, GeoChatModel::load(geochat_.toStdString(), native));
    }

    void loadingReportsProgressAndCancels()
    {
        std::vector<std::int64_t> seen;
        JobProgress progress([&](std::int64_t done, std::int64_t total, const std::string &) {
            seen.push_back(done);
            QVERIFY(done <= total);
        });
        ModelLoadOptions options = cpuOptions();
        options.progress = &progress;
        QVERIFY(GeoChatModel::load(geochat_.toStdString(), options));
        QVERIFY(seen.size() >= 3);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        JobProgress canceled;
        canceled.requestCancel();
        options.progress = &canceled;
        QVERIFY_THROWS_EXCEPTION(Canceled, GeoChatModel::load(geochat_.toStdString(), options));
    }

    void promptFollowsLlavaV1()
    {
        const std::string text = GeoChatModel::conversationPrompt("What is this?", {{"Describe", "A port.</s>"}});
        QVERIFY(text.rfind("A chat between a curious human", 0) == 0);
        QVERIFY(text.find(" USER: <image>\nDescribe ASSISTANT: A port.</s></s>USER: What is this? ASSISTANT:") !=
                std::string::npos);
        const auto model = GeoChatModel::load(geochat_.toStdString(), cpuOptions());
        GenerationRequest r;
        r.question = "What is this?";
        const std::vector<int> ids = model->promptTokens(r);
        QCOMPARE(ids.front(), 1);
        QCOMPARE(std::count(ids.begin(), ids.end(), -200), long(1));
        const auto slot = std::find(ids.begin(), ids.end(), -200);
        QCOMPARE(*(slot + 1), 29871); // "\n" after the image, with SentencePiece's dummy prefix
        QCOMPARE(*(slot + 2), 13);
    }

    void greedyGenerationIsDeterministic()
    {
        const auto model = GeoChatModel::load(geochat_.toStdString(), cpuOptions());
        GenerationRequest r;
        r.question = "Classify the image.";
        r.maxNewTokens = 6;
        std::string streamed;
        r.onText = [&](const std::string &piece) { streamed += piece; };
        const GenerationResult a = model->generate(referenceModelImage(40, 30, 1), r);
        QCOMPARE(a.numImageTokens, 36);
        QVERIFY(!a.tokens.empty());
        QCOMPARE(a.logprobs.size(), a.tokens.size());
        for (float lp : a.logprobs)
            QVERIFY(lp <= 0.0f && std::isfinite(lp));
        QVERIFY(a.stopReason == "max_new_tokens" || a.stopReason == "eos");
        QCOMPARE(streamed, a.text);
        r.onText = nullptr;
        const GenerationResult b = model->generate(referenceModelImage(40, 30, 1), r);
        QCOMPARE(b.tokens, a.tokens);
        for (std::size_t i = 0; i < a.logprobs.size(); ++i)
            QVERIFY(std::abs(a.logprobs[i] - b.logprobs[i]) < 1e-6);
        // The image matters.
        const GenerationResult other = model->generate(referenceModelImage(40, 30, 9), r);
        QVERIFY(other.logprobs.front() != a.logprobs.front());
    }

    void batchEqualsSingles()
    {
        const auto model = GeoChatModel::load(geochat_.toStdString(), cpuOptions());
        GenerationRequest r;
        r.question = "Classify the image.";
        r.maxNewTokens = 4;
        const std::vector<GenerationResult> batch = model->generateBatch({referenceModelImage(20, 20, 2), referenceModelImage(30, 10, 5)}, r);
        QCOMPARE(batch.size(), std::size_t(2));
        const GenerationResult first = model->generate(referenceModelImage(20, 20, 2), r);
        const GenerationResult second = model->generate(referenceModelImage(30, 10, 5), r);
        QCOMPARE(batch[0].tokens, first.tokens);
        QCOMPARE(batch[1].tokens, second.tokens);
        for (std::size_t i = 0; i < first.logprobs.size(); ++i)
            QVERIFY(std::abs(batch[0].logprobs[i] - first.logprobs[i]) < 1e-4);
    }

    void fixedShapeStepsGiveTheSameAnswers()
    {
        // The steps a GPU replays as a CUDA graph (fixed shapes, the cache's capacity masked),
        // run one by one on the CPU: the same answers as the ordinary steps, for one row, for a
        // left-padded batch, across generations that share the steps, and at the context's end.
        struct Restore {
            ~Restore() { qunsetenv("GEOLENS_DECODE_STEPS"); }
        } restore;
        TinyModelSpec spec;
        spec.maxPositions = 110;
        const QString shortContext = writeModel("fixed-steps-short-context", TinyLayout::GeoChat, spec);
        const auto answers = [&] {
            const auto model = GeoChatModel::load(geochat_.toStdString(), cpuOptions());
            GenerationRequest one;
            one.question = "Describe the image.";
            one.maxNewTokens = 12;
            GenerationRequest longer = one;
            longer.question = "Which land cover classes does this image show, and where?";
            longer.maxNewTokens = 20;
            GenerationRequest shorter = longer;
            shorter.question = "Classify.";
            std::vector<GenerationResult> out;
            out.push_back(model->generate(referenceModelImage(20, 20, 2), one));
            out.push_back(model->generate(referenceModelImage(30, 10, 5), one)); // the same steps again
            for (GenerationResult &r :
                 model->generateBatch({referenceModelImage(20, 20, 2), referenceModelImage(30, 10, 5)}, {longer, shorter}))
                out.push_back(std::move(r));
            GenerationRequest toTheEnd = one;
            toTheEnd.maxNewTokens = 200;
            out.push_back(GeoChatModel::load(shortContext.toStdString(), cpuOptions())->generate(referenceModelImage(16, 16, 1), toTheEnd));
            return out;
        };
        const std::vector<GenerationResult> operations = answers();
        qputenv("GEOLENS_DECODE_STEPS", "fixed");
        const std::vector<GenerationResult> fixed = answers();
        QCOMPARE(fixed.size(), operations.size());
        for (std::size_t i = 0; i < fixed.size(); ++i) {
            QCOMPARE(fixed[i].tokens, operations[i].tokens);
            QCOMPARE(fixed[i].stopReason, operations[i].stopReason);
            QCOMPARE(fixed[i].logprobs.size(), operations[i].logprobs.size());
            for (std::size_t t = 0; t < fixed[i].logprobs.size(); ++t)
                QVERIFY2(std::abs(fixed[i].logprobs[t] - operations[i].logprobs[t]) < 1e-4, qPrintable(QString("answer %1, token %2").arg(i).arg(t)));
        }
        QVERIFY(operations[2].promptTokens.size() != operations[3].promptTokens.size()); // the batch was padded
        if (operations.back().stopReason != "eos")
            QCOMPARE(operations.back().stopReason, std::string("context"));

        qputenv("GEOLENS_DECODE_STEPS", "sometimes");
        try {
            GenerationRequest r;
            r.question = "Describe.";
            r.maxNewTokens = 4;
            GeoChatModel::load(geochat_.toStdString(), cpuOptions())->generate(referenceModelImage(16, 16, 1), r);
            QFAIL("an unknown GEOLENS_DECODE_STEPS must be refused");
        } catch (const InvalidArgument &e) {
            QVERIFY2(QString(e.what()).contains("GEOLENS_DECODE_STEPS"), e.what());
        }
    }

    void samplingIsSeeded()
    {
        const auto model = GeoChatModel::load(geochat_.toStdString(), cpuOptions());
        GenerationRequest r;
        r.question = "Describe.";
        r.maxNewTokens = 8;
        r.temperature = 1.5;
        r.topK = 50;
        r.topP = 0.95;
        r.repetitionPenalty = 1.1;
        r.seed = 1234;
        const GenerationResult a = model->generate(referenceModelImage(16, 16, 3), r);
        const GenerationResult b = model->generate(referenceModelImage(16, 16, 3), r);
        QCOMPARE(a.tokens, b.tokens);
        r.seed = 99;
        bool differs = false;
        for (int i = 0; i < 5 && !differs; ++i) {
            r.seed = 99 + i;
            differs = model->generate(referenceModelImage(16, 16, 3), r).tokens != a.tokens;
        }
        QVERIFY(differs);
    }

    void cancellationKeepsWhatWasProduced()
    {
        const auto model = GeoChatModel::load(geochat_.toStdString(), cpuOptions());
        std::atomic<bool> cancel{false};
        GenerationRequest r;
        r.question = "Describe.";
        r.maxNewTokens = 50;
        r.cancel = &cancel;
        int pieces = 0;
        r.onText = [&](const std::string &) {
            if (++pieces == 2)
                cancel = true;
        };
        const GenerationResult g = model->generate(referenceModelImage(16, 16, 4), r);
        if (g.stopReason == "eos")
            QSKIP("the tiny model ended its answer before the cancel");
        QVERIFY(g.cancelled);
        QCOMPARE(g.stopReason, std::string("cancelled"));
        QVERIFY(!g.tokens.empty() && g.tokens.size() < 50);
    }

    void contextLimits()
    {
        TinyModelSpec spec;
        spec.maxPositions = 100; // the prompt takes ~86 tokens with 36 for the image
        const QString folder = writeModel("short-context", TinyLayout::GeoChat, spec);
        const auto model = GeoChatModel::load(folder.toStdString(), cpuOptions());
        GenerationRequest r;
        r.question = "Describe.";
        r.maxNewTokens = 200;
        const GenerationResult g = model->generate(referenceModelImage(16, 16, 1), r);
        if (g.stopReason != "eos") {
            QCOMPARE(g.stopReason, std::string("context"));
            QVERIFY(g.truncated);
        }
        r.question = std::string(400, 'x') + " what?";
        try {
            model->generate(referenceModelImage(16, 16, 1), r);
            QFAIL("a prompt longer than the context must be refused");
        } catch (const InvalidArgument &e) {
            QVERIFY2(QString(e.what()).contains("context of 100"), e.what());
        }
    }

    void llavaHfLayoutsGiveTheSameAnswers()
    {
        const auto reference = GeoChatModel::load(geochat_.toStdString(), cpuOptions());
        GenerationRequest r;
        r.question = "Classify the image.";
        r.maxNewTokens = 5;
        const GenerationResult expected = reference->generate(referenceModelImage(24, 24, 6), r);
        for (TinyLayout layout : {TinyLayout::LlavaHf, TinyLayout::LlavaHfNested}) {
            TinyModelSpec spec;
            spec.geochat = false;
            const QString folder = writeModel(layout == TinyLayout::LlavaHf ? "hf" : "hf-nested", layout, spec);
            const auto model = GeoChatModel::load(folder.toStdString(), cpuOptions());
            QCOMPARE(model->config().layout, layout == TinyLayout::LlavaHf ? CheckpointLayout::LlavaHf
                                                                            : CheckpointLayout::LlavaHfNested);
            const GenerationResult g = model->generate(referenceModelImage(24, 24, 6), r);
            QCOMPARE(g.tokens, expected.tokens);
            for (std::size_t i = 0; i < g.logprobs.size(); ++i)
                QVERIFY(std::abs(g.logprobs[i] - expected.logprobs[i]) < 1e-5);
        }
    }

    void releaseShardsGiveTheSameAnswers()
    {
        const auto reference = GeoChatModel::load(geochat_.toStdString(), cpuOptions());
        GenerationRequest r;
        r.question = "Classify the image.";
        r.maxNewTokens = 5;
        const GenerationResult expected = reference->generate(referenceModelImage(24, 24, 6), r);

        // The same weights in torch.save shards with an index, as GeoChat's release stores them.
        const QString shards = writeModel("geochat-bin", TinyLayout::GeoChatBin);
        QVERIFY(QFile::exists(shards + "/pytorch_model-00001-of-00002.bin"));
        QVERIFY(QFile::exists(shards + "/pytorch_model-00002-of-00002.bin"));
        QVERIFY(QFile::exists(shards + "/pytorch_model.bin.index.json"));
        QVERIFY(!QFile::exists(shards + "/model.safetensors"));
        const auto model = GeoChatModel::load(shards.toStdString(), cpuOptions());
        QCOMPARE(model->config().layout, CheckpointLayout::GeoChat);
        const GenerationResult g = model->generate(referenceModelImage(24, 24, 6), r);
        QCOMPARE(g.tokens, expected.tokens);
        QCOMPARE(g.logprobs.size(), expected.logprobs.size());
        for (std::size_t i = 0; i < g.logprobs.size(); ++i)
            QVERIFY(std::abs(g.logprobs[i] - expected.logprobs[i]) < 1e-5);

        // In F16 like the release (the rotary buffers stay float32): it loads and generates,
        // though rounding may change the tokens.
        TinyModelSpec half;
        half.halfPrecision = true;
        const QString halfShards = writeModel("geochat-bin-f16", TinyLayout::GeoChatBin, half);
        const TensorMap stored = readCheckpointFolder(halfShards.toStdString());
        QCOMPARE(stored.at("lm_head.weight").dtype, DType::F16);
        QCOMPARE(stored.at("model.layers.1.self_attn.rotary_emb.inv_freq").dtype, DType::F32);
        const auto halfModel = GeoChatModel::load(halfShards.toStdString(), cpuOptions());
        const GenerationResult h = halfModel->generate(referenceModelImage(24, 24, 6), r);
        QVERIFY(!h.tokens.empty());
        QCOMPARE(h.logprobs.size(), h.tokens.size());
        for (float lp : h.logprobs)
            QVERIFY(lp <= 0.0f && std::isfinite(lp));
    }

    void brokenModelFolders()
    {
        expectLoadError(dir_.filePath("nowhere"), "is not a model folder");

        const QString noTokenizer = writeModel("no-tokenizer", TinyLayout::GeoChat);
        QFile::remove(noTokenizer + "/tokenizer.model");
        expectLoadError(noTokenizer, "tokenizer.model");

        const QString noWeights = writeModel("no-weights", TinyLayout::GeoChat);
        QFile::remove(noWeights + "/model.safetensors");
        expectLoadError(noWeights, "the folder holds no weights");

        // A tensor the configuration expects with a different shape: name and both shapes.
        TinyModelSpec wider;
        wider.intermediate = 64;
        const QString shape = writeModel("wrong-shape", TinyLayout::GeoChat, wider);
        QFile config(shape + "/config.json");
        QVERIFY(config.open(QIODevice::ReadWrite));
        QByteArray text = config.readAll().replace("\"intermediate_size\": 64", "\"intermediate_size\": 48");
        config.resize(0);
        config.write(text);
        config.close();
        expectLoadError(shape, "\"model.layers.0.mlp.gate_proj.weight\" has shape [64, 32], expected [48, 32]");

        const QString badProjector = writeModel("bad-projector", TinyLayout::GeoChat);
        QFile c2(badProjector + "/config.json");
        QVERIFY(c2.open(QIODevice::ReadWrite));
        text = c2.readAll().replace("mlp2x_gelu", "transformer9");
        c2.resize(0);
        c2.write(text);
        c2.close();
        expectLoadError(badProjector, "mm_projector_type \"transformer9\"");

        ModelLoadOptions f16 = cpuOptions();
        f16.dtype = WeightType::F16;
        expectLoadError(geochat_, "f16 weights need a CUDA device", f16);
        ModelLoadOptions odd = cpuOptions();
        odd.imageSize = 30;
        expectLoadError(geochat_, "multiple of the patch size", odd);
        // Asked for, the size the patches divide nearest to the one given (4 px patches here).
        odd.roundImageSizeToPatches = true;
        odd.visionOnly = true;
        QCOMPARE(GeoChatModel::load(geochat_.toStdString(), odd)->config().inputSize, 32);
        odd.imageSize = 1;
        QCOMPARE(GeoChatModel::load(geochat_.toStdString(), odd)->config().inputSize, 4);
        QCOMPARE(ModelConfig::nearestInputSize(128, 14), 126);
        QCOMPARE(ModelConfig::nearestInputSize(133, 14), 140);
    }
};

QTEST_APPLESS_MAIN(GeoChatModelTest)
#include "tst_geochat_model.moc"
