#include "CliRunner.h"
#include "ModelComparisonDialog.h"
#include "TestRasters.h"
#include "TinyModel.h"
#include "analysis/ModelComparisonJob.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "model/DeviceName.h"
#include "raster/RasterDataset.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace geolens;
using geolens::test::RasterSpec;

namespace {

const QString TokenizerModel = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");

// The same plane, a box shifted by one grid unit (IoU well above 0.5), and a box elsewhere.
const char *const TeacherAnswer = "a plane {<<12><34>> <56 ><78>|<9>}";
const char *const CloseAnswer = "a plane {<<13><34>> <57 ><78>|<9>}";
const char *const FarAnswer = "a plane {<<70><5>> <95 ><20>|<9>}";

ModelLoadOptions cpuOptions()
{
    ModelLoadOptions o;
    o.device = ComputeDevice::Cpu;
    o.dtype = WeightType::F32;
    o.imageSize = 24;
    return o;
}

} // namespace

// Teacher and student side by side: the shared job (timing, labels, box matching, the report),
// its errors, the CLI verb and the GUI window.
class ModelComparisonTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::shared_ptr<const RasterDataset> raster_;
    QString rasterPath_;

    QString model(const QString &name, const std::string &answer, int layers = 2)
    {
        const QString folder = dir_.filePath(name);
        if (!QFile::exists(folder + "/config.json")) {
            test::TinyModelSpec spec;
            spec.scriptedAnswer = answer;
            spec.layers = layers;
            test::writeTinyModel(folder.toStdString(), spec, test::TinyLayout::GeoChat, TokenizerModel.toStdString());
        }
        return folder;
    }

    ComparisonReport compare(const ComparisonTask &task, const QString &teacher, const QString &student,
                             std::vector<int> tiles = {0, 1, 2})
    {
        ModelComparisonJob job(raster_, DisplaySettings::defaultsFor(raster_->metadata()), task, std::move(tiles));
        return job.run(teacher.toStdString(), cpuOptions(), student.toStdString(), cpuOptions(), JobProgress());
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(TokenizerModel))
            QSKIP("data/llama-tokenizer.model is missing; scripts/fetch-llama-tokenizer.sh fetches it");
        // 1100 x 600: 3 x 2 tiles of 504; tile 5 (bottom right) holds only nodata.
        RasterSpec spec;
        spec.width = 1100;
        spec.height = 600;
        spec.bands = 3;
        spec.nodata = 0;
        spec.geoTransform = std::array<double, 6>{600000, 10, 0, 5200000, 0, -10};
        spec.value = [](int b, int x, int y) { return x >= 1008 && y >= 504 ? 0.0 : double(1 + (x * 3 + y * 5 + b * 40) % 250); };
        rasterPath_ = QString::fromStdString(test::writeRaster(dir_.filePath("scene.tif").toStdString(), spec));
        raster_ = RasterDataset::open(rasterPath_.toStdString());
    }

    void deviceNames()
    {
        ModelLoadOptions o;
        applyDeviceName("cuda:1", o);
        QCOMPARE(o.device, ComputeDevice::Cuda);
        QCOMPARE(o.cudaIndex, 1);
        applyDeviceName("cpu", o);
        QCOMPARE(o.device, ComputeDevice::Cpu);
        QCOMPARE(o.cudaIndex, 0);
        applyDeviceName("cuda", o);
        QCOMPARE(o.device, ComputeDevice::Cuda);
        for (const char *bad : {"gpu", "cuda:", "cuda:x", "cuda:-1", "CPU"})
            QVERIFY_THROWS_EXCEPTION(InvalidArgument, applyDeviceName(bad, o));

        // One rank of a job with two GPUs a rank: rank 1 takes GPUs 2 and 3.
        applyRankDeviceName("cuda:1", 1, 2, o);
        QCOMPARE(o.device, ComputeDevice::Cuda);
        QCOMPARE(o.cudaIndex, 3);
        applyRankDeviceName("auto", 1, 2, o);
        QCOMPARE(o.device, ComputeDevice::Auto);
        QCOMPARE(o.cudaIndex, 2);
        applyRankDeviceName("cpu", 3, 1, o);
        QCOMPARE(o.device, ComputeDevice::Cpu);
        for (const char *bad : {"gpu", "cuda:x"})
            QVERIFY_THROWS_EXCEPTION(InvalidArgument, applyRankDeviceName(bad, 1, 1, o));
    }

    void pairsRunsTileByTile()
    {
        // Hand-made runs in different orders, one tile answered by the teacher only.
        const auto answer = [](int id, const char *text, double seconds) {
            TileAnswer a;
            a.tile.id = id;
            a.answer = a.label = text;
            a.seconds = seconds;
            a.tokens = 4;
            return a;
        };
        ModelRun teacher, student;
        teacher.tiles = {answer(3, "airport", 2.0), answer(7, "beach", 2.0), answer(9, "forest", 2.0)};
        student.tiles = {answer(9, "forest", 0.5), answer(3, "harbor", 0.5)};
        ComparisonTask task;
        task.kind = ComparisonTask::Kind::Scene;
        const ComparisonReport r = ModelComparisonJob::compare(task, teacher, student);
        QCOMPARE(r.tiles.size(), std::size_t(2));
        QCOMPARE(r.teacher.tiles.size(), std::size_t(2));
        QCOMPARE(r.student.tiles.size(), std::size_t(2));
        for (std::size_t i = 0; i < 2; ++i) {
            QCOMPARE(r.teacher.tiles[i].tile.id, r.tiles[i].tileId);
            QCOMPARE(r.student.tiles[i].tile.id, r.tiles[i].tileId);
        }
        QCOMPARE(r.tiles[0].tileId, 3); // the teacher's order
        QVERIFY(!r.tiles[0].sameLabel);
        QVERIFY(r.tiles[1].sameLabel);
        QCOMPARE(r.labelAgreement(), 0.5);
        QCOMPARE(r.speedup(), 4.0);
        QCOMPARE(r.student.tokensPerSecond(), 8.0);
    }

    void boxesCloseAndFar()
    {
        const QString teacher = model("teacher", TeacherAnswer, 3);
        ComparisonTask task;
        task.kind = ComparisonTask::Kind::Refer;
        task.text = "planes";

        const ComparisonReport close = compare(task, teacher, model("close", CloseAnswer));
        QCOMPARE(close.prompt, std::string("[refer] Give me the location of <p> planes </p>"));
        QCOMPARE(close.tiles.size(), std::size_t(3));
        QCOMPARE(close.teacher.tiles.size(), std::size_t(3));
        for (std::size_t i = 0; i < 3; ++i) {
            const TileAgreement &a = close.tiles[i];
            QCOMPARE(a.tileId, int(i));
            QCOMPARE(close.teacher.tiles[i].answer, std::string(TeacherAnswer));
            QCOMPARE(close.student.tiles[i].answer, std::string(CloseAnswer));
            QCOMPARE(a.teacherBoxes, 1);
            QCOMPARE(a.studentBoxes, 1);
            QCOMPARE(a.matchedBoxes, 1);
            QVERIFY2(a.meanIou > 0.85 && a.meanIou < 1.0, qPrintable(QString::number(a.meanIou)));
            QVERIFY(!a.sameLabel);
            QVERIFY(a.answerSimilarity > 0.8 && a.answerSimilarity < 1.0);
            QVERIFY(close.teacher.tiles[i].seconds > 0.0);
            QCOMPARE(close.teacher.tiles[i].boxes.front().label, std::string("planes")); // the query names them
            // In raster pixels through the tile's frame: grid x 12..56 of a whole 504 px tile.
            const RotatedBox &b = close.teacher.tiles[i].boxes.front().pixelBox;
            if (i < 2)
                QVERIFY(std::abs(b.cx - (i * 504 + 34 * 5.04)) < 1e-6);
        }
        QCOMPARE(close.boxF1(), 1.0);
        QVERIFY(close.speedup() > 0.0);
        QVERIFY(close.teacher.tokensPerSecond() > 0.0);
        QCOMPARE(close.teacher.parameters > close.student.parameters, true); // three layers against two
        QCOMPARE(close.labelAgreement(), 0.0);

        const ComparisonReport far = compare(task, teacher, model("far", FarAnswer));
        for (const TileAgreement &a : far.tiles) {
            QCOMPARE(a.matchedBoxes, 0);
            QCOMPARE(a.meanIou, 0.0);
        }
        QCOMPARE(far.boxF1(), 0.0);

        const ComparisonReport same = compare(task, teacher, teacher, {4, 5});
        // Tile 5 is nodata: left out for both.
        QCOMPARE(same.tiles.size(), std::size_t(1));
        QCOMPARE(same.tiles.front().tileId, 4);
        QVERIFY(same.tiles.front().sameLabel);
        QCOMPARE(same.tiles.front().answerSimilarity, 1.0);
        QCOMPARE(same.labelAgreement(), 1.0);

        const Json json = ModelComparisonJob::toJson(close);
        QCOMPARE(json.at("task").get<std::string>(), std::string("refer"));
        QCOMPARE(json.at("summary").at("box_f1").get<double>(), 1.0);
        QCOMPARE(json.at("summary").at("tiles").get<std::int64_t>(), std::int64_t(3));
        QCOMPARE(json.at("teacher").at("tiles").size(), std::size_t(3));
        QCOMPARE(json.at("student").at("tiles").at(0).at("boxes").size(), std::size_t(1));
        QCOMPARE(json.at("agreement").at(2).at("matched_boxes").get<std::int64_t>(), std::int64_t(1));
        QCOMPARE(json.at("teacher").at("folder").get<std::string>(), teacher.toStdString());
    }

    void sceneLabels()
    {
        ComparisonTask task;
        task.kind = ComparisonTask::Kind::Scene;
        task.classes = {"airport", "beach", "forest"};
        const ComparisonReport r = compare(task, model("airport", "airport"), model("beach", "Beach."));
        QCOMPARE(r.tiles.size(), std::size_t(3));
        for (std::size_t i = 0; i < 3; ++i) {
            QCOMPARE(r.teacher.tiles[i].label, std::string("airport"));
            QCOMPARE(r.student.tiles[i].label, std::string("beach")); // matched to the class
            QVERIFY(r.student.tiles[i].matched);
            QVERIFY(!r.tiles[i].sameLabel);
        }
        QCOMPARE(r.labelAgreement(), 0.0);
        QCOMPARE(r.boxF1(), -1.0);
        QVERIFY(ModelComparisonJob::toJson(r).at("summary").at("box_f1").is_null());

        const ComparisonReport agree = compare(task, model("airport", "airport"), model("airport2", "Airport"), {1});
        QCOMPARE(agree.labelAgreement(), 1.0);
    }

    void errors()
    {
        const QString teacher = model("teacher", TeacherAnswer, 3);
        ComparisonTask scene;
        scene.kind = ComparisonTask::Kind::Scene;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, compare(scene, teacher, teacher)); // no classes
        scene.classes = {"airport"};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, compare(scene, teacher, teacher, {}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, compare(scene, teacher, teacher, {5})); // nodata only
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, compare(scene, teacher, teacher, {6})); // no such tile
        ComparisonTask question;
        question.kind = ComparisonTask::Kind::Question;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, compare(question, teacher, teacher));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, ComparisonTask::kindFromName("caption"));

        try {
            compare(scene, teacher, dir_.filePath("missing"));
            QFAIL("a missing student folder was accepted");
        } catch (const std::exception &e) {
            QVERIFY2(QString(e.what()).contains("missing"), e.what());
        }

        ModelComparisonJob job(raster_, DisplaySettings::defaultsFor(raster_->metadata()), scene, {0, 1});
        JobProgress progress;
        progress.requestCancel();
        QVERIFY_THROWS_EXCEPTION(Canceled, job.run(teacher.toStdString(), cpuOptions(), teacher.toStdString(),
                                                   cpuOptions(), progress));
    }

    void commandLine()
    {
        const QString teacher = model("teacher", TeacherAnswer, 3);
        const QString student = model("close", CloseAnswer);
        const QString report = dir_.filePath("report.json");
        const test::CliRun run = test::runCli({"compare", rasterPath_, "--teacher", teacher, "--student", student,
                                               "--task", "refer", "--query", "planes", "--tiles", "0,2",
                                               "--image-size", "24", "--device", "cpu", "--out", report});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QString table = QString::fromUtf8(run.out);
        QVERIFY2(table.contains("1/1 matched, 1 found"), run.out.constData());
        QVERIFY(table.contains("box F1 1.00"));
        QVERIFY(table.contains("the teacher's speed"));
        const QJsonObject json = QJsonDocument::fromJson([&] {
                                     QFile f(report);
                                     f.open(QIODevice::ReadOnly);
                                     return f.readAll();
                                 }())
                                     .object();
        QCOMPARE(json["summary"].toObject()["tiles"].toInt(), 2);
        QCOMPARE(json["teacher"].toObject()["tiles"].toArray()[1].toObject()["tile"].toInt(), 2);

        const test::CliRun json2 = test::runCli({"compare", rasterPath_, "--teacher", teacher, "--student", teacher,
                                                 "--task", "question", "--question", "What is here?", "--tiles", "1",
                                                 "--image-size", "24", "--device", "cpu", "--json"});
        QVERIFY2(json2.exitCode == 0, qPrintable(json2.err));
        QCOMPARE(QJsonDocument::fromJson(json2.out).object()["summary"].toObject()["label_agreement"].toDouble(), 1.0);

        // A random model rambles in many scripts: the table cuts answers between characters.
        const QString rambler = model("rambler", "");
        const test::CliRun table2 = test::runCli({"compare", rasterPath_, "--teacher", rambler, "--student", rambler,
                                                  "--task", "question", "--question", "What is here?", "--tiles", "0,1",
                                                  "--image-size", "24", "--device", "cpu", "--max-new-tokens", "40"});
        QVERIFY2(table2.exitCode == 0, qPrintable(table2.err));
        const QString text2 = QString::fromUtf8(table2.out);
        QVERIFY2(!text2.contains(QChar::ReplacementCharacter), table2.out.constData());
        QVERIFY(text2.contains("..."));
        QVERIFY(text2.contains("same answer on 2 of 2 tiles"));

        QCOMPARE(test::runCli({"compare", rasterPath_, "--teacher", teacher, "--student", student, "--tiles", "0"}).exitCode,
                 2); // scene without classes
        QCOMPARE(test::runCli({"compare", rasterPath_, "--teacher", teacher, "--student", student, "--task", "refer",
                               "--query", "x", "--tiles", "0", "--student-device", "gpu"})
                     .exitCode,
                 2);
        const test::CliRun missing = test::runCli({"compare", rasterPath_, "--teacher", teacher, "--student",
                                                   dir_.filePath("nowhere"), "--task", "refer", "--query", "x",
                                                   "--tiles", "0", "--image-size", "24", "--device", "cpu"});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("nowhere"), qPrintable(missing.err));
    }

    void window()
    {
        QCoreApplication::setOrganizationName("GeoLensTest");
        QCoreApplication::setApplicationName("tst_model_comparison");
        QSettings().clear();
        const QString teacher = model("teacher", TeacherAnswer, 3);
        const QString student = model("close", CloseAnswer);

        ModelComparisonDialog dialog;
        dialog.setLoadOptions(cpuOptions());
        QVERIFY(!dialog.start());
        QVERIFY(dialog.problem().contains("raster"));
        dialog.setRaster(raster_, DisplaySettings::defaultsFor(raster_->metadata()), 0.0);
        QVERIFY(!dialog.start());
        QVERIFY(dialog.problem().contains("tiles"));
        dialog.setTiles({0, 1, 2, 4});
        dialog.setModels(teacher, dir_.filePath("nowhere"));
        QVERIFY(!dialog.start());
        QVERIFY2(dialog.problem().contains("nowhere") && dialog.problem().contains("config.json"),
                 qPrintable(dialog.problem()));
        dialog.setModels(teacher, student);
        dialog.setTask(ComparisonTask::Kind::Refer, "planes");

        QSignalSpy finished(&dialog, &ModelComparisonDialog::comparisonFinished);
        QSignalSpy map(&dialog, &ModelComparisonDialog::mapResultsChanged);
        dialog.resize(1000, 560);
        dialog.show();
        QVERIFY(dialog.start());
        QVERIFY(dialog.isRunning());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.takeFirst().at(0).toBool(), true);
        QVERIFY(dialog.problem().isEmpty());
        QCOMPARE(dialog.table()->rowCount(), 4);
        QCOMPARE(dialog.table()->item(3, 0)->text(), QString("4"));
        QCOMPARE(dialog.table()->item(0, 1)->text(), QString(TeacherAnswer));
        QVERIFY2(dialog.table()->item(0, 5)->text().contains("1 of 1 boxes matched"),
                 qPrintable(dialog.table()->item(0, 5)->text()));
        QVERIFY2(dialog.summaryLabel()->text().contains("box F1 1.00"), qPrintable(dialog.summaryLabel()->text()));

        // The student's boxes are on the map, then the teacher's, then none.
        QCOMPARE(map.size(), 1);
        auto boxes = map.takeFirst().at(1).value<std::vector<MapBox>>();
        QCOMPARE(boxes.size(), std::size_t(4));
        const RotatedBox studentBox = boxes.front().box;
        dialog.setMapShows(ModelComparisonDialog::MapShows::Teacher);
        boxes = map.takeFirst().at(1).value<std::vector<MapBox>>();
        QCOMPARE(boxes.size(), std::size_t(4));
        QVERIFY(boxes.front().box.cx < studentBox.cx); // the teacher's box starts one unit further left
        dialog.setMapShows(ModelComparisonDialog::MapShows::Nothing);
        QVERIFY(map.takeFirst().at(1).value<std::vector<MapBox>>().empty());

        const QString saved = dir_.filePath("saved.json");
        QVERIFY(dialog.saveReport(saved));
        QCOMPARE(readJsonFile(saved.toStdString()).at("summary").at("tiles").get<std::int64_t>(), std::int64_t(4));
        QVERIFY(!dialog.saveReport(dir_.filePath("no/such/folder/report.json")));
        QVERIFY(dialog.problem().contains("no/such/folder"));

        // The settings are remembered for the next window.
        ModelComparisonDialog again;
        QVERIFY(again.findChildren<QLineEdit *>().size() >= 3);
        bool remembered = false;
        for (QLineEdit *e : again.findChildren<QLineEdit *>())
            remembered = remembered || e->text() == student;
        QVERIFY(remembered);

        dialog.setMapShows(ModelComparisonDialog::MapShows::Student);
        const QString picture = QDir(QDir::tempPath()).filePath("geolens-model-comparison.png");
        QVERIFY(dialog.grab().toImage().save(picture));
        qInfo("screenshot: %s", qPrintable(picture));
    }
};


QTEST_MAIN(ModelComparisonTest)
#include "tst_model_comparison.moc"
