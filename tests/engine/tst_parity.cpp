#include "EngineTestData.h"
#include "TinyModel.h"
#include "model/CheckpointFolder.h"
#include "model/GeoChatModel.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace geolens;
using geolens::test::referenceModelImage;

namespace {

const QString TokenizerModel = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");

std::vector<int> ints(const QJsonArray &a)
{
    std::vector<int> v;
    for (const QJsonValue &x : a)
        v.push_back(x.toInt());
    return v;
}

// A golden case's question (with its history and length) and its image.
GenerationRequest goldenRequest(const QJsonObject &c)
{
    GenerationRequest request;
    request.question = c["question"].toString().toStdString();
    for (const QJsonValue &turn : c["history"].toArray())
        request.history.push_back({turn.toArray()[0].toString().toStdString(), turn.toArray()[1].toString().toStdString()});
    request.maxNewTokens = c["max_new_tokens"].toInt();
    return request;
}

RgbImage goldenImage(const QJsonObject &c)
{
    const QJsonObject img = c["image"].toObject();
    return referenceModelImage(img["width"].toInt(), img["height"].toInt(), img["seed"].toInt());
}

} // namespace

// Numerical parity with the reference (tests/data/tiny_geochat_golden.json, written by
// tools/reference_llava.py): identical prompt ids, log-probabilities of the reference's tokens
// within 1e-3 in float32, and identical greedy tokens while the reference's top-2 margin exceeds 0.05.
class ParityTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::unique_ptr<GeoChatModel> model_;
    std::string folder_;
    QJsonObject golden_;

