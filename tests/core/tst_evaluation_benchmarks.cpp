// Benchmarks in each format people have on disk, made by the test from real imagery (the sample
// aerial photograph and the Chicago GeoTIFF), read by readBenchmark, answered by a scripted model
// whose answers are known, and scored: every metric has a value known in advance. Bad input (a
// malformed line, a missing image, an unknown class, an answer with no box) is counted by reason.

#include "ScriptedEvaluationModel.h"
#include "TestRasters.h"

#include "common/Error.h"
#include "evaluation/BenchmarkReader.h"
#include "evaluation/CaptionTokens.h"
#include "evaluation/EvaluationJob.h"
#include "evaluation/EvaluationReport.h"
#include "evaluation/EvaluationScorer.h"
#include "evaluation/MeteorScore.h"
#include "evaluation/PredictionLog.h"
#include "evaluation/RougeScore.h"
#include "evaluation/WordNetDatabase.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace geolens;

namespace {

// Real imagery when the sample data is there, else a textured picture; crops of it are the
// benchmark images.
cv::Mat sourceImage()
{
    const std::string dir = test::sampleDataDir();
    cv::Mat image = cv::imread(dir + "/aero1.jpg", cv::IMREAD_COLOR);
    if (image.empty()) {
        image = cv::Mat(480, 640, CV_8UC3);
        cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
    }
    return image;
}

// A crop of side x side (its size tells the scripted model which image it is).
void writeCrop(const cv::Mat &source, const QString &path, int side, int offset)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const cv::Rect rect(offset % (source.cols - side), offset % (source.rows - side), side, side);
    QVERIFY(cv::imwrite(path.toStdString(), source(rect).clone()));
}

RgbImage readImage(const std::string &path)
{
    const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty())
        throw FileError(path, "is not an image.");
    RgbImage image{bgr.cols, bgr.rows, std::vector<std::uint8_t>(static_cast<std::size_t>(bgr.total()) * 3)};
    for (int y = 0; y < bgr.rows; ++y)
        for (int x = 0; x < bgr.cols; ++x)
            for (int c = 0; c < 3; ++c)
                image.pixels[(static_cast<std::size_t>(y) * bgr.cols + x) * 3 + c] = bgr.at<cv::Vec3b>(y, x)[2 - c];
    return image;
}

void writeText(const QString &path, const std::string &text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << text;
}

ModelEvaluation answerAndScore(const BenchmarkDataset &dataset, const QString &reportDir,
                               test::ScriptedEvaluationModel::Script script, const WordNetDatabase *wordnet = nullptr)
{
    test::ScriptedEvaluationModel model(std::move(script));
    EvaluationOptions options;
    options.batch = 3;
    EvaluationJob job(dataset, reportDir.toStdString(), readImage, options);
    job.prepare({"m"});
    JobProgress progress;
    job.run("m", model, progress);
    const EvaluationScorer scorer(dataset, job.questions(), wordnet);
    return scorer.score(PredictionLog::read(EvaluationJob::predictionsPath(reportDir.toStdString(), "m")), 42);
}

const BenchmarkIssue *findIssue(const BenchmarkDataset &d, const std::string &reason)
{
    for (const BenchmarkIssue &i : d.issues)
        if (i.reason == reason)
            return &i;
    return nullptr;
}

} // namespace

class EvaluationBenchmarksTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        source_ = sourceImage();
    }

    // UCMerced_LandUse/Images/<class>/*.tif; AID's and NWPU's folders of .jpg are read the same.
    void sceneClassFolders()
    {
        const QString images = dir_.filePath("UCMerced_LandUse/Images");
        // Side 64: forest, 80: denseresidential, 96: river.
        for (int k = 0; k < 3; ++k) {
            writeCrop(source_, images + QString("/forest/forest%1.tif").arg(k), 64, 10 + 37 * k);
            writeCrop(source_, images + QString("/denseresidential/denseresidential%1.tif").arg(k), 80, 50 + 41 * k);
        }
        writeCrop(source_, images + "/river/river0.jpg", 96, 7);
        writeText(images + "/river/notes.txt", "not an image");
        writeText(images + "/river/river0.jpg.aux.xml", "<PAMDataset/>"); // GDAL's sidecar: ignored
        QDir().mkpath(images + "/emptyclass");
        const BenchmarkDataset d = readBenchmark(BenchmarkTask::Scene, "", images.toStdString());
        QCOMPARE(d.format, std::string("class-folders"));
        QCOMPARE(d.name, std::string("UCMerced_LandUse"));
        QCOMPARE(d.items.size(), std::size_t(7));
        // Folder names read as the dataset's own class wording, and only folders with images.
        QCOMPARE(d.classes, (std::vector<std::string>{"dense residential", "forest", "river"}));
        QCOMPARE(d.items.front().id, std::string("denseresidential/denseresidential0.tif"));
        QVERIFY(d.items.front().question.find("dense residential, forest, river") != std::string::npos);
        QCOMPARE(d.issueCounts().at("not an image file"), 1);

        // The model gets forest right, calls one dense residential area "forest" and the others
        // "Dense residential.", and answers the river with no class at all.
        const auto e = answerAndScore(d, dir_.filePath("scene-report"), [](const RgbImage &image, const std::string &) {
            if (image.width == 64)
                return std::string("Forest");
            if (image.width == 80)
                return std::string(image.pixels[0] % 3 == 0 ? "forest" : "Dense residential.");
            return std::string("water");
        });
        // Which dense residential crop starts with a pixel divisible by 3 depends on the imagery;
        // count from the answers instead of guessing.
        int denseRight = 0;
        for (const ScoredQuestion &q : e.questions)
            denseRight += q.truth == "dense residential" && q.correct ? 1 : 0;
        QCOMPARE(e.metrics["oa"].get<double>(), (3.0 + denseRight) / 7.0);
        QCOMPARE(e.metrics["aa"].get<double>(), (denseRight / 3.0 + 1.0 + 0.0) / 3.0);
        QCOMPARE(e.metrics["confusion"]["matrix"][2].dump(), std::string("[0,0,0,1]")); // river -> (no class)
        QCOMPARE(e.metrics["confusion"]["matrix"][0][1].get<int>(), 3 - denseRight);
        QCOMPARE(e.metrics["no_class_answers"].get<int>(), 1);

        // Only some classes asked for: the others are reported, not scored.
        BenchmarkReadOptions only;
        only.classes = {"forest", "river"};
        const BenchmarkDataset two = readBenchmark(BenchmarkTask::Scene, "", images.toStdString(), only);
        QCOMPARE(two.classes.size(), std::size_t(2));
        QVERIFY(findIssue(two, "unknown class"));
    }

    // GeoChat's scene JSONL (aid.jsonl): the class is the question id's folder; GeoChat-Bench's AID
    // file names .jpg images .png.
    void sceneGeoChatJsonl()
    {
        const QString images = dir_.filePath("AID");
        writeCrop(source_, images + "/Forest/forest_1.jpg", 64, 3);
        writeCrop(source_, images + "/Viaduct/viaduct_1.jpg", 80, 9);
        const std::string prompt = "Classify the image from the following classes. Classes: Forest, Viaduct\\nAnswer in one word or a short phrase.";
        writeText(dir_.filePath("aid.jsonl"),
                  "{\"question_id\": \"Forest/forest_1.jpg\", \"image\": \"Forest/forest_1.jpg\", \"text\": \"" + prompt + "\", \"ground_truth\": \"Forest\"}\n"
                  "{\"question_id\": \"Viaduct/viaduct_1.png\", \"image\": \"Viaduct/viaduct_1.png\", \"text\": \"" + prompt + "\", \"ground_truth\": \"Viaductgt\"}\n"
                  "{\"question_id\": \"Viaduct/viaduct_9.jpg\", \"image\": \"Viaduct/viaduct_9.jpg\", \"text\": \"" + prompt + "\"}\n"
                  "{\"question_id\": \"Forest/broken\n"
                  "\n");
        const BenchmarkDataset d = readBenchmark(BenchmarkTask::Scene, dir_.filePath("aid.jsonl").toStdString(), images.toStdString());
        QCOMPARE(d.items.size(), std::size_t(2));
        // Known classes take the dataset's wording (AID's "DenseResidential" reads "dense residential").
        QCOMPARE(d.classes, (std::vector<std::string>{"forest", "viaduct"}));
        QCOMPARE(d.items[0].question, std::string("Classify the image from the following classes. Classes: Forest, Viaduct\nAnswer in one word or a short phrase."));
        const auto counts = d.issueCounts();
        QCOMPARE(counts.at("malformed line"), 1);
        QCOMPARE(counts.at("missing image"), 1);
        QCOMPARE(counts.at("image extension corrected"), 1);
        QVERIFY(findIssue(d, "malformed line")->where == "aid.jsonl:4");
        const auto e = answerAndScore(d, dir_.filePath("aid-report"), [](const RgbImage &, const std::string &) {
            return std::string("viaduct");
        });
        QCOMPARE(e.metrics["oa"].get<double>(), 0.5);
    }

    // RSVQA-LR's three JSON files; inactive entries skipped; "comp" read as comparison.
    void rsvqaLowResolution()
    {
        const QString images = dir_.filePath("RSVQA-LR/Images_LR");
        writeCrop(source_, images + "/0.tif", 64, 0);
        writeCrop(source_, images + "/1.tif", 80, 30);
        const QString base = dir_.filePath("RSVQA-LR/LR_split_test_");
        writeText(base + "questions.json",
                  R"({"questions": [
 {"id": 0, "img_id": 0, "type": "presence", "question": "Is there a road?", "answers_ids": [0], "active": true},
 {"id": 1, "img_id": 0, "type": "comp", "question": "Are there more buildings than water areas?", "answers_ids": [1], "active": true},
 {"id": 2, "active": false},
 {"id": 3, "img_id": 1, "type": "rural_urban", "question": "Is it a rural or an urban area?", "answers_ids": [3], "active": true},
 {"id": 4, "img_id": 1, "type": "count", "question": "How many buildings are there?", "answers_ids": [4], "active": true},
 {"id": 5, "img_id": 1, "type": "presence", "question": "Is there a farmland?", "answers_ids": [5], "active": true},
 {"id": 6, "img_id": 7, "type": "presence", "question": "Is there water?", "answers_ids": [6], "active": true},
 {"id": 7, "img_id": 1, "type": "presence", "question": "Is there a lake?"}
]})");
        writeText(base + "answers.json",
                  R"({"answers": [{"id": 0, "question_id": 0, "answer": "yes", "active": true},
 {"id": 1, "question_id": 1, "answer": "no", "active": true}, {"id": 2, "active": false},
 {"id": 3, "question_id": 3, "answer": "urban", "active": true}, {"id": 4, "question_id": 4, "answer": "12", "active": true},
 {"id": 5, "question_id": 5, "answer": "no", "active": true}, {"id": 6, "question_id": 6, "answer": "yes", "active": true}]})");
        writeText(base + "images.json", R"({"images": [{"id": 0, "active": true}, {"id": 1, "active": true}]})");
        const BenchmarkDataset d =
            readBenchmark(BenchmarkTask::Vqa, (base + "questions.json").toStdString(), images.toStdString());
        QCOMPARE(d.format, std::string("rsvqa-lr"));
        QCOMPARE(d.name, std::string("LR_split_test"));
        QCOMPARE(d.items.size(), std::size_t(5));
        QCOMPARE(d.items[1].type, std::string("comparison"));
        QVERIFY(d.items[0].question.find("Is there a road?\nAnswer the question using a single word or phrase.") == 0);
        QCOMPARE(d.issueCounts().at("missing image"), 1);    // image 7
        QCOMPARE(d.issueCounts().at("malformed record"), 1); // no answers_ids
        // Yes to every presence question, "No." to the comparison, "urban", "10".
        const auto e = answerAndScore(d, dir_.filePath("lr-report"), [](const RgbImage &, const std::string &q) {
            if (q.find("Is there") == 0)
                return std::string("Yes");
            if (q.find("Are there more") == 0)
                return std::string("No.");
            if (q.find("rural") != std::string::npos)
                return std::string("Urban");
            return std::string("10");
        });
        QCOMPARE(e.metrics["accuracy_by_type"]["presence"].get<double>(), 0.5);
        QCOMPARE(e.metrics["accuracy_by_type"]["comparison"].get<double>(), 1.0);
        QCOMPARE(e.metrics["accuracy_by_type"]["rural_urban"].get<double>(), 1.0);
        QCOMPARE(e.metrics["accuracy_by_type"]["count"].get<double>(), 0.0);
        QCOMPARE(e.metrics["overall"].get<double>(), 3.0 / 5.0);
        QCOMPARE(e.metrics["mean_of_types"].get<double>(), (0.5 + 1.0 + 1.0 + 0.0) / 4.0);

        // The paper's LR protocol leaves count out.
        BenchmarkReadOptions paper;
        paper.vqaTypes = {"presence", "comp", "rural_urban"};
        const BenchmarkDataset noCount =
            readBenchmark(BenchmarkTask::Vqa, (base + "questions.json").toStdString(), images.toStdString(), paper);
        QCOMPARE(noCount.items.size(), std::size_t(4));
        QCOMPARE(noCount.skippedTypes.at("count"), 1);
    }

    // GeoChat-Bench's lrben.jsonl carries no ground truth: a clear error; with ground truth it is read.
    void vqaGeoChatJsonl()
    {
        const QString images = dir_.filePath("RSVQA-LR/Images_LR");
        writeText(dir_.filePath("lrben.jsonl"),
                  "{\"question_id\": 0, \"image\": \"0.tif\", \"text\": \"Is there a road?\\nAnswer the question using a single word or phrase.\", \"category\": \"presence\"}\n");
        try {
            readBenchmark(BenchmarkTask::Vqa, dir_.filePath("lrben.jsonl").toStdString(), images.toStdString());
            QFAIL("a VQA file without answers was accepted");
        } catch (const FileError &e) {
            QVERIFY(std::string(e.what()).find("lrben.jsonl") != std::string::npos);
            QVERIFY(std::string(e.what()).find("LR_split_test_questions.json") != std::string::npos);
        }
        writeText(dir_.filePath("lrben-gt.jsonl"),
                  "{\"question_id\": 0, \"image\": \"0.tif\", \"text\": \"Is there a road?\", \"category\": \"presence\", \"ground_truth\": \"yes\"}\n"
                  "{\"question_id\": 1, \"image\": \"1.tif\", \"text\": \"Is it urban?\", \"category\": \"comp\", \"ground_truth\": \"no\"}\n");
        const BenchmarkDataset d = readBenchmark(BenchmarkTask::Vqa, dir_.filePath("lrben-gt.jsonl").toStdString(), images.toStdString());
        QCOMPARE(d.items.size(), std::size_t(2));
        QCOMPARE(d.items[1].type, std::string("comparison"));
    }

    // GeoChat's referring.jsonl: pixel polygons; "ref" rows are referring, the rest grounding.
    void referringAndGrounding()
    {
        const QString images = dir_.filePath("GeoChat/images");
        writeCrop(source_, images + "/P0001.png", 200, 5);   // square: grid units of 2 px
        writeCrop(source_, images + "/train_1.png", 100, 40); // 1 px per grid unit
        const std::string square20 = "[[20.0, 20.0], [60.0, 20.0], [60.0, 60.0], [20.0, 60.0]]";  // grid 10-30
        const std::string square100 = "[[100.0, 100.0], [140.0, 100.0], [140.0, 140.0], [100.0, 140.0]]"; // grid 50-70
        writeText(dir_.filePath("referring.jsonl"),
                  "{\"question_id\": \"sota_1\", \"image_id\": \"P0001\", \"question\": \"the two planes\", \"ground_truth\": [" + square20 + ", " + square100 + "], \"type\": \"ref\", \"dataset\": \"SOTA\", \"obj_ids\": [1, 2], \"size_group\": \"small\"}\n"
                  "{\"question_id\": \"fast_2\", \"image_id\": \"train_1\", \"question\": \"the ship\", \"ground_truth\": [[[10, 10], [30, 10], [30, 30], [10, 30]]], \"type\": \"ref\", \"dataset\": \"FAST\", \"obj_ids\": [3], \"size_group\": \"large\"}\n"
                  "{\"question_id\": \"fast_3\", \"image_id\": \"train_1\", \"question\": \"the pond\", \"ground_truth\": [[[10, 10], [30, 10], [30, 30], [10, 30]]], \"type\": \"ref\", \"dataset\": \"FAST\", \"obj_ids\": [4], \"size_group\": \"large\"}\n"
                  "{\"question_id\": \"fast_4\", \"image_id\": \"train_1\", \"question\": \"a road\", \"ground_truth\": [[10, 10]], \"type\": \"ref\", \"size_group\": \"large\"}\n"
                  "{\"question_id\": \"sota_5\", \"image_id\": \"P0001\", \"question\": \" Describe the image\", \"ground_truth\": [" + square20 + "], \"type\": \"grounding\", \"size_group\": \"medium\"}\n");
        const BenchmarkDataset d = readBenchmark(BenchmarkTask::Referring, dir_.filePath("referring.jsonl").toStdString(), images.toStdString());
        QCOMPARE(d.items.size(), std::size_t(3));
        QCOMPARE(d.items[0].question, std::string("[refer] Give me the location of <p> the two planes </p>"));
        QCOMPARE(d.items[0].objects.size(), std::size_t(2));
        QCOMPARE(d.issueCounts().at("malformed ground truth"), 1);
        // The planes: one exact box, one shifted by half its width (IoU 1/3); the ship exact; the
        // pond answer has no box.
        const auto e = answerAndScore(d, dir_.filePath("ref-report"), [](const RgbImage &image, const std::string &q) {
            if (image.width == 200)
                return std::string("<p>planes</p> {<10><10><30><30>|<0>}{<60><50><80><70>|<0>}");
            if (q.find("ship") != std::string::npos)
                return std::string("{<10><10><30><30>}");
            return std::string("There is no pond.");
        });
        QCOMPARE(e.metrics["objects"].get<int>(), 4);
        QCOMPARE(e.metrics["acc@0.5"].get<double>(), 2.0 / 4.0);
        QCOMPARE(e.metrics["acc@0.25"].get<double>(), 3.0 / 4.0);
        QCOMPARE(e.metrics["answers_without_box"].get<int>(), 1);
        QCOMPARE(e.metrics["by_size_group"]["small"]["acc@0.5"].get<double>(), 0.5);
        QCOMPARE(e.metrics["by_size_group"]["large"]["acc@0.5"].get<double>(), 0.5);
        QCOMPARE(e.questions[0].predictedBoxes.size(), std::size_t(2));

        const BenchmarkDataset g = readBenchmark(BenchmarkTask::Grounding, dir_.filePath("referring.jsonl").toStdString(), images.toStdString());
        QCOMPARE(g.items.size(), std::size_t(1));
        QCOMPARE(g.items[0].question, std::string("[grounding] Describe the image"));
    }

    // GeoChat's region_captioning.jsonl: the question is the box; METEOR needs WordNet.
    void regionCaptions()
    {
        if (!WordNetDatabase::isInstalled())
            QSKIP("WordNet is not installed (Debian package wordnet-base)");
        const WordNetDatabase wordnet = WordNetDatabase::open();
        const QString images = dir_.filePath("GeoChat/images");
        writeText(dir_.filePath("region_captioning.jsonl"),
                  "{\"question_id\": \"c1\", \"image_id\": \"P0001\", \"question\": \"{<10><10><30><30>|<0>}\", \"ground_truth\": \"a white plane parked on the apron\", \"type\": \"identify\"}\n"
                  "{\"question_id\": \"c2\", \"image_id\": \"train_1\", \"question\": \"{<50><50><70><70>|<0>}\", \"ground_truth\": \"a large ship in the harbour\"}\n"
                  "{\"question_id\": \"c3\", \"image_id\": \"train_1\", \"question\": \"{<5><5><7><7>}\"}\n");
        const BenchmarkDataset d = readBenchmark(BenchmarkTask::Caption, dir_.filePath("region_captioning.jsonl").toStdString(), images.toStdString());
        QCOMPARE(d.items.size(), std::size_t(2));
        QCOMPARE(d.items[0].question, std::string("[identify] What is the object present at {<10><10><30><30>|<0>}"));
        QCOMPARE(d.issueCounts().at("no ground truth"), 1);
        const auto e = answerAndScore(d, dir_.filePath("caption-report"), [](const RgbImage &image, const std::string &) {
            return std::string(image.width == 200 ? "A white plane parked on the apron." : "<p>a big ship</p> {<50><50><70><70>|<0>}");
        }, &wordnet);
        // The metrics are those of the preprocessed captions, averaged over the two questions.
        const std::vector<std::pair<std::string, std::string>> pairs{
            {"a white plane parked on the apron", "a white plane parked on the apron"},
            {"a big ship", "a large ship in the harbour"}};
        double rouge1 = 0, meteor = 0;
        for (const auto &[candidate, reference] : pairs) {
            rouge1 += rougeScores(candidate, reference).rouge1 / 2;
            meteor += meteorScore({splitOnWhitespace(reference)}, splitOnWhitespace(candidate), wordnet) / 2;
        }
        QCOMPARE(e.metrics["rouge1"].get<double>(), rouge1);
        QCOMPARE(e.metrics["meteor"].get<double>(), meteor);
        QVERIFY(e.metrics["rouge1"].get<double>() > 0.5);
        QVERIFY(e.metrics["cider"].get<double>() > 0.0);
    }

    void reportFilesAndBadInput()
    {
        const QString images = dir_.filePath("UCMerced_LandUse/Images");
        writeText(images + "/river/river1.tif", "this is not a TIFF"); // unreadable when answered
        const BenchmarkDataset d = readBenchmark(BenchmarkTask::Scene, "", images.toStdString());
        const QString reportDir = dir_.filePath("full-report");
        test::ScriptedEvaluationModel model([](const RgbImage &, const std::string &) { return std::string("forest"); });
        EvaluationJob job(d, reportDir.toStdString(), readImage, {});
        job.prepare({"student"});
        JobProgress progress;
        job.run("student", model, progress);
        const EvaluationReport report(d, job.questions(), reportDir.toStdString());
        const std::vector<EvaluatedModel> models{{"student", "/models/student", "scripted", "none", 42}};
        report.writeManifest(models, "test");
        const Json metrics = report.write(models, nullptr, {});
        QCOMPARE(metrics["student"]["not_answered"]["unreadable image"].get<int>(), 1);
        QCOMPARE(metrics["student"]["answered"].get<int>(), 7);
        for (const char *file : {"evaluation.json", "metrics.json", "tables.md", "tables.csv", "report.html",
                                 "scored-student.jsonl", "predictions-student.jsonl"})
            QVERIFY2(QFile::exists(reportDir + "/" + file), file);
        QFile html(reportDir + "/report.html");
        QVERIFY(html.open(QIODevice::ReadOnly));
        const QByteArray page = html.readAll();
        QVERIFY(page.contains("Confusion matrix of student"));
        QVERIFY(page.contains("<svg"));
        QVERIFY(page.contains("Worst examples"));
        QFile csv(reportDir + "/tables.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(csv.readLine().startsWith("model,OA UCMerced_LandUse,AA UCMerced_LandUse,Params (M)"));

        // A question file that cannot be read names itself.
        try {
            readBenchmark(BenchmarkTask::Caption, dir_.filePath("nope.jsonl").toStdString(), images.toStdString());
            QFAIL("a missing question file was accepted");
        } catch (const FileError &e) {
            QVERIFY(std::string(e.what()).find("nope.jsonl") != std::string::npos);
        }
        writeText(dir_.filePath("garbage.jsonl"), "not json\n[1, 2]\n");
        try {
            readBenchmark(BenchmarkTask::Caption, dir_.filePath("garbage.jsonl").toStdString(), images.toStdString());
            QFAIL("a file with no usable question was accepted");
        } catch (const FileError &e) {
            QVERIFY(std::string(e.what()).find("garbage.jsonl") != std::string::npos);
            QVERIFY(std::string(e.what()).find("no usable question") != std::string::npos);
        }
    }

private:
    QTemporaryDir dir_;
    cv::Mat source_;
};

QTEST_GUILESS_MAIN(EvaluationBenchmarksTest)
#include "tst_evaluation_benchmarks.moc"
