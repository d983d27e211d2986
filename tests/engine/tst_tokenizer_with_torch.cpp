// LibTorch first: its headers must not see Qt's keyword macros.
#include <torch/torch.h>

#include "common/Error.h"
#include "model/Tokenizer.h"

#include <QFile>
#include <QtTest>

using namespace geolens;

// Debian's LibTorch links the system protobuf and Debian's SentencePiece exports its own copy; a
// program that links both crashes before main(). This program links LibTorch and uses the
// tokenizer, which loads SentencePiece through its isolated library: reaching the checks at all
// is half the test.
class TokenizerWithTorchTest : public QObject {
    Q_OBJECT

private slots:
    void torchAndTokenizerShareOneProcess()
    {
        QCOMPARE(torch::ones({2, 2}).sum().item<float>(), 4.0f);

        // Loading the library happens before the model is read: a missing model proves the load.
        QVERIFY_THROWS_EXCEPTION(FileError, Tokenizer::load("/nonexistent-folder/llama-tokenizer.model"));

        const char *modelPath = GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model";
        if (!QFile::exists(modelPath))
            QSKIP("The LLaMA tokenizer model data/llama-tokenizer.model is missing; "
                  "scripts/fetch-llama-tokenizer.sh fetches it.");
        const auto tokenizer = Tokenizer::load(modelPath);
        const auto ids = tokenizer->encodePrompt("<image>\nHello");
        QCOMPARE(QList<int>(ids.begin(), ids.end()), QList<int>({1, Tokenizer::ImageToken, 29871, 13, 10994}));
        QCOMPARE(tokenizer->decode(ids), std::string("\nHello"));

        // Both stay usable side by side.
        const auto idsTensor = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()));
        QCOMPARE(idsTensor.sum().item<int64_t>(), int64_t(1 - 200 + 29871 + 13 + 10994));
    }
};

QTEST_GUILESS_MAIN(TokenizerWithTorchTest)
#include "tst_tokenizer_with_torch.moc"