private slots:
    void initTestCase()
    {
        if (!QFile::exists(TokenizerModel))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        QFile f(QStringLiteral(GEOLENS_SOURCE_DIR "/tests/data/tiny_geochat_golden.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        golden_ = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(golden_["cases"].toArray().size() >= 3);
        folder_ = dir_.filePath("tiny").toStdString();
        const std::string &folder = folder_;
        test::writeTinyModel(folder, test::TinyModelSpec{}, test::TinyLayout::GeoChat, TokenizerModel.toStdString());
        ModelLoadOptions options;
        options.device = ComputeDevice::Cpu;
        options.dtype = WeightType::F32;
        options.imageSize = golden_["input_size"].toInt();
        model_ = GeoChatModel::load(folder, options);
    }

    void countsItsParameters()
    {
        // Every tensor of the checkpoint but the unused post_layernorm is a parameter of the model.
        std::uint64_t expected = 0;
        for (const auto &[name, tensor] : readCheckpointFolder(folder_))
            if (name.find("post_layernorm") == std::string::npos)
                expected += static_cast<std::uint64_t>(tensor.numel());
        // The position table grows from the native 4 x 4 grid to the input's 6 x 6.
        const ModelConfig &c = model_->config();
        const int native = c.vision.imageSize / c.vision.patchSize;
        expected += static_cast<std::uint64_t>(c.gridSize() * c.gridSize() - native * native) * c.vision.hiddenSize;
        QCOMPARE(model_->parameterCount(), expected);
        QCOMPARE(model_->weightBytes(), expected * 4);
    }

    void matchesTheReference_data()
    {
        QTest::addColumn<int>("index");
        const QJsonArray cases = golden_["cases"].toArray();
        for (int i = 0; i < cases.size(); ++i)
            QTest::newRow(qPrintable(cases[i].toObject()["question"].toString().left(30))) << i;
    }

    void matchesTheReference()
    {
        QFETCH(int, index);
        const QJsonObject c = golden_["cases"].toArray()[index].toObject();
        const GenerationRequest request = goldenRequest(c);
        const RgbImage image = goldenImage(c);

        QCOMPARE(model_->promptTokens(request), ints(c["prompt_ids"].toArray()));

        // Teacher-forced: the log-probability of every reference token.
        const std::vector<int> tokens = ints(c["tokens"].toArray());
        const QJsonArray logprobs = c["logprobs"].toArray();
        const std::vector<float> scored = model_->scoreContinuation(image, request, tokens);
        QCOMPARE(scored.size(), tokens.size());
        double largest = 0.0;
        for (std::size_t k = 0; k < tokens.size(); ++k)
            largest = std::max(largest, std::abs(scored[k] - logprobs[int(k)].toDouble()));
        qInfo("%zu reference tokens, largest log-probability difference %.2g", tokens.size(), largest);
        for (std::size_t k = 0; k < tokens.size(); ++k)
            QVERIFY2(std::abs(scored[k] - logprobs[int(k)].toDouble()) < 1e-3,
                     qPrintable(QString("token %1: %2 vs reference %3").arg(k).arg(scored[k]).arg(logprobs[int(k)].toDouble())));

        // Greedy generation with the key/value cache: the same tokens while the choice is clear.
        const GenerationResult g = model_->generate(image, request);
        const QJsonArray margins = c["margins"].toArray();
        std::size_t compared = 0;
        for (std::size_t k = 0; k < tokens.size() && k < g.tokens.size(); ++k) {
            QCOMPARE(g.tokens[k], tokens[k]);
            QVERIFY(std::abs(g.logprobs[k] - logprobs[int(k)].toDouble()) < 1e-3);
            ++compared;
            if (margins[int(k)].toDouble() <= 0.05)
                break;
        }
        qInfo("%zu greedy tokens identical before the first margin under 0.05", compared);
        QVERIFY(compared >= 2);
    }

    void scoringAnswersMatchesTeacherForcing()
    {
        // The batched scorer (one prefill, all answers after the shared prefix) must give what
        // scoring each answer on its own gives.
        GenerationRequest request;
        request.question = "Classify the image in the following classes: airport, beach, dense residential area\n"
                           "Answer in one word or a short phrase.";
        const RgbImage image = referenceModelImage(30, 20, 4);
        const std::vector<std::string> classes{"airport", "beach", "dense residential area"};
        const std::vector<double> scores = model_->scoreAnswers(image, request, classes);
        QCOMPARE(scores.size(), classes.size());
        for (std::size_t i = 0; i < classes.size(); ++i) {
            std::vector<int> tokens = model_->tokenize(classes[i]);
            tokens.push_back(2);
            const std::vector<float> each = model_->scoreContinuation(image, request, tokens);
            double total = 0;
            for (float lp : each)
                total += lp;
            QVERIFY2(std::abs(total - scores[i]) < 1e-3, qPrintable(QString("%1: %2 vs %3").arg(classes[i].c_str()).arg(scores[i]).arg(total)));
            QVERIFY(scores[i] < 0);
        }
        QVERIFY(model_->scoreAnswers(image, request, {}).empty());
    }

    // Lower-precision weights against the reference's f32 numbers on the golden cases: the log-prob
    // of every golden token (teacher-forced) drifts by little, and greedy decoding keeps the golden
    // answer wherever the reference's top-2 margin is clear of the drift.
    void lowerPrecisionStaysClose_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<int>("quantize");
        QTest::addColumn<double>("bound");
        QTest::newRow("int8 weights") << int(WeightType::F32) << int(WeightQuantization::Int8) << 0.15;
        QTest::newRow("bf16 weights") << int(WeightType::BF16) << int(WeightQuantization::None) << 0.15;
        QTest::newRow("int8 projections, bf16 rest") << int(WeightType::BF16) << int(WeightQuantization::Int8) << 0.15;
    }

    void lowerPrecisionStaysClose()
    {
        QFETCH(int, dtype);
        QFETCH(int, quantize);
        QFETCH(double, bound);
        ModelLoadOptions options;
        options.device = ComputeDevice::Cpu;
        options.dtype = static_cast<WeightType>(dtype);
        options.quantize = static_cast<WeightQuantization>(quantize);
        options.imageSize = golden_["input_size"].toInt();
        const auto model = GeoChatModel::load(folder_, options);
        if (options.quantize == WeightQuantization::Int8 && options.dtype == WeightType::F32) {
            // One byte instead of four for each parameter of the seven projections, and a float
            // scale for each of their output rows: no second copy of the int8 weights.
            const TextModelConfig &t = model->config().text;
            const std::uint64_t kvWidth = static_cast<std::uint64_t>(t.kvHeads) * (t.hiddenSize / t.heads);
            const std::uint64_t h = static_cast<std::uint64_t>(t.hiddenSize);
            const std::uint64_t i = static_cast<std::uint64_t>(t.intermediateSize);
            const std::uint64_t layers = static_cast<std::uint64_t>(t.layers);
            const std::uint64_t projections = layers * (2 * h * h + 2 * kvWidth * h + 3 * h * i);
            const std::uint64_t rows = layers * (2 * h + 2 * kvWidth + 3 * i);
            QCOMPARE(model_->weightBytes() - model->weightBytes(), 3 * projections - 4 * rows);
        }
        double largest = 0.0, sum = 0.0;
        int count = 0, agreeing = 0, clear = 0;
        for (const QJsonValue &value : golden_["cases"].toArray()) {
            const QJsonObject c = value.toObject();
            const GenerationRequest request = goldenRequest(c);
            const RgbImage image = goldenImage(c);
            const std::vector<int> tokens = ints(c["tokens"].toArray());
            const QJsonArray logprobs = c["logprobs"].toArray(), margins = c["margins"].toArray();
            const std::vector<float> scored = model->scoreContinuation(image, request, tokens);
            for (std::size_t k = 0; k < tokens.size(); ++k) {
                const double drift = std::abs(scored[k] - logprobs[int(k)].toDouble());
                largest = std::max(largest, drift);
                sum += drift;
                ++count;
            }
            const GenerationResult greedy = model->generate(image, request);
            for (std::size_t k = 0; k < tokens.size() && margins[int(k)].toDouble() > 2.0 * bound; ++k) {
                ++clear;
                if (k >= greedy.tokens.size() || greedy.tokens[k] != tokens[k])
                    break;
                ++agreeing;
            }
        }
        qInfo("log-prob drift against the reference: mean %.4f, largest %.4f over %d tokens; greedy tokens "
              "kept %d of %d with a clear margin",
              sum / count, largest, count, agreeing, clear);
        QVERIFY2(largest < bound, qPrintable(QString::number(largest)));
        QCOMPARE(agreeing, clear);
        QVERIFY(clear >= 3);
    }

    void paddedBatchMatchesTheReference()
    {
        // All cases in one forward pass: different prompt lengths, left-padded and masked.
        checkBatchOfCases(1);
    }

    void batchLargerThanACpuChunkMatchesTheReference()
    {
        // Past 8 rows the CPU runs a batch in chunks: every row still gets its own answer.
        checkBatchOfCases(5);
    }

private:
    // The golden cases, each `copies` times over, in one generateBatch call.
    void checkBatchOfCases(int copies)
    {
        std::vector<RgbImage> images;
        std::vector<GenerationRequest> requests;
        const QJsonArray cases = golden_["cases"].toArray();
        for (int copy = 0; copy < copies; ++copy)
            for (const QJsonValue &value : cases) {
                const QJsonObject c = value.toObject();
                requests.push_back(goldenRequest(c));
                images.push_back(goldenImage(c));
            }
        QVERIFY(copies == 1 || images.size() > 8);
        const std::vector<GenerationResult> results = model_->generateBatch(images, requests);
        QCOMPARE(results.size(), images.size());
        for (std::size_t row = 0; row < results.size(); ++row) {
            const QJsonObject c = cases[int(row % cases.size())].toObject();
            const GenerationResult &result = results[row];
            const std::vector<int> tokens = ints(c["tokens"].toArray());
            const QJsonArray logprobs = c["logprobs"].toArray(), margins = c["margins"].toArray();
            QVERIFY(result.promptTokens == ints(c["prompt_ids"].toArray()));
            std::size_t compared = 0;
            for (std::size_t k = 0; k < tokens.size() && k < result.tokens.size(); ++k) {
                QCOMPARE(result.tokens[k], tokens[k]);
                QVERIFY2(std::abs(result.logprobs[k] - logprobs[int(k)].toDouble()) < 1e-3,
                         qPrintable(QString("row %1 token %2").arg(row).arg(k)));
                ++compared;
                if (margins[int(k)].toDouble() <= 0.05)
                    break;
            }
            QVERIFY(compared >= 2);
        }
    }
};

QTEST_APPLESS_MAIN(ParityTest)
#include "tst_parity.moc"
