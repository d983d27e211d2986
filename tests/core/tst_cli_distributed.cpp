// geolens-cli analyze and evaluate as a launcher such as torchrun starts them: two processes with
// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT in their environment, on loopback.
// What rank 0 writes must be what one process writes, and the other rank writes nothing (it runs
// in a folder of its own, and every output path is relative).

#include "CliRunner.h"
#include "TestRasters.h"
#include "TinyModel.h"
#include "raster/GdalEnvironment.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <opencv2/imgcodecs.hpp>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using geolens::test::CliRun;

namespace {

const QString TokenizerModel = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    const int port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

// geolens-cli in folder with args, as rank `rank` of `world` (one process when world is 0).
std::unique_ptr<QProcess> startCli(const QString &folder, const QStringList &args, int rank, int world, int port)
{
    auto p = std::make_unique<QProcess>();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (world > 0) {
        environment.insert("RANK", QString::number(rank));
        environment.insert("LOCAL_RANK", QString::number(rank));
        environment.insert("WORLD_SIZE", QString::number(world));
        environment.insert("LOCAL_WORLD_SIZE", QString::number(world));
        environment.insert("MASTER_ADDR", "127.0.0.1");
        environment.insert("MASTER_PORT", QString::number(port));
    }
    p->setProcessEnvironment(environment);
    p->setWorkingDirectory(folder);
    p->start(GEOLENS_CLI_PATH, args);
    return p;
}

CliRun finish(QProcess &p, int timeoutMs = 120000)
{
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        return {-1, p.readAllStandardOutput(), QString::fromUtf8(p.readAllStandardError())};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            QString::fromUtf8(p.readAllStandardError())};
}

// Each rank's run of the same command, rank r in folders[r].
std::vector<CliRun> runRanks(const QStringList &folders, const QStringList &args)
{
    const int port = freePort();
    std::vector<std::unique_ptr<QProcess>> processes;
    for (int r = 0; r < folders.size(); ++r)
        processes.push_back(startCli(folders[r], args, r, static_cast<int>(folders.size()), port));
    std::vector<CliRun> runs;
    for (auto &p : processes)
        runs.push_back(finish(*p));
    return runs;
}

CliRun runAlone(const QString &folder, const QStringList &args)
{
    auto p = startCli(folder, args, 0, 0, 0);
    return finish(*p);
}

QString describe(const std::vector<CliRun> &runs)
{
    QString text;
    for (std::size_t r = 0; r < runs.size(); ++r)
        text += QString("rank %1 exit %2: %3\n").arg(r).arg(runs[r].exitCode).arg(runs[r].err);
    return text;
}

// Every feature of a vector file as text: its fields and its geometry.
QStringList readFeatures(const QString &path)
{
    geolens::initializeGdal();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.toUtf8().constData(), GDAL_OF_VECTOR));
    if (!ds)
        return {"cannot open " + path};
    QStringList rows;
    OGRLayer *layer = ds->GetLayer(0);
    for (auto &feature : *layer) {
        QString row;
        for (int i = 0; i < feature->GetFieldCount(); ++i)
            row += QString("%1=%2|").arg(feature->GetFieldDefnRef(i)->GetNameRef(), feature->GetFieldAsString(i));
        char *wkt = nullptr;
        feature->GetGeometryRef()->exportToWkt(&wkt);
        row += wkt;
        CPLFree(wkt);
        rows << row;
    }
    return rows;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("missing " + path.toUtf8());
}

// A predictions file without the times, which differ from run to run.
QStringList predictionsWithoutTimes(const QString &path)
{
    QStringList out;
    for (const QByteArray &line : readAll(path).split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonObject o = QJsonDocument::fromJson(line).object();
        o.remove("seconds");
        o.remove("model_seconds");
        out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }
    return out;
}

QJsonObject metricsWithoutTimes(const QString &path)
{
    QJsonObject all = QJsonDocument::fromJson(readAll(path)).object();
    for (const QString &model : all.keys()) {
        QJsonObject m = all[model].toObject();
        m.remove("seconds_per_question");
        m.remove("time_outside_model");
        all[model] = m;
    }
    return all;
}

} // namespace

class CliDistributedTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString raster_, model_, boxModel_, images_;

    // A fresh folder per process, so that whatever a process writes is seen to be its own.
    QString folder(const QString &name)
    {
        const QString path = dir_.filePath(name);
        QDir().mkpath(path);
        return path;
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(TokenizerModel))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        // 1100 x 600 in UTM 32N: 3 x 2 tiles of 504, an odd number of them with data (the
        // bottom-right tile holds only nodata).
        geolens::test::RasterSpec spec;
        spec.width = 1100;
        spec.height = 600;
        spec.bands = 3;
        spec.nodata = 0;
        spec.geoTransform = std::array<double, 6>{600000, 10, 0, 5200000, 0, -10};
        spec.value = [](int b, int x, int y) { return x >= 1008 && y >= 504 ? 0.0 : double(1 + (x * 7 + y * 3 + b * 50) % 250); };
        raster_ = QString::fromStdString(geolens::test::writeRaster(dir_.filePath("scene.tif").toStdString(), spec));
        model_ = dir_.filePath("tiny");
        geolens::test::writeTinyModel(model_.toStdString(), {}, geolens::test::TinyLayout::GeoChat,
                                      TokenizerModel.toStdString());

        geolens::test::TinyModelSpec boxes;
        boxes.scriptedAnswer = "a plane {<<12><34>> <56 ><78>|<9>}"; // one box in every tile
        boxModel_ = dir_.filePath("tiny-boxes");
        geolens::test::writeTinyModel(boxModel_.toStdString(), boxes, geolens::test::TinyLayout::GeoChat,
                                      TokenizerModel.toStdString());

        // Nine questions: a share of five and one of four.
        cv::Mat source(300, 400, CV_8UC3);
        cv::randu(source, cv::Scalar::all(0), cv::Scalar::all(255));
        images_ = dir_.filePath("UCMerced_LandUse/Images");
        const char *classes[] = {"forest", "harbor", "river"};
        for (int c = 0; c < 3; ++c) {
            QDir().mkpath(images_ + "/" + classes[c]);
            for (int k = 0; k < 3; ++k) {
                const cv::Rect crop(c * 40 + k * 17, k * 23, 64, 64);
                QVERIFY(cv::imwrite(QString("%1/%2/%2%3.tif").arg(images_, classes[c]).arg(k).toStdString(), source(crop)));
            }
        }
    }

    void analyzeOnTwoRanksWritesWhatOneProcessWrites()
    {
        const QStringList scene{"analyze", raster_, "--model", model_, "--task", "scene", "--classes",
                                "forest,harbor,river", "--batch", "2", "--max-new-tokens", "6",
                                "--image-size", "24", "--device", "cpu", "--out", "labels.gpkg"};
        const CliRun alone = runAlone(folder("scene-alone"), scene);
        QVERIFY2(alone.exitCode == 0, qPrintable(alone.err));
        const std::vector<CliRun> ranks = runRanks({folder("scene-rank0"), folder("scene-rank1")}, scene);
        QVERIFY2(ranks[0].exitCode == 0 && ranks[1].exitCode == 0, qPrintable(describe(ranks)));

        const QStringList expected = readFeatures(dir_.filePath("scene-alone/labels.gpkg"));
        QCOMPARE(expected.size(), 5); // six tiles, one without data
        QCOMPARE(readFeatures(dir_.filePath("scene-rank0/labels.gpkg")), expected);
        QVERIFY(QDir(folder("scene-rank1")).isEmpty());
        QVERIFY2(ranks[1].err.isEmpty(), qPrintable(ranks[1].err));
        QVERIFY2(ranks[0].err.contains("labelled 5 tiles on 2 processes"), qPrintable(ranks[0].err));

        // Boxes are merged across tiles once every rank's answers are together: the same file.
        const QStringList grounding{"analyze", raster_, "--model", boxModel_, "--task", "grounding", "--batch", "2",
                                    "--overlap", "0.3", "--max-new-tokens", "24", "--image-size", "24",
                                    "--device", "cpu", "--out", "boxes.geojson"};
        const CliRun boxesAlone = runAlone(folder("boxes-alone"), grounding);
        QVERIFY2(boxesAlone.exitCode == 0, qPrintable(boxesAlone.err));
        const std::vector<CliRun> boxRanks = runRanks({folder("boxes-rank0"), folder("boxes-rank1")}, grounding);
        QVERIFY2(boxRanks[0].exitCode == 0 && boxRanks[1].exitCode == 0, qPrintable(describe(boxRanks)));
        QCOMPARE(readFeatures(dir_.filePath("boxes-alone/boxes.geojson")).size(), 6);
        QCOMPARE(readAll(dir_.filePath("boxes-rank0/boxes.geojson")), readAll(dir_.filePath("boxes-alone/boxes.geojson")));
        QVERIFY(QDir(folder("boxes-rank1")).isEmpty());
    }

    void evaluateOnTwoRanksWritesWhatOneProcessWrites()
    {
        const QStringList evaluate{"evaluate", "--model", model_, "--benchmark", "scene", "--images", images_,
                                   "--out", "report", "--batch", "2", "--max-new-tokens", "6",
                                   "--image-size", "24", "--device", "cpu"};
        const CliRun alone = runAlone(folder("eval-alone"), evaluate);
        QVERIFY2(alone.exitCode == 0, qPrintable(alone.err));
        const std::vector<CliRun> ranks = runRanks({folder("eval-rank0"), folder("eval-rank1")}, evaluate);
        QVERIFY2(ranks[0].exitCode == 0 && ranks[1].exitCode == 0, qPrintable(describe(ranks)));

        const QString predictions = "/report/predictions-tiny.jsonl";
        const QStringList expected = predictionsWithoutTimes(dir_.filePath("eval-alone") + predictions);
        QCOMPARE(expected.size(), 9);
        QCOMPARE(predictionsWithoutTimes(dir_.filePath("eval-rank0") + predictions), expected);
        QCOMPARE(metricsWithoutTimes(dir_.filePath("eval-rank0/report/metrics.json")),
                 metricsWithoutTimes(dir_.filePath("eval-alone/report/metrics.json")));
        QCOMPARE(readAll(dir_.filePath("eval-rank0/report/tables.md")).isEmpty(), false);
        QVERIFY(QDir(folder("eval-rank1")).isEmpty());
        QVERIFY(ranks[1].out.isEmpty());
        QVERIFY(ranks[0].out.contains("| tiny |")); // the tables, once

        // --resume on two ranks after an interruption: the first answers stay, the rest are asked.
        const QString cut = dir_.filePath("eval-rank0") + predictions;
        const QList<QByteArray> lines = readAll(cut).split('\n');
        QFile file(cut);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        for (int i = 0; i < 3; ++i)
            file.write(lines[i] + '\n');
        file.write(lines[3].left(10)); // a line torn by the interruption
        file.close();
        const std::vector<CliRun> resumed = runRanks({folder("eval-rank0"), folder("eval-rank1")}, evaluate + QStringList{"--resume"});
        QVERIFY2(resumed[0].exitCode == 0 && resumed[1].exitCode == 0, qPrintable(describe(resumed)));
        QVERIFY2(resumed[0].err.contains("6 answered, 3 done before"), qPrintable(resumed[0].err));
        QCOMPARE(predictionsWithoutTimes(cut), expected);
        QVERIFY(QDir(folder("eval-rank1")).isEmpty());
    }

    // The teacher pass of multi-aspect distillation: the tiles shared, rank 0's folder the same.
    void aspectsOnTwoRanksWritesWhatOneProcessWrites()
    {
        const QStringList aspects{"aspects", raster_, "--model", model_, "--classes", "forest,harbor,river",
                                  "--image-size", "24", "--store-size", "32", "--device", "cpu", "--out", "targets"};
        const CliRun alone = runAlone(folder("aspects-alone"), aspects);
        QVERIFY2(alone.exitCode == 0, qPrintable(alone.err));
        const std::vector<CliRun> ranks = runRanks({folder("aspects-rank0"), folder("aspects-rank1")}, aspects);
        QVERIFY2(ranks[0].exitCode == 0 && ranks[1].exitCode == 0, qPrintable(describe(ranks)));
        QVERIFY2(ranks[0].err.contains("judged 5 tiles on 2 processes"), qPrintable(ranks[0].err));
        const QByteArray expected = readAll(dir_.filePath("aspects-alone/targets/targets.jsonl"));
        QCOMPARE(expected.count('\n'), 5); // six tiles, one without data
        QCOMPARE(readAll(dir_.filePath("aspects-rank0/targets/targets.jsonl")), expected);
        QCOMPARE(readFeatures(dir_.filePath("aspects-rank0/targets/targets.gpkg")),
                 readFeatures(dir_.filePath("aspects-alone/targets/targets.gpkg")));
        QCOMPARE(QDir(dir_.filePath("aspects-rank0/targets/images")).entryList(QDir::Files).size(), 5);
        QVERIFY(QDir(folder("aspects-rank1")).isEmpty());
        QVERIFY2(ranks[1].err.isEmpty(), qPrintable(ranks[1].err));
    }

    void aRankThatFailsStopsTheJob()
    {
        // Rank 1 is given a model folder that does not exist: it says so and exits; rank 0, with
        // a good one, finds it gone at the first exchange instead of waiting for it.
        const QStringList args{"analyze", raster_, "--task", "scene", "--classes", "forest,harbor", "--max-new-tokens",
                               "4", "--image-size", "24", "--device", "cpu", "--out", "labels.gpkg", "--model"};
        const int port = freePort();
        QElapsedTimer clock;
        clock.start();
        auto rank0 = startCli(folder("fail-rank0"), args + QStringList{model_}, 0, 2, port);
        auto rank1 = startCli(folder("fail-rank1"), args + QStringList{dir_.filePath("no-such-model")}, 1, 2, port);
        const CliRun one = finish(*rank1);
        const CliRun zero = finish(*rank0);
        QVERIFY2(one.exitCode == 1 && one.err.contains("no-such-model"), qPrintable(one.err));
        QVERIFY2(zero.exitCode == 1, qPrintable(zero.err));
        QVERIFY2(zero.err.contains("lost contact") && zero.err.contains("rank 0 of 2"), qPrintable(zero.err));
        QVERIFY(clock.elapsed() < 60000); // far below the group's timeout
        QVERIFY(QDir(folder("fail-rank0")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(CliDistributedTest)
#include "tst_cli_distributed.moc"
