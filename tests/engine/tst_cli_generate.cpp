#include "CliRunner.h"
#include "TinyModel.h"
#include "model/ImagePreprocessor.h"
#include "model/PortablePixmap.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace geolens;

namespace {

const QString TokenizerModel = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");

using Run = geolens::test::CliRun;

Run cli(const QStringList &args)
{
    return geolens::test::runCli(args);
}

RgbImage pattern(int width, int height)
{
    RgbImage image{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height * 3)};
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
        image.pixels[i] = static_cast<std::uint8_t>((i * 7 + i / 301) % 256);
    return image;
}

} // namespace

// geolens-cli generate and bench as a user runs them: the JSON contract, streaming, and bad input.
class CliGenerateTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString model_;
    QString image_;

    QStringList generate(const QString &image, const QStringList &extra = {}) const
    {
        return QStringList{"generate", "--model", model_, "--image", image, "--prompt", "What is in this image?",
                           "--image-size", "24", "--device", "cpu", "--max-new-tokens", "6"} + extra;
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(TokenizerModel))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        model_ = dir_.filePath("tiny");
        test::writeTinyModel(model_.toStdString(), test::TinyModelSpec{}, test::TinyLayout::GeoChat,
                             TokenizerModel.toStdString());
        image_ = dir_.filePath("tile.ppm");
        writePortablePixmap(image_.toStdString(), pattern(50, 40));
    }

    void jsonFollowsTheContract()
    {
        const Run r = cli(generate(image_, {"--json"}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        for (const char *key : {"prompt_tokens", "tokens", "logprobs", "text", "num_image_tokens", "device", "dtype", "seconds"})
            QVERIFY2(o.contains(key), key);
        const QJsonArray prompt = o["prompt_tokens"].toArray();
        QCOMPARE(prompt.first().toInt(), 1);
        int imageSlots = 0;
        for (const QJsonValue &v : prompt)
            imageSlots += v.toInt() == -200;
        QCOMPARE(imageSlots, 1);
        QCOMPARE(o["num_image_tokens"].toInt(), 36);
        QCOMPARE(o["tokens"].toArray().size(), o["logprobs"].toArray().size());
        QVERIFY(o["tokens"].toArray().size() >= 1 && o["tokens"].toArray().size() <= 6);
        QCOMPARE(o["device"].toString(), QString("cpu"));
        QCOMPARE(o["dtype"].toString(), QString("f32"));
        QVERIFY(o["seconds"].toDouble() > 0);

        // Without --json the same answer streams to stdout.
        const Run streamed = cli(generate(image_));
        QCOMPARE(streamed.exitCode, 0);
        QCOMPARE(QString::fromUtf8(streamed.out).trimmed(), o["text"].toString().trimmed());
    }

    void extremeImageSizes()
    {
        const QString tiny = dir_.filePath("one.ppm");
        writePortablePixmap(tiny.toStdString(), pattern(1, 1));
        QCOMPARE(cli(generate(tiny, {"--json"})).exitCode, 0);
        // 20000 px wide: padded to a square and shrunk like the reference does.
        const QString wide = dir_.filePath("wide.ppm");
        writePortablePixmap(wide.toStdString(), pattern(20000, 12));
        const Run r = cli(generate(wide, {"--json"}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["num_image_tokens"].toInt(), 36);
    }

    void badInputs()
    {
        const QString text = dir_.filePath("notes.png");
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not an image at all");
        f.close();
        Run r = cli(generate(text));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("notes.png"), qPrintable(r.err));

        const QString cut = dir_.filePath("cut.ppm");
        QFile c(cut);
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write("P6\n100 100\n255\n");
        c.write(QByteArray(500, 'x'));
        c.close();
        r = cli(generate(cut));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("truncated"), qPrintable(r.err));

        r = cli({"generate", "--model", dir_.filePath("missing"), "--image", image_, "--prompt", "x", "--device", "cpu"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("missing"));

        QCOMPARE(cli({"generate", "--model", model_, "--image", image_}).exitCode, 2);
        QCOMPARE(cli(generate(image_, {"--dtype", "f8"})).exitCode, 2);
        QCOMPARE(cli(generate(image_, {"--top-p", "0"})).exitCode, 2);
        r = cli(generate(image_, {"--dtype", "f16"}));
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("CUDA"));

        // Inputs that lie: a non-finite option, a PNG header claiming 100000 x 100000 pixels, a pipe
        // named like an image, and a model whose configuration makes NaN.
        r = cli(generate(image_, {"--temperature", "nan"}));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("finite"), qPrintable(r.err));
        const QString huge = dir_.filePath("huge.png");
        QFile h(huge);
        QVERIFY(h.open(QIODevice::WriteOnly));
        h.write(QByteArray("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x02\x00\x00\x00", 33));
        h.close();
        r = cli(generate(huge));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("100000 x 100000"), qPrintable(r.err));
        const QString pipe = dir_.filePath("pipe.png");
        QCOMPARE(::mkfifo(pipe.toLocal8Bit().constData(), 0644), 0);
        r = cli(generate(pipe));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("not a regular file"), qPrintable(r.err));
        const QString nanModel = dir_.filePath("nan-model");
        test::writeTinyModel(nanModel.toStdString(), test::TinyModelSpec{}, test::TinyLayout::GeoChat,
                             TokenizerModel.toStdString());
        QFile config(nanModel + "/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QJsonObject json = QJsonDocument::fromJson(config.readAll()).object();
        config.close();
        json["rms_norm_eps"] = 0.0;
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(QJsonDocument(json).toJson());
        config.close();
        r = cli({"generate", "--model", nanModel, "--image", image_, "--prompt", "x", "--device", "cpu"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("rms_norm_eps must be a positive number"), qPrintable(r.err));
    }

    void benchReportsSpeeds()
    {
        const Run r = cli({"bench", "--random", "tiny", "--device", "cpu", "--repeats", "1", "--decode-tokens", "4", "--batch", "2"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        for (const char *key : {"vision_ms_per_tile", "prefill_ms", "decode_tokens_per_s", "scene_tiles_per_s_batch1",
                                "scene_tiles_per_s_batched", "peak_memory_mib"})
            QVERIFY2(o[key].toDouble() > 0, key);
        QCOMPARE(o["prefill_tokens"].toInt(), 60 + 36);
        QCOMPARE(o["batch"].toInt(), 2);
        // Decode is timed, not differenced from two noisy timings: even one repeat gives a speed a
        // CPU can reach (a difference once gave 1.6e10 tokens a second), and the limit beside it.
        for (const char *key : {"decode_tokens_per_s_batched", "read_bandwidth_gb_s", "decode_bytes_per_token",
                                "decode_limit_tokens_per_s", "decode_share_of_limit", "matmul_gflops",
                                "prefill_limit_ms", "prefill_share_of_limit", "vision_limit_ms", "vision_share_of_limit"})
            QVERIFY2(o[key].toDouble() > 0, key);
        // With vector kernels, the arithmetic limit includes the cores' multiply-add peak, which
        // the engine's own products can exceed the library's large product by.
        if (o["cpu_kernels"].toString() != QLatin1String("none"))
            QVERIFY(o["peak_gflops"].toDouble() > 0);
        // On the CPU the shares are also given against the bandwidth measured beside the decoding.
        for (const char *key : {"decode_read_bandwidth_beside_gb_s", "decode_share_of_limit_beside",
                                "decode_read_bandwidth_beside_gb_s_batched", "decode_share_of_limit_beside_batched"})
            QVERIFY2(o[key].toDouble() > 0, key);
        QVERIFY(o["decode_read_bandwidth_beside_gb_s"].toDouble() <= o["read_bandwidth_gb_s"].toDouble());
        // And, with vector kernels, against the probe read between the decoding steps.
        if (o["cpu_kernels"].toString() != QLatin1String("none")) {
            for (const char *key : {"decode_read_bandwidth_paired_gb_s", "decode_share_of_limit_paired",
                                    "decode_read_bandwidth_paired_gb_s_batched", "decode_share_of_limit_paired_batched"})
                QVERIFY2(o[key].toDouble() > 0, key);
            // The share is the decoding speed against the limit at that bandwidth, on the same bytes.
            const double limit = o["decode_read_bandwidth_paired_gb_s"].toDouble() * 1e9 / o["decode_bytes_per_token"].toDouble();
            QVERIFY(qAbs(o["decode_share_of_limit_paired"].toDouble() * limit / o["decode_tokens_per_s"].toDouble() - 1.0) < 1e-9);
        }
        // The samples' 256 MiB buffer and the probe's 64 MiB are left out of the resident peak (the
        // tiny model's process holds about 190 MiB; with the buffer counted it reported 437).
        QVERIFY2(o["peak_memory_mib"].toDouble() < 240.0, qPrintable(QString::number(o["peak_memory_mib"].toDouble())));
        QVERIFY2(o["decode_tokens_per_s"].toDouble() < 1e6, qPrintable(QString::number(o["decode_tokens_per_s"].toDouble())));
        QVERIFY(o["read_bandwidth_gb_s"].toDouble() < 10000);
        // Each step also reads its row's cache: 2 layers x keys and values x 2 heads x 8 values x 4
        // bytes for each of, on average over the 4 steps, 96 + 1.5 positions.
        QCOMPARE(o["decode_cache_bytes_per_token"].toDouble(), 2.0 * 2 * 2 * 8 * 4 * 97.5);
        QVERIFY(o["decode_bytes_per_token"].toDouble() > o["decode_cache_bytes_per_token"].toDouble());
        // The CPU launches its decoding steps one by one; a graph's extra figures appear only with one.
        QCOMPARE(o["decode_steps"].toString(), QString("operations"));
        QVERIFY(!o.contains("decode_tokens_per_s_operations") && !o.contains("decode_graph_capture_ms"));
        QCOMPARE(cli({"bench", "--random", "geochat-99b", "--device", "cpu"}).exitCode, 1);
        QCOMPARE(cli({"bench"}).exitCode, 2);
    }

    void benchNamesHowDecodingStepsRan()
    {
        struct Restore {
            ~Restore() { qunsetenv("GEOLENS_DECODE_STEPS"); }
        } restore;
        const QStringList args{"bench", "--random", "tiny", "--device", "cpu", "--repeats", "1", "--decode-tokens", "4", "--batch", "2"};
        qputenv("GEOLENS_DECODE_STEPS", "fixed");
        Run r = cli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["decode_steps"].toString(), QString("fixed"));
        qputenv("GEOLENS_DECODE_STEPS", "sometimes");
        r = cli(args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("GEOLENS_DECODE_STEPS is \"sometimes\""), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(CliGenerateTest)
#include "tst_cli_generate.moc"
