#include "CliRunner.h"
#include "FileSizeLimit.h"
#include "TestRasters.h"
#include "TinyModel.h"
#include "analysis/BoxAnalysisJob.h"
#include "analysis/ClassMatcher.h"
#include "analysis/ResultWriter.h"
#include "evaluation/ScenePresets.h"
#include "analysis/SceneLabelJob.h"
#include "common/Error.h"
#include "distill/AspectQuestions.h"
#include "distill/AspectTargetTable.h"
#include "model/PortablePixmap.h"
#include "model/GeoChatModel.h"
#include "raster/GdalEnvironment.h"
#include "raster/RasterDataset.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>

using namespace geolens;
using geolens::test::RasterSpec;

namespace {

const QString TokenizerModel = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");

} // namespace

// Scene labelling from raster to map: class matching, presets, the job in both modes on a tiny
// model, and the results written with OGR and read back.
class AnalysisTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString modelFolder_;
    QString raster_;
    std::unique_ptr<GeoChatModel> model_;

private slots:
    void initTestCase()
    {
        // 1100 x 600 in UTM 32N: 3 x 2 tiles of 504; the bottom-right tile holds only nodata.
        RasterSpec spec;
        spec.width = 1100;
        spec.height = 600;
        spec.bands = 3;
        spec.nodata = 0;
        spec.geoTransform = std::array<double, 6>{600000, 10, 0, 5200000, 0, -10};
        spec.value = [](int b, int x, int y) { return x >= 1008 && y >= 504 ? 0.0 : double(1 + (x * 3 + y * 5 + b * 40) % 250); };
        raster_ = QString::fromStdString(test::writeRaster(dir_.filePath("scene.tif").toStdString(), spec));
        if (!QFile::exists(TokenizerModel))
            return;
        modelFolder_ = dir_.filePath("tiny");
        test::writeTinyModel(modelFolder_.toStdString(), test::TinyModelSpec{}, test::TinyLayout::GeoChat,
                             TokenizerModel.toStdString());
        ModelLoadOptions options;
        options.device = ComputeDevice::Cpu;
        options.dtype = WeightType::F32;
        options.imageSize = 24;
        model_ = GeoChatModel::load(modelFolder_.toStdString(), options);
    }

    void classMatching()
    {
        const ClassMatcher m({"airport", "dense residential", "storage tanks", "baseball diamond", "residential"});
        QCOMPARE(m.match("Airport").value(), std::size_t(0));
        QCOMPARE(m.match("  dense-residential. ").value(), std::size_t(1));
        QCOMPARE(m.match("storage tank").value(), std::size_t(2));                  // plural
        QCOMPARE(m.match("It shows a dense residential area").value(), std::size_t(1)); // longest contained
        QCOMPARE(m.match("baseball diamonds").value(), std::size_t(3));
        QCOMPARE(m.match("airprot").value(), std::size_t(0));                        // misspelling
        QVERIFY(!m.match("a volcano").has_value());
        QVERIFY(!m.match("").has_value());
        QCOMPARE(ClassMatcher::normalise("Storage-Tanks!"), std::string("storage tank"));
    }

    void presets()
    {
        QCOMPARE(scenePreset("ucm").classes.size(), std::size_t(21));
        QCOMPARE(scenePreset("aid").classes.size(), std::size_t(30));
        QCOMPARE(scenePreset("nwpu").classes.size(), std::size_t(45));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, scenePreset("imagenet"));
        const std::string prompt = SceneLabelJob::prompt({"airport", "beach"});
        QCOMPARE(prompt, std::string("Classify the image in the following classes: airport, beach\nAnswer in one word or a short phrase."));
    }

    // An answer that names no class labels its tile with its words, not with GeoChat's box markup.
    void unmatchedAnswersLabelWithTheirWords()
    {
        if (!QFile::exists(TokenizerModel))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        const QString folder = dir_.filePath("scripted-scene");
        test::TinyModelSpec spec;
        spec.scriptedAnswer = "a plane {<<12><34>> <56 ><78>|<9>}";
        test::writeTinyModel(folder.toStdString(), spec, test::TinyLayout::GeoChat, TokenizerModel.toStdString());
        ModelLoadOptions options;
        options.device = ComputeDevice::Cpu;
        options.dtype = WeightType::F32;
        options.imageSize = 24;
        const auto scripted = GeoChatModel::load(folder.toStdString(), options);
        std::shared_ptr<const RasterDataset> raster = RasterDataset::open(raster_.toStdString());
        SceneLabelOptions labelOptions;
        labelOptions.classes = {"airport", "beach"};
        labelOptions.tileIds = {0};
        labelOptions.maxNewTokens = 40;
        const std::vector<SceneLabel> labels =
            SceneLabelJob(raster, *scripted, DisplaySettings::defaultsFor(raster->metadata()), labelOptions)
                .run(JobProgress());
        QCOMPARE(labels.size(), std::size_t(1));
        QVERIFY(!labels[0].matched);
        QVERIFY2(QString::fromStdString(labels[0].answer).contains('{'), labels[0].answer.c_str());
        QCOMPARE(QString::fromStdString(labels[0].label).trimmed(), QString("a plane"));
    }

    void labelsTilesInBothModes()
    {
        if (!model_)
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        std::shared_ptr<const RasterDataset> raster = RasterDataset::open(raster_.toStdString());
        SceneLabelOptions options;
        options.classes = {"airport", "beach", "forest"};
        options.batch = 4;
        std::int64_t lastDone = -1;
        const JobProgress progress([&](std::int64_t done, std::int64_t total, const std::string &) {
            QVERIFY(done >= lastDone && done <= total);
            lastDone = done;
        });
        const std::vector<SceneLabel> generated =
            SceneLabelJob(raster, *model_, DisplaySettings::defaultsFor(raster->metadata()), options).run(progress);
        QCOMPARE(generated.size(), std::size_t(6));
        QCOMPARE(lastDone, std::int64_t(6));
        QVERIFY(generated[5].skipped); // nodata only
        for (int i = 0; i < 5; ++i) {
            QVERIFY(!generated[i].skipped);
            QVERIFY(!generated[i].answer.empty());
            QCOMPARE(generated[i].matched, ClassMatcher(options.classes).match(generated[i].answer).has_value());
        }

        options.mode = SceneLabelOptions::Mode::Score;
        options.tileIds = {0, 4};
        const std::vector<SceneLabel> scored =
            SceneLabelJob(raster, *model_, DisplaySettings::defaultsFor(raster->metadata()), options).run(JobProgress());
        QCOMPARE(scored.size(), std::size_t(2));
        QCOMPARE(scored[1].tile.id, 4);
        for (const SceneLabel &l : scored) {
            QVERIFY(l.matched);
            QCOMPARE(l.top.size(), std::size_t(3));
            QCOMPARE(l.top.front().first, l.label);
            double sum = 0;
            for (std::size_t i = 0; i < l.top.size(); ++i) {
                sum += l.top[i].second;
                if (i > 0)
                    QVERIFY(l.top[i].second <= l.top[i - 1].second);
            }
            QVERIFY(std::abs(sum - 1.0) < 1e-6); // three classes: the top three are all of them
        }

        options.tileIds = {42};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
            SceneLabelJob(raster, *model_, DisplaySettings::defaultsFor(raster->metadata()), options).run(JobProgress()));

        // Canceled after the first batch: the labels of that batch were handed out before the
        // cancel ended the run, so the caller keeps them.
        options.mode = SceneLabelOptions::Mode::Generate;
        options.tileIds.clear();
        options.batch = 2;
        JobProgress *self = nullptr;
        JobProgress cancelAfterFirst([&](std::int64_t done, std::int64_t, const std::string &) {
            if (done >= 2 && self)
                self->requestCancel();
        });
        self = &cancelAfterFirst;
        SceneLabelJob job(raster, *model_, DisplaySettings::defaultsFor(raster->metadata()), options);
        std::vector<SceneLabel> kept;
        job.setOnLabelled([&](const SceneLabel &l) { kept.push_back(l); });
        QVERIFY_THROWS_EXCEPTION(Canceled, job.run(cancelAfterFirst));
        QCOMPARE(kept.size(), std::size_t(2));
        QCOMPARE(kept[0].tile.id, 0);
        QCOMPARE(kept[1].tile.id, 1);
        QCOMPARE(kept[0].answer, generated[0].answer); // the same labels a whole run gives
    }

    void writesGeoPackageAndGeoJson()
    {
        const auto raster = RasterDataset::open(raster_.toStdString());
        AnalysisFeature f;
        f.polygon = {{600000, 5200000}, {600000, 5194960}, {605040, 5194960}, {605040, 5200000}};
        f.tileId = 0;
        f.task = "scene";
        f.prompt = "Classify, please";
        f.answer = "airport \"quoted\"";
        f.label = "airport";
        f.score = 0.75;
        f.matched = true;
        f.model = "tiny";
        for (const char *name : {"out.gpkg", "out.geojson"}) {
            const std::string path = dir_.filePath(name).toStdString();
            writeAnalysisFeatures(path, {f, f}, raster->metadata());
            GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
            QVERIFY(ds);
            OGRLayer *layer = ds->GetLayer(0);
            QCOMPARE(layer->GetFeatureCount(), GIntBig(2));
            const OGRSpatialReference *srs = layer->GetSpatialRef();
            QVERIFY(srs);
            QCOMPARE(QString(srs->GetAuthorityCode(nullptr)), QString("32632"));
            OGRFeatureUniquePtr feature(layer->GetNextFeature());
            QCOMPARE(QString(feature->GetFieldAsString("label")), QString("airport"));
            QCOMPARE(feature->GetFieldAsDouble("score"), 0.75);
            OGREnvelope e;
            feature->GetGeometryRef()->getEnvelope(&e);
            QCOMPARE(e.MinX, 600000.0);
            QCOMPARE(e.MaxY, 5200000.0);
        }
        QVERIFY(QDir(dir_.path()).entryList({"*.tmp-*"}).isEmpty());
        QVERIFY_THROWS_EXCEPTION(FileError, writeAnalysisFeatures(dir_.filePath("out.shp").toStdString(), {f}, raster->metadata()));
    }

    // A write that fails part way (a full disk, here a file size limit) keeps the previous file
    // whole and says so, for each format; it was a cut GeoJSON that replaced the good one.
    void aFailedWriteKeepsTheOldFile()
    {
        const auto raster = RasterDataset::open(raster_.toStdString());
        AnalysisFeature f;
        f.polygon = {{600000, 5200000}, {605040, 5200000}, {605040, 5194960}, {600000, 5194960}};
        f.label = "airport";
        f.answer = std::string(300, 'a');
        const std::vector<AnalysisFeature> few{f};
        const std::vector<AnalysisFeature> many(400, f);
        for (const char *name : {"kept.geojson", "kept.gpkg", "kept.csv"}) {
            const std::string path = dir_.filePath(name).toStdString();
            writeAnalysisFeatures(path, few, raster->metadata());
            QFile before(QString::fromStdString(path));
            QVERIFY(before.open(QIODevice::ReadOnly));
            const QByteArray good = before.readAll();
            before.close();
            {
                test::FileSizeLimit limit(static_cast<rlim_t>(good.size()) + 4096);
                if (!limit.active())
                    QSKIP("the file size limit cannot be set here");
                try {
                    writeAnalysisFeatures(path, many, raster->metadata());
                    QFAIL(qPrintable(QString("%1: a write past the limit was reported as done").arg(name)));
                } catch (const FileError &e) {
                    QVERIFY2(QString(e.what()).contains(name), e.what());
                }
            }
            QFile after(QString::fromStdString(path));
            QVERIFY(after.open(QIODevice::ReadOnly));
            QCOMPARE(after.readAll(), good);
        }
        QVERIFY(QDir(dir_.path()).entryList({"*.tmp-*"}).isEmpty());
    }

    // A CSV export is a layer: OGR (and QGIS) read its WKT column as the geometry and its .prj as
    // the CRS, and the centre and CRS columns place a row without a GIS.
    void csvHoldsGeometryCentreAndCrs()
    {
        const auto raster = RasterDataset::open(raster_.toStdString());
        AnalysisFeature scene;
        scene.polygon = {{600000, 5200000}, {605040, 5200000}, {605040, 5194960}, {600000, 5194960}};
        scene.tileId = 0;
        scene.task = "scene";
        scene.answer = "airport, \"quoted\"";
        scene.label = "airport";
        scene.score = 0.75;
        AnalysisFeature box; // a turned box: its centre is the middle of its corners
        box.polygon = {{600100, 5199900}, {600130, 5199930}, {600160, 5199900}, {600130, 5199870}};
        box.tileId = 3;
        box.task = "refer";
        box.label = "plane";
        box.angle = 45;
        const std::string gpkg = dir_.filePath("places.gpkg").toStdString();
        const std::string csv = dir_.filePath("places.csv").toStdString();
        writeAnalysisFeatures(gpkg, {scene, box}, raster->metadata());
        writeAnalysisFeatures(csv, {scene, box}, raster->metadata());
        QVERIFY(QFile::exists(dir_.filePath("places.prj")));
        QVERIFY(QDir(dir_.path()).entryList({"*.tmp-*"}).isEmpty());

        GDALDatasetUniquePtr fromGpkg(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR));
        GDALDatasetUniquePtr fromCsv(GDALDataset::Open(csv.c_str(), GDAL_OF_VECTOR));
        QVERIFY(fromGpkg && fromCsv);
        OGRLayer *expected = fromGpkg->GetLayer(0);
        OGRLayer *table = fromCsv->GetLayer(0);
        QCOMPARE(table->GetFeatureCount(), GIntBig(2));
        // The .prj beside the table names the raster's CRS.
        QFile prjFile(dir_.filePath("places.prj"));
        QVERIFY(prjFile.open(QIODevice::ReadOnly));
        OGRSpatialReference prj;
        QCOMPARE(prj.importFromWkt(prjFile.readAll().toStdString().c_str()), OGRERR_NONE);
        OGRSpatialReference utm32;
        utm32.importFromEPSG(32632);
        QVERIFY(prj.IsSame(&utm32));
        const double centres[2][2] = {{602520, 5197480}, {600130, 5199900}};
        for (int i = 0; i < 2; ++i) {
            OGRFeatureUniquePtr want(expected->GetNextFeature());
            OGRFeatureUniquePtr got(table->GetNextFeature());
            QVERIFY(want && got);
            QVERIFY(got->GetGeometryRef());
            QVERIFY(got->GetGeometryRef()->Equals(want->GetGeometryRef()));
            QCOMPARE(QString(got->GetFieldAsString("label")), QString(want->GetFieldAsString("label")));
            QCOMPARE(QString(got->GetFieldAsString("answer")), QString(want->GetFieldAsString("answer")));
            QCOMPARE(got->GetFieldAsDouble("centre_x"), centres[i][0]);
            QCOMPARE(got->GetFieldAsDouble("centre_y"), centres[i][1]);
            QCOMPARE(QString(got->GetFieldAsString("crs")), QString("EPSG:32632"));
        }

        // Without georeferencing: pixel coordinates, no CRS, and no .prj left from an earlier table.
        RasterMetadata plain = raster->metadata();
        plain.crsWkt.clear();
        writeAnalysisFeatures(csv, {box}, plain);
        QVERIFY(!QFile::exists(dir_.filePath("places.prj")));
        GDALDatasetUniquePtr again(GDALDataset::Open(csv.c_str(), GDAL_OF_VECTOR));
        QVERIFY(again);
        OGRFeatureUniquePtr only(again->GetLayer(0)->GetNextFeature());
        QCOMPARE(QString(only->GetFieldAsString("crs")), QString());
    }

    void boxesFromGeoChatAnswers()
    {
        // GeoChat's own output for two objects, on an interior tile of a 10 %-overlap grid.
        const TileGrid grid(1100, 600, 504, 0.1); // stride 454
        const Tile tile = grid.tileAt(1, 0);      // x 454..958, full 504 x 504
        std::vector<std::string> issues;
        const std::vector<BoxResult> boxes = BoxAnalysisJob::boxesFromAnswer(
            tile, "<p>airplane</p>{<89><47><97><55>|<58>}{<50><24><54><28>|<58>}", "", issues);
        QCOMPARE(boxes.size(), std::size_t(2));
        QVERIFY(issues.empty());
        QCOMPARE(boxes[0].label, std::string("airplane"));
        QCOMPARE(boxes[0].tileId, tile.id);
        // Grid (89..97, 47..55) of a 504 px square at x 454: centre (454 + 93 * 5.04, 51 * 5.04).
        QVERIFY(std::abs(boxes[0].pixelBox.cx - (454 + 93 * 5.04)) < 1e-9);
        QVERIFY(std::abs(boxes[0].pixelBox.cy - 51 * 5.04) < 1e-9);
        QVERIFY(std::abs(boxes[0].pixelBox.width - 8 * 5.04) < 1e-9);
        QCOMPARE(boxes[0].pixelBox.angleDegrees, 58.0);
        QVERIFY(boxes[1].score > boxes[0].score); // nearer the centre of the tile

        // A bare [refer] answer takes the query as its label; malformed parts are reported.
        const std::vector<BoxResult> refer =
            BoxAnalysisJob::boxesFromAnswer(tile, "{<10><10><20><20>}{<5><x>", "bridge", issues);
        QCOMPARE(refer.size(), std::size_t(1));
        QCOMPARE(refer[0].label, std::string("bridge"));
        QVERIFY(!issues.empty());
        QVERIFY(QString::fromStdString(issues.front()).startsWith(QString("tile %1: ").arg(tile.id)));

        // A plain sentence without <p> phrases: each box is named by the words just before it.
        issues.clear();
        const std::vector<BoxResult> sentence = BoxAnalysisJob::boxesFromAnswer(
            tile, "There is a plane {<10><10><20><20>|<0>} and two white ships {<30><30><40><40>}. Also {<50><50><60><60>}",
            "", issues);
        QCOMPARE(sentence.size(), std::size_t(3));
        QCOMPARE(sentence[0].label, std::string("plane"));
        QCOMPARE(sentence[1].label, std::string("two white ships"));
        QCOMPARE(sentence[2].label, std::string()); // no name before it
        QCOMPARE(sentence[0].answer, sentence[1].answer); // the whole answer stays with each box
    }

    void duplicatesFromOverlappingTilesMerge()
    {
        BoxResult a, b, c;
        a.label = b.label = "ship";
        c.label = "harbor";
        a.pixelBox = RotatedBox{100, 100, 40, 20, 10};
        b.pixelBox = RotatedBox{102, 101, 40, 20, 10}; // the same ship from the next tile
        c.pixelBox = RotatedBox{101, 100, 40, 20, 10}; // another label at the same place stays
        a.score = 0.3;
        b.score = 0.8;
        c.score = 0.5;
        const std::vector<BoxResult> merged = BoxAnalysisJob::mergeDuplicates({a, b, c}, 0.5);
        QCOMPARE(merged.size(), std::size_t(2));
        QCOMPARE(merged[0].pixelBox.cx, 102.0); // the more central copy, in the original order
        QCOMPARE(merged[1].label, std::string("harbor"));
    }

    void boxTasksRunOnTheModel()
    {
        if (!model_)
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        std::shared_ptr<const RasterDataset> raster = RasterDataset::open(raster_.toStdString());
        BoxAnalysisOptions options;
        options.task = BoxAnalysisOptions::Task::Caption;
        options.region = RotatedBox::fromCorners(300, 200, 420, 300, 30);
        options.maxNewTokens = 8;
        const BoxAnalysisResult caption =
            BoxAnalysisJob(raster, *model_, DisplaySettings::defaultsFor(raster->metadata()), options).run(JobProgress());
        QCOMPARE(caption.boxes.size(), std::size_t(1));
        QCOMPARE(caption.boxes[0].tileId, 0);
        QCOMPARE(caption.boxes[0].prompt, std::string("[identify] What is the object present at {<60><40><83><60>|<30>}"));
        QVERIFY(!caption.boxes[0].label.empty());

        // A region no tile holds whole (it straddles tiles 0 and 1) gets a square cut around it.
        options.region = RotatedBox::fromCorners(480, 100, 530, 140, 0);
        const BoxAnalysisResult straddling =
            BoxAnalysisJob(raster, *model_, DisplaySettings::defaultsFor(raster->metadata()), options).run(JobProgress());
        QCOMPARE(straddling.boxes[0].tileId, -1);

        // A region wholly outside the raster is refused with its extent and the raster's size.
        options.region = RotatedBox::fromCorners(5000, 5000, 5100, 5100, 0);
        try {
            BoxAnalysisJob(raster, *model_, DisplaySettings::defaultsFor(raster->metadata()), options).run(JobProgress());
            QFAIL("a region outside the raster was described");
        } catch (const InvalidArgument &e) {
            QVERIFY2(QString(e.what()).contains("lies outside the raster"), e.what());
        }

        options.task = BoxAnalysisOptions::Task::Refer;
        options.query = "  ";
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
            BoxAnalysisJob(raster, *model_, DisplaySettings::defaultsFor(raster->metadata()), options).run(JobProgress()));
        options.query = "airplanes";
        options.tileIds = {0, 1};
        const BoxAnalysisResult refer =
            BoxAnalysisJob(raster, *model_, DisplaySettings::defaultsFor(raster->metadata()), options).run(JobProgress());
        for (const BoxResult &b : refer.boxes) // whatever the tiny model says, boxes lie in their tiles
            QVERIFY(b.tileId == 0 || b.tileId == 1);
    }

    void analyzeVerbEndToEnd()
    {
        if (modelFolder_.isEmpty())
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        const QString out = dir_.filePath("cli.gpkg");
        const test::CliRun r = test::runCli({"analyze", raster_, "--model", modelFolder_, "--task", "scene", "--preset", "ucm",
                                             "--mode", "score", "--image-size", "24", "--device", "cpu", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        initializeGdal();
        GDALDatasetUniquePtr ds(GDALDataset::Open(out.toUtf8().constData(), GDAL_OF_VECTOR));
        QVERIFY(ds);
        OGRLayer *layer = ds->GetLayer(0);
        QCOMPARE(layer->GetFeatureCount(), GIntBig(5)); // six tiles, one without data
        QCOMPARE(QString(layer->GetSpatialRef()->GetAuthorityCode(nullptr)), QString("32632"));
        // Every footprint inside the raster's extent: x 600000..611000, y 5194000..5200000.
        for (auto &feature : *layer) {
            OGREnvelope e;
            feature->GetGeometryRef()->getEnvelope(&e);
            QVERIFY(e.MinX >= 600000 && e.MaxX <= 611000 && e.MinY >= 5194000 && e.MaxY <= 5200000);
            QVERIFY(feature->GetFieldAsDouble("score") > 0 && feature->GetFieldAsDouble("score") <= 1);
            QVERIFY(QString(feature->GetFieldAsString("details")).count(';') == 2);
        }
        QCOMPARE(test::runCli({"analyze", raster_, "--model", modelFolder_, "--out", out}).exitCode, 2); // no classes
        QCOMPARE(test::runCli({"analyze", raster_, "--model", modelFolder_, "--preset", "ucm", "--task", "caption",
                               "--out", out}).exitCode, 2); // caption needs --box
        QCOMPARE(test::runCli({"analyze", raster_, "--model", modelFolder_, "--task", "refer", "--out", out}).exitCode, 2);

        const QString caption = dir_.filePath("caption.geojson");
        const test::CliRun c = test::runCli({"analyze", raster_, "--model", modelFolder_, "--task", "caption", "--box",
                                             "300,200,420,300,30", "--image-size", "24", "--device", "cpu",
                                             "--max-new-tokens", "6", "--out", caption});
        QVERIFY2(c.exitCode == 0, qPrintable(c.err));
        GDALDatasetUniquePtr cds(GDALDataset::Open(caption.toUtf8().constData(), GDAL_OF_VECTOR));
        QVERIFY(cds);
        OGRFeatureUniquePtr f(cds->GetLayer(0)->GetNextFeature());
        QCOMPARE(f->GetFieldAsDouble("angle"), 30.0);
        QCOMPARE(QString(f->GetFieldAsString("task")), QString("caption"));
        OGREnvelope e;
        f->GetGeometryRef()->getEnvelope(&e);
        // The rotated region's corners, in map units: around pixel (360, 250) -> (603600, 5197500).
        QVERIFY(e.MinX > 602800 && e.MaxX < 604400 && e.MinY > 5196700 && e.MaxY < 5198300);
    }

    // The multi-aspect verbs as a user runs them: the teacher pass on a raster (and again, resumed),
    // its targets on the map, a classifier trained on them, and the raster labelled by it.
    void multiAspectVerbsEndToEnd()
    {
        if (modelFolder_.isEmpty())
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        const QString aspects = dir_.filePath("aspects.txt");
        QFile file(aspects);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("# two questions\nwater: Is there any water?\nAre there roads?\n");
        file.close();
        const QString targets = dir_.filePath("targets");
        const QStringList pass{"aspects", raster_, "--model", modelFolder_, "--preset", "ucm", "--aspects", aspects,
                               "--store-size", "32", "--image-size", "24", "--device", "cpu", "--out", targets};
        const test::CliRun r = test::runCli(pass);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("judged 5 tiles") && r.err.contains("without data skipped"), qPrintable(r.err));
        initializeGdal();
        {
            GDALDatasetUniquePtr ds(GDALDataset::Open((targets + "/targets.gpkg").toUtf8().constData(), GDAL_OF_VECTOR));
            QVERIFY(ds);
            OGRLayer *layer = ds->GetLayer(0);
            QCOMPARE(layer->GetFeatureCount(), GIntBig(5));
            QCOMPARE(QString(layer->GetSpatialRef()->GetAuthorityCode(nullptr)), QString("32632"));
            QVERIFY(layer->GetLayerDefn()->GetFieldIndex("p_water") >= 0);
            QVERIFY(layer->GetLayerDefn()->GetFieldIndex("p_roads") >= 0);
            for (auto &feature : *layer) {
                const double p = feature->GetFieldAsDouble("p_water");
                QVERIFY(p > 0.0 && p < 1.0);
                OGREnvelope e;
                feature->GetGeometryRef()->getEnvelope(&e);
                QVERIFY(e.MinX >= 600000 && e.MaxX <= 611000 && e.MinY >= 5194000 && e.MaxY <= 5200000);
                QVERIFY(scenePreset("ucm").classes.end() != std::find(scenePreset("ucm").classes.begin(),
                                                                       scenePreset("ucm").classes.end(),
                                                                       std::string(feature->GetFieldAsString("label"))));
            }
        }
        // Run again: nothing is asked twice.
        const test::CliRun again = test::runCli(pass);
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QVERIFY2(again.err.contains("judged 0 tiles (5 done before)"), qPrintable(again.err));

        const QString run = dir_.filePath("classifier-run");
        const test::CliRun t = test::runCli({"train-classifier", "--targets", targets, "--out", run, "--architecture",
                                             "resnet10", "--width", "8", "--epochs", "2", "--batch", "2", "--validation",
                                             "0.4", "--class-target", "teacher", "--threads", "1"});
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        QVERIFY2(t.err.contains("epoch 2:") && t.err.contains("3 training and 2 validation images"), qPrintable(t.err));

        const QString labels = dir_.filePath("classified.gpkg");
        const test::CliRun a = test::runCli({"analyze", raster_, "--classifier", run + "/classifier", "--out", labels});
        QVERIFY2(a.exitCode == 0, qPrintable(a.err));
        QVERIFY2(a.err.contains("labelled 5 tiles with the classifier"), qPrintable(a.err));
        GDALDatasetUniquePtr ds(GDALDataset::Open(labels.toUtf8().constData(), GDAL_OF_VECTOR));
        QVERIFY(ds);
        OGRLayer *layer = ds->GetLayer(0);
        QCOMPARE(layer->GetFeatureCount(), GIntBig(5));
        for (auto &feature : *layer) {
            QVERIFY(feature->GetFieldAsDouble("p_roads") > 0.0 && feature->GetFieldAsDouble("p_roads") < 1.0);
            QVERIFY(feature->GetFieldAsDouble("score") > 0.0 && feature->GetFieldAsDouble("score") <= 1.0);
            QCOMPARE(QString(feature->GetFieldAsString("details")).count(';'), 2);
        }

        // Bad input: an aspect file without questions, a classifier with classes of its own.
        QFile empty(dir_.filePath("empty-aspects.txt"));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.write("# nothing yet\n");
        empty.close();
        const test::CliRun e = test::runCli({"aspects", raster_, "--model", modelFolder_, "--preset", "ucm", "--aspects",
                                             empty.fileName(), "--out", dir_.filePath("never")});
        QCOMPARE(e.exitCode, 1);
        QVERIFY2(e.err.contains("empty-aspects.txt") && e.err.contains("holds no questions"), qPrintable(e.err));
        QCOMPARE(test::runCli({"analyze", raster_, "--classifier", run + "/classifier", "--preset", "ucm", "--out", labels})
                     .exitCode,
                 2);
        const test::CliRun other = test::runCli({"aspects", raster_, "--model", modelFolder_, "--classes", "a,b", "--aspects",
                                                 aspects, "--store-size", "32", "--out", targets});
        QCOMPARE(other.exitCode, 1);
        QVERIFY2(other.err.contains("class list differs"), qPrintable(other.err));
    }

    // A folder of images in class folders: each image's folder is its true class.
    void aspectsOfAnImageFolder()
    {
        if (modelFolder_.isEmpty())
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        const QString images = dir_.filePath("ucm-like");
        for (const char *folder : {"denseresidential", "forest"}) {
            QVERIFY(QDir().mkpath(images + "/" + folder));
            for (int i = 0; i < 2; ++i) {
                RgbImage image;
                image.width = 20 + i;
                image.height = 16;
                image.pixels.assign(static_cast<std::size_t>(image.width * image.height * 3),
                                    static_cast<std::uint8_t>(folder[0] * 2 + i));
                writePortablePixmap((images + "/" + folder + "/" + QString::number(i) + ".ppm").toStdString(), image);
            }
        }
        const QString targets = dir_.filePath("folder-targets");
        const test::CliRun r = test::runCli({"aspects", images, "--model", modelFolder_, "--preset", "ucm", "--store-size",
                                             "32", "--image-size", "24", "--device", "cpu", "--out", targets});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const AspectTargetTable table = AspectTargetTable::read(targets.toStdString());
        QCOMPARE(table.targets().size(), std::size_t(4));
        QCOMPARE(table.targets()[0].id, std::string("denseresidential/0.ppm"));
        QCOMPARE(table.targets()[0].truth, std::string("dense residential"));
        QCOMPARE(table.targets()[3].truth, std::string("forest"));
        QCOMPARE(table.targets()[0].aspectProbabilities.size(), defaultAspects().size());
        QVERIFY(!QFile::exists(targets + "/targets.gpkg")); // images have no place on a map

        // A classifier trained on them is scored on the class folders as GeoChat is.
        const QString run = dir_.filePath("folder-classifier");
        const test::CliRun t = test::runCli({"train-classifier", "--targets", targets, "--out", run, "--architecture",
                                             "resnet10", "--width", "8", "--epochs", "1", "--batch", "2", "--validation",
                                             "0.5", "--threads", "1", "--test", targets});
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        QVERIFY2(t.err.contains("test on 4 images") && t.err.contains("teacher agreement"), qPrintable(t.err));
        const QString report = dir_.filePath("classifier-report");
        const test::CliRun e = test::runCli({"evaluate", "--model", run + "/classifier", "--benchmark", "scene",
                                             "--images", images, "--out", report});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QVERIFY2(e.err.contains("folder-classifier: 4 answered"), qPrintable(e.err));
        QVERIFY(QFile::exists(report + "/metrics.json"));
        QCOMPARE(test::runCli({"evaluate", "--model", run + "/classifier", "--benchmark", "vqa", "--images", images,
                               "--out", dir_.filePath("vqa-report")})
                     .exitCode,
                 2);
        // A class folder that names no class is refused, naming it.
        QVERIFY(QDir().mkpath(images + "/lava"));
        QFile::copy(images + "/forest/0.ppm", images + "/lava/0.ppm");
        const test::CliRun stray = test::runCli({"aspects", images, "--model", modelFolder_, "--preset", "ucm",
                                                 "--store-size", "32", "--image-size", "24", "--out",
                                                 dir_.filePath("stray-targets")});
        QCOMPARE(stray.exitCode, 1);
        QVERIFY2(stray.err.contains("lava"), qPrintable(stray.err));
    }
};

QTEST_GUILESS_MAIN(AnalysisTest)
#include "tst_analysis.moc"
