// The evaluation's metrics, each against values worked out by hand on small cases, and the job
// that answers a benchmark (with a scripted model whose answers are known), its resumable
// predictions and the report's tables.

#include "ScriptedEvaluationModel.h"

#include "common/Error.h"
#include "common/JsonIo.h"
#include "evaluation/AnswerNormalisation.h"
#include "evaluation/BoxMetrics.h"
#include "evaluation/EvaluationJob.h"
#include "evaluation/EvaluationScorer.h"
#include "evaluation/PaperTables.h"
#include "evaluation/PredictionLog.h"
#include "evaluation/ReportTables.h"
#include "evaluation/SceneMetrics.h"
#include "evaluation/VqaMetrics.h"
#include "geometry/RotatedIou.h"
#include "model/FlopCount.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace geolens;

namespace {

Quadrilateral square(double x, double y, double side)
{
    return {Point2{x, y}, Point2{x + side, y}, Point2{x + side, y + side}, Point2{x, y + side}};
}

// Three scene questions in memory, images "read" by the reader from their names.
BenchmarkDataset sceneDataset()
{
    BenchmarkDataset d;
    d.task = BenchmarkTask::Scene;
    d.name = "mini";
    d.classes = {"beach", "dense residential", "forest"};
    const char *rows[][2] = {{"beach/1.tif", "beach"},
                             {"beach/2.tif", "beach"},
                             {"denseresidential/1.tif", "dense residential"},
                             {"forest/1.tif", "forest"},
                             {"forest/2.tif", "forest"}};
    for (const auto &row : rows) {
        BenchmarkItem item;
        item.id = row[0];
        item.image = row[0];
        item.question = "Classify";
        item.answer = row[1];
        d.items.push_back(item);
    }
    return d;
}

RgbImage fakeImage(const std::string &path)
{
    if (path.find("missing") != std::string::npos)
        throw FileError(path, "does not exist.");
    // The width tells the scripted model which image it sees; the first byte, which of two.
    RgbImage image{static_cast<int>(path.size()), 10, std::vector<std::uint8_t>(path.size() * 30, 0)};
    image.pixels[0] = static_cast<std::uint8_t>(path[path.size() - 5]);
    return image;
}

} // namespace

class EvaluationMetricsTest : public QObject {
    Q_OBJECT

private slots:
    void normalisationFollowsGeoChat()
    {
        QCOMPARE(sceneClassKey("Dense Residential."), std::string("denseresidential"));
        QCOMPARE(sceneClassKey("baseball_diamond"), std::string("baseballdiamond"));
        QCOMPARE(vqaAnswerKey(" Yes."), std::string("yes"));
        QVERIFY(vqaAnswerKey("Yes, there is") != vqaAnswerKey("yes")); // GeoChat counts it wrong
        QCOMPARE(vqaAnswerKey("between 10m2 and 100m2"), vqaAnswerKey("Between 10m2 and 100m2."));
    }

