#include "TinyModel.h"
#include "model/GeoChatModel.h"
#include "model/LlavaNetwork.h"
#include "model/ParameterCount.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <initializer_list>

using namespace geolens;

namespace {

const QString TokenizerModel = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");

std::uint64_t elementsOf(const torch::Tensor &t)
{
    return t.defined() ? static_cast<std::uint64_t>(t.numel()) : 0;
}

std::uint64_t elementsOf(std::initializer_list<const torch::Tensor *> tensors)
{
    std::uint64_t n = 0;
    for (const torch::Tensor *t : tensors)
        n += elementsOf(*t);
    return n;
}

std::uint64_t elementsOf(const geolens::detail::ClipEncoderLayer &l)
{
    return elementsOf({&l.norm1Weight, &l.norm1Bias, &l.qWeight, &l.qBias, &l.kWeight, &l.kBias, &l.vWeight, &l.vBias,
                       &l.outWeight, &l.outBias, &l.norm2Weight, &l.norm2Bias, &l.fc1Weight, &l.fc1Bias, &l.fc2Weight,
                       &l.fc2Bias});
}

// Every tensor the built network holds, counted element by element, plus the CLIP encoder layers
// past the hidden state the projector reads: the network never builds those (they would not
// change an answer), but they are parameters of the model as published, and as large as the
// layers before them. That sum is the truth countParameters has to match.
std::uint64_t modelParameters(const GeoChatModel &model)
{
    const geolens::detail::LlavaNetwork &m = model.network();
    const geolens::detail::ClipVisionTower &tower = m.tower;
    std::uint64_t n = elementsOf({&tower.classEmbedding, &tower.patchWeight, &tower.positionEmbedding,
                                  &tower.preNormWeight, &tower.preNormBias});
    for (const geolens::detail::ClipEncoderLayer &l : tower.layers)
        n += elementsOf(l);
    const std::size_t skipped = static_cast<std::size_t>(model.config().vision.layers) - tower.layers.size();
    if (skipped > 0) {
        if (tower.layers.empty())
            qFatal("the tower holds no layer to measure the skipped ones by");
        n += skipped * elementsOf(tower.layers.front());
    }
    for (const torch::Tensor &t : m.projector.weights)
        n += elementsOf(t);
    for (const torch::Tensor &t : m.projector.biases)
        n += elementsOf(t);
    const geolens::detail::LlamaDecoder &d = m.decoder;
    n += elementsOf({&d.embedTokens, &d.finalNorm}) + static_cast<std::uint64_t>(d.outputLayerParameters());
    // A model that is not trained holds its projections packed on a CPU with the kernels.
    for (const geolens::detail::LlamaLayer &l : d.layers)
        n += elementsOf({&l.inputNorm, &l.postNorm}) + static_cast<std::uint64_t>(l.projectionParameters());
    return n;
}

ModelLoadOptions cpuOptions(std::optional<int> imageSize)
{
    ModelLoadOptions o;
    o.device = ComputeDevice::Cpu;
    o.dtype = WeightType::F32;
    o.imageSize = imageSize;
    o.threads = 2;
    return o;
}

} // namespace

// countParameters is the one count of a model's parameters from its configuration: the engine's
// memory check and the distillation wizard's estimates use it, so it is compared here with the
// tensors of built networks.
class ParameterCountTest : public QObject {
    Q_OBJECT

private slots:
    void matchesTheTensorsOfABuiltNetwork_data()
    {
        QTest::addColumn<int>("imageSize");
        QTest::newRow("native 16 px") << 16;
        QTest::newRow("resampled to 24 px") << 24;
        QTest::newRow("resampled to 40 px") << 40;
    }

    void matchesTheTensorsOfABuiltNetwork()
    {
        QFETCH(int, imageSize);
        const auto model = GeoChatModel::createRandom("tiny", cpuOptions(imageSize), {});
        // The projector reads the second-to-last hidden state: the last CLIP layer is not built.
        QCOMPARE(model->network().tower.layers.size(), std::size_t(model->config().vision.layers - 1));
        const std::uint64_t parameters = modelParameters(*model);
        QVERIFY(parameters > 0);
        QCOMPARE(countParameters(model->config()), parameters);
        QCOMPARE(model->parameterCount(), parameters);
    }

    void matchesTheTensorsOfALoadedCheckpoint_data()
    {
        QTest::addColumn<int>("layout");
        QTest::addColumn<bool>("geochat");
        QTest::newRow("GeoChat at 504 px") << int(test::TinyLayout::GeoChat) << true;
        QTest::newRow("llava-hf at the native size") << int(test::TinyLayout::LlavaHf) << false;
    }

    void matchesTheTensorsOfALoadedCheckpoint()
    {
        QFETCH(int, layout);
        QFETCH(bool, geochat);
        if (!QFile::exists(TokenizerModel))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        test::TinyModelSpec spec;
        spec.geochat = geochat;
        spec.maxPositions = 16384; // room for the 15876 image tokens of 504 px in 4 px patches
        const std::string folder = dir.filePath(QStringLiteral("model")).toStdString();
        test::writeTinyModel(folder, spec, static_cast<test::TinyLayout>(layout), TokenizerModel.toStdString());
        // No size given: the model's own (GeoChat's 504 px, a 126 x 126 grid of the tiny 4 px
        // patches), so the position table is resampled far beyond the checkpoint's 4 x 4.
        const auto model = GeoChatModel::load(folder, cpuOptions(std::nullopt));
        QCOMPARE(countParameters(model->config()), modelParameters(*model));
    }

    void statesGeoChat7BAt504Pixels()
    {
        // LLaMA-7B (6 738 415 616 with its output head), the CLIP ViT-L/14 tower without its unused
        // post_layernorm and with the position table resampled to 36 x 36 + 1 rows, and the
        // two-layer projector. An earlier estimate that counted the tower's native 24 x 24 table
        // and its post_layernorm came to 7 062 902 784, 735 232 too few.
        const ModelConfig c = GeoChatModel::presetConfig("geochat-7b");
        QCOMPARE(c.inputSize, 504);
        QCOMPARE(countParameters(c), std::uint64_t(7063638016));
    }

    void countsLoraAdapters()
    {
        // Tiny: hidden 32, intermediate 48, 4 heads of 8 with 2 key/value heads (k and v are
        // 16 wide), 2 layers.
        const ModelConfig c = GeoChatModel::presetConfig("tiny");
        QCOMPARE(countLoraParameters(c, 4, {"q", "v"}), std::uint64_t(4 * ((32 + 32) + (32 + 16)) * 2));
        QCOMPARE(countLoraParameters(c, 8, {"gate", "up", "down"}), std::uint64_t(8 * 3 * (32 + 48) * 2));
        QCOMPARE(countLoraParameters(c, 8, {}), std::uint64_t(0));
        QCOMPARE(countLoraParameters(c, 0, {"q"}), std::uint64_t(0));
    }
};

QTEST_GUILESS_MAIN(ParameterCountTest)
#include "tst_parameter_count.moc"
