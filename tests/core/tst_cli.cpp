#include "CliRunner.h"
#include "TestRasters.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using geolens::test::RasterSpec;
using geolens::test::writeRaster;

namespace {

using Run = geolens::test::CliRun;

Run cli(const QStringList &args)
{
    return geolens::test::runCli(args);
}

} // namespace

class CliTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString path(const char *name) const { return dir_.filePath(name); }

    // A refused file: non-zero exit, the file named, no crash.
    void expectRefused(const QString &file, const QString &problem)
    {
        const Run r = cli({"info", file});
        QVERIFY2(r.exitCode == 1, qPrintable(QString("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.contains(file), qPrintable(r.err));
        QVERIFY2(r.err.contains(problem, Qt::CaseInsensitive), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

private slots:
    void infoPrintsTheDocumentedFields()
    {
        RasterSpec spec;
        spec.width = 321;
        spec.height = 123;
        spec.bands = 2;
        spec.dataType = "Int16";
        spec.nodata = -32768;
        spec.geoTransform = std::array<double, 6>{300000, 30, 0, 4000000, 0, -30};
        spec.overviewLevels = std::array<int, 2>{2, 4};
        const QString file = QString::fromStdString(writeRaster(path("info.tif").toStdString(), spec));
        const Run r = cli({"info", file});
        QCOMPARE(r.exitCode, 0);
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(r.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(o["width"].toInt(), 321);
        QCOMPARE(o["height"].toInt(), 123);
        QCOMPARE(o["bands"].toInt(), 2);
        QCOMPARE(o["data_type"].toString(), QString("Int16"));
        QCOMPARE(o["nodata"].toArray().size(), 2);
        QCOMPARE(o["nodata"].toArray()[1].toDouble(), -32768.0);
        QVERIFY(o["crs_wkt"].toString().contains("UTM zone 32N"));
        QCOMPARE(o["epsg"].toInt(), 32632);
        const QJsonArray gt = o["geotransform"].toArray();
        QCOMPARE(gt.size(), 6);
        QCOMPARE(gt[0].toDouble(), 300000.0);
        QCOMPARE(gt[5].toDouble(), -30.0);
        QCOMPARE(o["pixel_size"].toArray()[0].toDouble(), 30.0);
        QCOMPARE(o["overviews"].toArray().size(), 2);
        QCOMPARE(o["overviews"].toArray()[0].toObject()["width"].toInt(), 161);
    }

    void infoWithoutGeoreferencing()
    {
        RasterSpec spec;
        spec.epsg.reset();
        spec.geoTransform.reset();
        spec.nodata.reset();
        const QString file = QString::fromStdString(writeRaster(path("plain.tif").toStdString(), spec));
        const Run r = cli({"info", file});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY(o["epsg"].isNull());
        QVERIFY(o["crs_wkt"].isNull());
        QVERIFY(o["nodata"].toArray()[0].isNull());
        QCOMPARE(o["georeferenced"].toBool(), false);
    }

    void infoOfNanNodata()
    {
        RasterSpec spec;
        spec.dataType = "Float32";
        spec.nodata = std::nan("");
        const QString file = QString::fromStdString(writeRaster(path("nan.tif").toStdString(), spec));
        const Run r = cli({"info", file});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["nodata"].toArray()[0].toString(), QString("nan"));
    }

    void badInputsExitNonZero()
    {
        QFile text(path("text.tif"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("plain text, not a GeoTIFF\n");
        text.close();
        expectRefused(path("text.tif"), "not a raster format");

        RasterSpec spec;
        spec.width = 300;
        spec.height = 300;
        spec.value = [](int, int x, int y) { return (x * 3 + y * 5) % 256; };
        const QString whole = QString::fromStdString(writeRaster(path("cut.tif").toStdString(), spec));
        QFile cut(whole);
        QVERIFY(cut.open(QIODevice::ReadWrite));
        QVERIFY(cut.resize(cut.size() / 2));
        cut.close();
        expectRefused(whole, "truncated");

        expectRefused(QString::fromStdString(geolens::test::writeNetcdfContainer(path("zero.nc").toStdString())),
                      "no raster bands");

        expectRefused(path("missing.tif"), "does not exist");
    }

    void awkwardRastersOpen()
    {
        RasterSpec one;
        one.width = 1;
        one.height = 1;
        const QString onePixel = QString::fromStdString(writeRaster(path("1x1.tif").toStdString(), one));
        QCOMPARE(cli({"info", onePixel}).exitCode, 0);

        RasterSpec cube;
        cube.width = 4;
        cube.height = 4;
        cube.bands = 200;
        const QString cubeFile = QString::fromStdString(writeRaster(path("cube.tif").toStdString(), cube));
        const Run r = cli({"info", cubeFile});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["bands"].toInt(), 200);

        // And the 200-band cube tiles (bands 1-2-3), as does the 1x1 raster (one padded tile).
        QCOMPARE(cli({"tiles", cubeFile, "--out", path("cube-tiles")}).exitCode, 0);
        QCOMPARE(cli({"tiles", onePixel, "--out", path("one-tiles"), "--size", "16"}).exitCode, 0);
        QVERIFY(QFile::exists(path("one-tiles/tile_r0_c0.png")));
    }

    void tilesWritesPngsAndGeojson()
    {
        RasterSpec spec;
        spec.width = 1000;
        spec.height = 600;
        spec.bands = 3;
        const QString file = QString::fromStdString(writeRaster(path("tiles.tif").toStdString(), spec));
        const Run r = cli({"tiles", file, "--size", "504", "--overlap", "0.1", "--out", path("t")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // Stride 454: columns at 0, 454, 908; rows at 0, 454.
        QCOMPARE(QDir(path("t")).entryList({"*.png"}).size(), 6);
        QFile index(path("t/tiles.geojson"));
        QVERIFY(index.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(index.readAll()).object();
        const QJsonArray features = o["features"].toArray();
        QCOMPARE(features.size(), 6);
        for (const char *key : {"id", "col", "row", "x_off", "y_off", "valid_width", "valid_height"})
            QVERIFY2(features[0].toObject()["properties"].toObject().contains(key), key);
        QCOMPARE(features[2].toObject()["properties"].toObject()["valid_width"].toInt(), 92);
    }

    // A 6-band Byte Landsat 7 scene with values in 40..90 tiles in true colour, stretched, as
    // the GUI shows it; --bands and --stretch set what the Display panel sets.
    void tilesUseTrueColourAndTheStretch()
    {
        RasterSpec spec;
        spec.width = 64;
        spec.height = 64;
        spec.bands = 6;
        spec.value = [](int b, int x, int y) {
            return b == 1 ? 40 + x % 51 : b == 3 ? 90 - x % 51 : b == 2 ? 40 + y % 51 : 60;
        };
        const QString file = QString::fromStdString(
            writeRaster(path("LE07_L2SP_123032_20000101_20200101_02_T1.tif").toStdString(), spec));
        const QJsonObject info = QJsonDocument::fromJson(cli({"info", file}).out).object();
        QCOMPARE(info["true_colour_bands"].toArray(), (QJsonArray{3, 2, 1}));
        QCOMPARE(info["true_colour_from"].toString(), QString("sensor"));

        auto firstTile = [&](const QStringList &extra, const QString &out) {
            const QString folder = dir_.filePath(out);
            const Run r = cli(QStringList{"tiles", file, "--size", "64", "--out", folder} + extra);
            if (r.exitCode != 0)
                qWarning("%s", qPrintable(r.err));
            return QImage(folder + "/tile_r0_c0.png");
        };
        QImage tile = firstTile({}, "default");
        QVERIFY(!tile.isNull());
        QVERIFY(qRed(tile.pixel(0, 0)) > 240);  // band 3 at 90: the top of its cut
        QVERIFY(qBlue(tile.pixel(0, 0)) < 15);  // band 1 at 40: the bottom
        tile = firstTile({"--stretch", "none"}, "none");
        QCOMPARE(qRed(tile.pixel(0, 0)), 90);
        QCOMPARE(qBlue(tile.pixel(0, 0)), 40);
        tile = firstTile({"--bands", "1", "--stretch", "40:90"}, "custom");
        QCOMPARE(qRed(tile.pixel(0, 0)), 0);
        QCOMPARE(qGreen(tile.pixel(25, 0)), 128); // 65 is half way
        tile = firstTile({"--stretch", "minmax"}, "minmax");
        QCOMPARE(qRed(tile.pixel(0, 0)), 255);
        QCOMPARE(qRed(tile.pixel(50, 0)), 0);

        Run r = cli({"tiles", file, "--out", path("bad"), "--stretch", "90:40"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("high limit must be above"));
        r = cli({"tiles", file, "--out", path("bad"), "--stretch", "1:2,3:4"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("3 pairs"));
        r = cli({"tiles", file, "--out", path("bad"), "--stretch", "bright"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("none, minmax, cut"));
    }

    void usageErrors()
    {
        QCOMPARE(cli({}).exitCode, 2);
        QCOMPARE(cli({"frobnicate"}).exitCode, 2);
        QCOMPARE(cli({"info"}).exitCode, 2);
        const Run r = cli({"tiles", "x.tif", "--overlap", "0.7", "--out", path("x")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--overlap"));
        QCOMPARE(cli({"tiles", "x.tif", "--bogus", "1"}).exitCode, 2);
        QCOMPARE(cli({"help"}).exitCode, 0);
    }

    // VERB --help, wherever it stands among the arguments: the verb's usage, its options and an
    // example, exit 0, answered by the front end without the engine.
    void everyVerbHasHelp()
    {
        for (const char *verb : {"generate", "distill", "evaluate", "analyze", "compare", "bench", "info", "tiles",
                                 "overviews", "paper-tables", "aspects", "train-classifier"}) {
            const Run r = cli({verb, "--help"});
            QVERIFY2(r.exitCode == 0, qPrintable(QString("%1: exit %2 %3").arg(verb).arg(r.exitCode).arg(r.err)));
            QVERIFY2(r.out.startsWith(QByteArray("Usage: geolens-cli ") + verb), verb);
            QVERIFY2(r.out.contains("Example:\n  geolens-cli " + QByteArray(verb)), qPrintable(r.out));
        }
        const Run analyze = cli({"analyze", "scene.tif", "--model", "m", "-h"});
        QCOMPARE(analyze.exitCode, 0);
        for (const char *option : {"--model DIR", "--task scene|refer|grounding|caption", "--vision-tower DIR", "--out"})
            QVERIFY2(analyze.out.contains(option), option);
    }

    // The verbs that need no model never load LibTorch: the dynamic loader, asked to report, names
    // no library of it. A model verb is handed to geolens-cli-engine, which does.
    void verbsWithoutAModelLoadNoLibTorch()
    {
        const QString file = path("small.tif");
        writeRaster(file.toStdString(), RasterSpec{});
        const auto loadedLibraries = [](const QStringList &args) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("LD_DEBUG", "libs");
            p.setProcessEnvironment(env);
            p.start(GEOLENS_CLI_PATH, args);
            p.waitForFinished(120000);
            return QString::fromUtf8(p.readAllStandardError());
        };
        for (const QStringList &args : {QStringList{"info", file}, QStringList{"help"}, QStringList{"--version"}}) {
            const QString log = loadedLibraries(args);
            QVERIFY2(log.contains("libgdal"), qPrintable(args.join(' ') + ": no library report"));
            QVERIFY2(!log.contains("libtorch") && !log.contains("libc10"), qPrintable(args.join(' ')));
        }
        QVERIFY(loadedLibraries({"bench", "--bogus"}).contains("libtorch"));
        // The help lists the engine's verbs all the same.
        const Run help = cli({"help"});
        for (const char *verb : {"generate", "distill", "evaluate", "analyze", "bench", "info", "tiles", "paper-tables"})
            QVERIFY2(help.out.contains(QByteArray("  ") + verb + ' '), verb);
    }

    // Without geolens-cli-engine beside it, a model verb says what is missing.
    void missingEngineIsNamed()
    {
        const QString lone = path("lone");
        QVERIFY(QDir().mkpath(lone));
        const QString copy = lone + "/geolens-cli";
        QVERIFY(QFile::copy(GEOLENS_CLI_PATH, copy));
        QProcess p;
        p.start(copy, {"generate", "--model", "m"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(lone + "/geolens-cli-engine") && err.contains("cannot be started"), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