    void sceneMetricsByHand()
    {
        SceneMetrics m({"beach", "dense residential", "forest"});
        // beach: 2 of 3 right; dense residential: 0 of 1 (answered "forest"); forest: 1 of 2, one
        // answer naming no class.
        QCOMPARE(m.add(0, "Beach."), 0);
        QCOMPARE(m.add(0, "beach"), 0);
        QCOMPARE(m.add(0, "sea"), SceneMetrics::NoClass);
        QCOMPARE(m.add(1, "forest"), 2);
        QCOMPARE(m.add(2, "Forest"), 2);
        QCOMPARE(m.add(2, "trees"), SceneMetrics::NoClass);
        QCOMPARE(m.add(1, "DenseResidential"), 1);
        QCOMPARE(m.total(), std::int64_t(7));
        QCOMPARE(m.overallAccuracy(), 4.0 / 7.0);
        QCOMPARE(m.averageAccuracy(), (2.0 / 3.0 + 1.0 / 2.0 + 1.0 / 2.0) / 3.0);
        const Json j = m.toJson();
        QCOMPARE(j["no_class_answers"].get<int>(), 2);
        QCOMPARE(j["confusion"]["columns"].size(), std::size_t(4));
        QCOMPARE(j["confusion"]["matrix"][0].dump(), std::string("[2,0,0,1]"));
        QCOMPARE(j["confusion"]["matrix"][1].dump(), std::string("[0,1,1,0]"));
        QCOMPARE(j["confusion"]["matrix"][2].dump(), std::string("[0,0,1,1]"));
        QCOMPARE(j["per_class"]["dense residential"].get<double>(), 0.5);
        // A class without images has no accuracy and does not enter AA.
        SceneMetrics sparse({"a", "b"});
        sparse.add(0, "a");
        QVERIFY(sparse.toJson()["per_class"]["b"].is_null());
        QCOMPARE(sparse.averageAccuracy(), 1.0);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, sparse.add(5, "a"));
    }

    void vqaOverallAndMeanOfTypesDiffer()
    {
        VqaMetrics m;
        // presence: 3 of 4 right; comparison: 0 of 1.
        QVERIFY(m.add("presence", "yes", "Yes"));
        QVERIFY(m.add("presence", "no", "no."));
        QVERIFY(m.add("presence", "yes", "yes"));
        QVERIFY(!m.add("presence", "no", "yes"));
        QVERIFY(!m.add("comparison", "yes", "no"));
        QCOMPARE(m.overall(), 3.0 / 5.0);
        QCOMPARE(m.meanOfTypes(), (0.75 + 0.0) / 2.0);
        const Json j = m.toJson();
        QCOMPARE(j["accuracy_by_type"].begin().key(), std::string("presence")); // RSVQA's order
        QCOMPARE(j["questions_by_type"]["comparison"].get<int>(), 1);
    }

    void quadrilateralIouByHand()
    {
        QCOMPARE(quadrilateralIou(square(0, 0, 2), square(1, 0, 2)), 2.0 / 6.0);
        // Winding does not matter.
        Quadrilateral reversed = square(1, 0, 2);
        std::reverse(reversed.begin(), reversed.end());
        QCOMPARE(quadrilateralIou(square(0, 0, 2), reversed), 2.0 / 6.0);
        QCOMPARE(quadrilateralIou(square(0, 0, 2), square(5, 5, 1)), 0.0);
        // A square and the same square turned 45 degrees about its centre: the octagon they share
        // has area 8 (sqrt 2 - 1) for side 2, over a union of 8 - that.
        const double c = std::sqrt(2.0);
        const Quadrilateral diamond{Point2{1, 1 - c}, Point2{1 + c, 1}, Point2{1, 1 + c}, Point2{1 - c, 1}};
        const double inter = 8.0 * (c - 1.0);
        QVERIFY(std::abs(quadrilateralIou(square(0, 0, 2), diamond) - inter / (8.0 - inter)) < 1e-12);
        const Quadrilateral degenerate{Point2{0, 0}, Point2{1, 0}, Point2{2, 0}, Point2{3, 0}};
        QCOMPARE(quadrilateralIou(degenerate, square(0, 0, 1)), 0.0);
    }

    void boxesMatchOneToOneGreedily()
    {
        const std::vector<Quadrilateral> truth{square(0, 0, 10), square(20, 0, 10)};
        // One box covers the first object exactly, a second one half-overlaps the first object
        // too (a duplicate, which must not count for the second object).
        const std::vector<Quadrilateral> predicted{square(0, 0, 10), square(5, 0, 10)};
        QCOMPARE(BoxMetrics::matchCount(predicted, truth, 0.5), 1);
        QCOMPARE(BoxMetrics::matchCount(predicted, truth, 0.25), 1);
        // Shifted by 5 of 10: IoU 1/3, found at 0.25 only.
        QCOMPARE(BoxMetrics::matchCount({square(25, 0, 10)}, truth, 0.5), 0);
        QCOMPARE(BoxMetrics::matchCount({square(25, 0, 10)}, truth, 0.25), 1);
        // Greedy by IoU: the best pair is taken first even when listed last.
        QCOMPARE(BoxMetrics::matchCount({square(2, 0, 10), square(0, 0, 10)}, {square(0, 0, 10)}, 0.5), 1);

        BoxMetrics m;
        const BoxOutcome a = m.add("ref", "small", truth, predicted);
        QCOMPARE(a.hits50, 1);
        QCOMPARE(a.bestIou, 1.0);
        m.add("ref", "large", {square(0, 0, 10)}, {});
        m.add("grounding", "small", {square(0, 0, 10)}, {square(25, 0, 10), square(0, 0, 10)});
        // objects 4; found at 0.5: 1 + 0 + 1.
        QCOMPARE(m.accuracy50(), 2.0 / 4.0);
        const Json j = m.toJson();
        QCOMPARE(j["answers_without_box"].get<int>(), 1);
        QCOMPARE(j["by_size_group"].begin().key(), std::string("small"));
        QCOMPARE(j["by_size_group"]["small"]["acc@0.5"].get<double>(), 2.0 / 3.0);
        QCOMPARE(j["by_size_group"]["large"]["acc@0.25"].get<double>(), 0.0);
        QCOMPARE(j["by_type"]["grounding"]["objects"].get<int>(), 1);
    }

    void gridBoxesLandInThePaddedImagesPixels()
    {
        // A 200 x 100 image is padded to 200 x 200 with 50 rows above: grid (0, 25)-(50, 75) is
        // pixels (0, 0)-(100, 100).
        const auto quads = BoxMetrics::gridBoxesToPixels({RotatedBox::fromCorners(0, 25, 50, 75, 0)}, 200, 100);
        QCOMPARE(quads.size(), std::size_t(1));
        QVERIFY(std::abs(quadrilateralIou(quads[0], square(0, 0, 100)) - 1.0) < 1e-12);
    }

    void flopsFollowTheirDefinition()
    {
        ModelConfig c;
        c.text.hiddenSize = 8;
        c.text.intermediateSize = 16;
        c.text.layers = 2;
        c.text.heads = c.text.kvHeads = 2;
        c.text.vocabSize = 10;
        c.vision.hiddenSize = 4;
        c.vision.intermediateSize = 8;
        c.vision.layers = 3;
        c.vision.patchSize = 2;
        c.inputSize = 4; // 2 x 2 patches
        c.selectLayer = -2;
        c.projectorDepth = 2;
        // Vision: 5 tokens, 2 layers: 4 patches x 12 x 4 + 2 x (5 x (64 + 64) + 2 x 25 x 4) = 192 + 1680,
        // projector 4 x 4 x 8 + 4 x 8 x 8 = 384; times two.
        QCOMPARE(visionFlops(c), 2.0 * (192 + 1680 + 384));
        // Decoder: 2 layers x (2 x 64 + 2 x 64 + 3 x 128) = 1280 per token. Prompt of 3: 3840 and
        // attention 2 x 2 x 8 x (1 + 2 + 3) = 192. Two generated: one step at position 3
        // (1280 + 2 x 2 x 8 x 4 = 1408) and two heads (2 x 80).
        QCOMPARE(flopsPerAnswer(c, 3, 2) - visionFlops(c), 2.0 * (3840 + 192 + 1408 + 160));
    }

    void predictionLogSurvivesATornLine()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("p.jsonl").toStdString();
        {
            PredictionLog log(path);
            PredictionRecord r;
            r.id = "a";
            r.answer = "beach";
            log.append({r});
        }
        { // a crash in the middle of the next line
            std::ofstream out(path, std::ios::app);
            out << "{\"id\":\"b\",\"ans";
        }
        int bad = 0;
        QCOMPARE(PredictionLog::read(path, &bad).size(), std::size_t(1));
        QCOMPARE(bad, 1);
        {
            PredictionLog log(path); // cuts the torn line
            PredictionRecord r;
            r.id = "b";
            r.answer = "forest";
            r.imageWidth = 7;
            log.append({r});
        }
        const auto records = PredictionLog::read(path, &bad);
        QCOMPARE(bad, 0);
        QCOMPARE(records.size(), std::size_t(2));
        QCOMPARE(records[1].answer, std::string("forest"));
        QCOMPARE(records[1].imageWidth, 7);
    }

    void jobScoresScriptedAnswersExactly()
    {
        QTemporaryDir dir;
        const BenchmarkDataset dataset = sceneDataset();
        // Right on beach/1, forest/1 and forest/2; beach/2 answered "forest"; the dense
        // residential one answers with no class.
        test::ScriptedEvaluationModel model([](const RgbImage &image, const std::string &) {
            if (image.width == 22) // "denseresidential/1.tif"
                return std::string("I see houses");
            if (image.width == 11 && image.pixels[0] == '1') // "beach/1.tif"
                return std::string("Beach");
            return std::string("forest");
        });
        EvaluationOptions options;
        options.batch = 2;
        EvaluationJob job(dataset, dir.path().toStdString(), fakeImage, options);
        job.prepare({"scripted"});
        JobProgress progress;
        const ModelRunSummary summary = job.run("scripted", model, progress);
        QCOMPARE(summary.answered, 5);
        QCOMPARE(model.batches, 3);
        const auto predictions = PredictionLog::read(EvaluationJob::predictionsPath(dir.path().toStdString(), "scripted"));
        QCOMPARE(predictions.size(), std::size_t(5));
        const EvaluationScorer scorer(dataset, job.questions(), nullptr);
        const ModelEvaluation e = scorer.score(predictions, 1234);
        QCOMPARE(e.metrics["oa"].get<double>(), 3.0 / 5.0);
        QCOMPARE(e.metrics["aa"].get<double>(), (0.5 + 0.0 + 1.0) / 3.0);
        QCOMPARE(e.metrics["no_class_answers"].get<int>(), 1);
        QCOMPARE(e.metrics["params"].get<int>(), 1234);
        QCOMPARE(e.metrics["flops_per_answer"].get<double>(), 1e9);
        QCOMPARE(e.questions[1].predicted, std::string("forest"));
        QCOMPARE(e.questions[2].predicted, std::string("(no class)"));
        QVERIFY(e.metrics["time_outside_model"].get<double>() >= 0.0);
    }

    void interruptedRunResumesWithoutRepeating()
    {
        QTemporaryDir dir;
        const std::string reportDir = dir.path().toStdString();
        const BenchmarkDataset dataset = sceneDataset();
        test::ScriptedEvaluationModel first([](const RgbImage &, const std::string &) { return std::string("beach"); });
        first.cancelAfterBatches = 1; // Ctrl+C during the second batch
        EvaluationOptions options;
        options.batch = 2;
        {
            EvaluationJob job(dataset, reportDir, fakeImage, options);
            job.prepare({"m"});
            JobProgress progress;
            QVERIFY_THROWS_EXCEPTION(Canceled, job.run("m", first, progress));
        }
        QCOMPARE(PredictionLog::read(EvaluationJob::predictionsPath(reportDir, "m")).size(), std::size_t(2));
        // Without --resume the folder is refused, naming the file.
        EvaluationJob again(dataset, reportDir, fakeImage, options);
        try {
            again.prepare({"m"});
            QFAIL("an existing predictions file was overwritten");
        } catch (const FileError &e) {
            QVERIFY(std::string(e.what()).find("predictions-m.jsonl") != std::string::npos);
            QVERIFY(std::string(e.what()).find("--resume") != std::string::npos);
        }
        options.resume = true;
        EvaluationJob resumed(dataset, reportDir, fakeImage, options);
        resumed.prepare({"m"});
        test::ScriptedEvaluationModel second([](const RgbImage &, const std::string &) { return std::string("beach"); });
        JobProgress progress;
        const ModelRunSummary s = resumed.run("m", second, progress);
        QCOMPARE(s.alreadyDone, 2);
        QCOMPARE(second.answered, 3);
        QCOMPARE(PredictionLog::read(EvaluationJob::predictionsPath(reportDir, "m")).size(), std::size_t(5));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, resumed.prepare({"m", "m"}));
    }

    void unreadableImagesAreCountedNotFatal()
    {
        QTemporaryDir dir;
        BenchmarkDataset dataset = sceneDataset();
        dataset.items[1].image = "beach/missing.tif";
        test::ScriptedEvaluationModel model([](const RgbImage &, const std::string &) { return std::string("beach"); });
        EvaluationOptions options;
        options.limit = 3;
        EvaluationJob job(dataset, dir.path().toStdString(), fakeImage, options);
        JobProgress progress;
        const ModelRunSummary s = job.run("m", model, progress);
        QCOMPARE(s.failed, 1);
        QCOMPARE(s.answered, 2);
        const EvaluationScorer scorer(dataset, job.questions(), nullptr);
        const auto e = scorer.score(PredictionLog::read(EvaluationJob::predictionsPath(dir.path().toStdString(), "m")), 0);
        QCOMPARE(e.metrics["questions"].get<int>(), 3);
        QCOMPARE(e.metrics["answered"].get<int>(), 2);
        QCOMPARE(e.metrics["not_answered"]["missing image"].get<int>(), 1);
        QCOMPARE(e.metrics["oa"].get<double>(), 0.5); // beach right, dense residential wrong
    }

    void tablesHaveOneRowPerModel()
    {
        Json metrics;
        metrics["student"] = {{"oa", 0.9124}, {"aa", 0.9}, {"params", 6760720000ULL}, {"flops_per_answer", 2e13},
                              {"seconds_per_question", 0.25}, {"time_outside_model", 0.01}, {"answered", 10},
                              {"questions", 10}, {"not_answered", Json::object()}};
        metrics["teacher, 13B"] = metrics["student"];
        metrics["teacher, 13B"]["oa"] = 0.5;
        const ReportTables t(BenchmarkTask::Scene, "UCM", metrics);
        const std::string md = t.markdown();
        QVERIFY(md.find("| Model | OA UCM | AA UCM |") != std::string::npos);
        QVERIFY(md.find("| student | 91.24 | 90.00 |") != std::string::npos);
        QVERIFY(md.find("| 6760.72 | 20000.00 | 0.250 |") != std::string::npos);
        const std::string csv = t.csv();
        QVERIFY(csv.rfind("model,OA UCM,AA UCM,Params (M),", 0) == 0);
        QVERIFY(csv.find("\n\"teacher, 13B\",50.00,90.00,") != std::string::npos);

        Json vqa;
        vqa["m"] = {{"accuracy_by_type", {{"presence", 0.6}, {"comparison", 0.8}}}, {"overall", 0.7}, {"mean_of_types", 0.7}};
        const ReportTables v(BenchmarkTask::Vqa, "LR", vqa);
        QCOMPARE(v.scoreColumns().size(), std::size_t(4));
        QCOMPARE(v.scoreColumns()[2].header, std::string("Overall (paper's mOA)"));
    }

    void paperTablesJoinRunsInThePapersLayout()
    {
        const auto scene = [](double oa, double aa) {
            return Json{{"oa", oa}, {"aa", aa}, {"params", 6760720000ULL}, {"flops_per_answer", 1.9e13},
                        {"seconds_per_question", 0.1}};
        };
        Json aid, ucm, lr;
        aid["teacher"] = scene(0.6953, 0.5659);
        aid["student"] = scene(0.673, 0.5596);
        ucm["student"] = scene(0.9124, 0.9124);
        lr["student"] = {{"accuracy_by_type", {{"presence", 0.9191}, {"comparison", 0.9288}}}, {"overall", 0.92},
                         {"mean_of_types", 0.924}};
        const PaperTables t({{"scene", "AID", aid}, {"scene", "UCM", ucm}, {"vqa", "LRBEN", lr}});
        const std::string md = t.markdown();
        // Tables 3-4: OA of each dataset, then AA of each; the teacher was not run on UCM.
        QVERIFY2(md.find("| Model | OA AID | OA UCM | AA AID | AA UCM |") != std::string::npos, md.c_str());
        QVERIFY(md.find("| teacher | 69.53 | - | 56.59 | - |") != std::string::npos);
        QVERIFY(md.find("| student | 67.30 | 91.24 | 55.96 | 91.24 |") != std::string::npos);
        QVERIFY(md.find("| LRBEN Presence | LRBEN Comparison | LRBEN Overall (paper's mOA) |") != std::string::npos);
        QVERIFY(md.find("## Size and cost (table 8)") != std::string::npos);
        QVERIFY(md.find("| student | 6760.72 | 19000.00 | 0.100 |") != std::string::npos);
        const std::string csv = t.csv();
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 3L);
    }
};

QTEST_APPLESS_MAIN(EvaluationMetricsTest)
#include "tst_evaluation_metrics.moc"
