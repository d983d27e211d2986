#include "EngineTestData.h"
#include "common/Error.h"
#include "model/ImagePreprocessor.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace geolens;
using geolens::test::preprocessGoldenImage;

namespace {

QJsonObject golden()
{
    QFile f(QStringLiteral(GEOLENS_SOURCE_DIR "/tests/data/pil_resize_golden.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

// Checks the image path against PIL 9's output (tools/make_preprocess_goldens.py): every pixel of
// the bicubic resize must be identical, since the vision tower's input, and so every later number,
// depends on it.
class ImagePreprocessorTest : public QObject {
    Q_OBJECT

private slots:
    void resizeMatchesPilExactly()
    {
        const QJsonArray cases = golden()["cases"].toArray();
        QVERIFY(cases.size() >= 5);
        for (const QJsonValue &value : cases) {
            const QJsonObject c = value.toObject();
            RgbImage image = preprocessGoldenImage(c["width"].toInt(), c["height"].toInt());
            if (c["expand_to_square"].toBool())
                image = ImagePreprocessor::expandToSquare(image);
            const RgbImage out = ImagePreprocessor::resizeBicubic(image, c["out_width"].toInt(), c["out_height"].toInt());
            const QJsonArray expected = c["pixels"].toArray();
            QCOMPARE(out.pixels.size(), std::size_t(expected.size()));
            int mismatches = 0;
            for (int i = 0; i < expected.size(); ++i)
                mismatches += out.pixels[i] != expected[i].toInt();
            QVERIFY2(mismatches == 0, qPrintable(QString("%1x%2 -> %3x%4: %5 of %6 values differ")
                                                     .arg(c["width"].toInt()).arg(c["height"].toInt())
                                                     .arg(c["out_width"].toInt()).arg(c["out_height"].toInt())
                                                     .arg(mismatches).arg(expected.size())));
        }
    }

    void normalisationMatchesReference()
    {
        const QJsonObject n = golden()["normalised"].toObject();
        const ImagePreprocessor preprocess(n["size"].toInt());
        const std::vector<float> out = preprocess(preprocessGoldenImage(n["width"].toInt(), n["height"].toInt()));
        const QJsonArray expected = n["values"].toArray();
        QCOMPARE(out.size(), std::size_t(expected.size()));
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(out[i], float(expected[i].toDouble())); // float32 to the last bit
    }

    void expandToSquareCentresOnMeanColour()
    {
        const RgbImage wide = ImagePreprocessor::expandToSquare(preprocessGoldenImage(4, 1));
        QCOMPARE(wide.width, 4);
        QCOMPARE(wide.height, 4);
        // Row (4 - 1) / 2 = 1 holds the image; the others are the pad colour.
        QCOMPARE(int(wide.pixels[0]), 122);
        QCOMPARE(int(wide.pixels[1]), 116);
        QCOMPARE(int(wide.pixels[2]), 104);
        QCOMPARE(int(wide.pixels[4 * 3 + 0]), 0); // (0, 0) of the image: (0 + 0 + 0) % 256
        const RgbImage tall = ImagePreprocessor::expandToSquare(preprocessGoldenImage(1, 3));
        QCOMPARE(int(tall.pixels[(0 * 3 + 1) * 3 + 1]), 101); // column 1, row 0, green
    }

    void resizeAndCropFollowsShortestEdge()
    {
        const RgbImage out = ImagePreprocessor::resizeAndCrop(preprocessGoldenImage(40, 20), 10);
        QCOMPARE(out.width, 10);
        QCOMPARE(out.height, 10);
        // Same as resizing to 20 x 10 and cutting columns 5..14.
        const RgbImage full = ImagePreprocessor::resizeBicubic(preprocessGoldenImage(40, 20), 20, 10);
        for (int y = 0; y < 10; ++y)
            for (int x = 0; x < 10; ++x)
                QCOMPARE(out.pixels[(y * 10 + x) * 3], full.pixels[(y * 20 + x + 5) * 3]);
    }

    void modelInputShape()
    {
        const ImagePreprocessor preprocess(504);
        const std::vector<float> out = preprocess(preprocessGoldenImage(300, 200));
        QCOMPARE(out.size(), std::size_t(3 * 504 * 504));
        // The pad colour normalises to (int(255 m) / 255 - m) / s: slightly below zero.
        const float padRed = out[0];
        QVERIFY(padRed < 0.0f && padRed > -0.02f);
    }

    void refusesEmptyImages()
    {
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, ImagePreprocessor::expandToSquare(RgbImage{}));
        RgbImage broken{3, 3, std::vector<std::uint8_t>(5)};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, ImagePreprocessor()(broken));
    }
};

QTEST_APPLESS_MAIN(ImagePreprocessorTest)
#include "tst_image_preprocessor.moc"
