// geolens-cli evaluate as a user runs it: a UCMerced-style folder of real imagery, a random tiny
// model and a scripted one whose answer is known, the report folder's files, --resume after an
// interruption, and the errors a user meets (a wrong model folder, a report folder in use).

#include "CliRunner.h"
#include "TestRasters.h"
#include "TinyModel.h"

#include <opencv2/imgcodecs.hpp>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using geolens::test::runCli;

namespace {

const QString TokenizerModel = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");

int lineCount(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    return f.readAll().count('\n');
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class CliEvaluateTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!QFile::exists(TokenizerModel))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        cv::Mat source = cv::imread(geolens::test::sampleDataDir() + "/aero1.jpg", cv::IMREAD_COLOR);
        if (source.empty()) {
            source = cv::Mat(480, 640, CV_8UC3);
            cv::randu(source, cv::Scalar::all(0), cv::Scalar::all(255));
        }
        images_ = dir_.filePath("UCMerced_LandUse/Images");
        const char *classes[] = {"forest", "harbor", "river"};
        for (int c = 0; c < 3; ++c) {
            QDir().mkpath(images_ + "/" + classes[c]);
            for (int k = 0; k < 4; ++k) {
                const cv::Rect crop((c * 150 + k * 37) % 380, (k * 53) % 220, 256, 256);
                QVERIFY(cv::imwrite(QString("%1/%2/%2%3.tif").arg(images_, classes[c]).arg(k).toStdString(), source(crop)));
            }
        }
        random_ = dir_.filePath("random-tiny");
        geolens::test::writeTinyModel(random_.toStdString(), {}, geolens::test::TinyLayout::GeoChat,
                                      TokenizerModel.toStdString());
        geolens::test::TinyModelSpec scripted;
        scripted.scriptedAnswer = "Harbor";
        harbor_ = dir_.filePath("always-harbor");
        geolens::test::writeTinyModel(harbor_.toStdString(), scripted, geolens::test::TinyLayout::GeoChat,
                                      TokenizerModel.toStdString());
    }

    void twoModelsOneReport()
    {
        const QString out = dir_.filePath("report");
        const auto r = runCli({"evaluate", "--model", random_, "--model", harbor_, "--benchmark", "scene", "--images",
                               images_, "--out", out, "--image-size", "24", "--device", "cpu", "--max-new-tokens", "8"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject metrics = readJson(out + "/metrics.json");
        QCOMPARE(metrics.keys().size(), 2);
        const QJsonObject harbor = metrics["always-harbor"].toObject();
        // Every answer is "harbor": right on the 4 harbor images of 12.
        QCOMPARE(harbor["oa"].toDouble(), 4.0 / 12.0);
        QCOMPARE(harbor["aa"].toDouble(), 1.0 / 3.0);
        QCOMPARE(harbor["per_class"].toObject()["harbor"].toDouble(), 1.0);
        QVERIFY(harbor["params"].toDouble() > 0);
        QVERIFY(harbor["flops_per_answer"].toDouble() > 0);
        QVERIFY(harbor["seconds_per_question"].toDouble() > 0);
        QCOMPARE(metrics["random-tiny"].toObject()["answered"].toInt(), 12);
        QCOMPARE(lineCount(out + "/predictions-random-tiny.jsonl"), 12);
        // The tables go to stdout and to the report folder, one row per model.
        QVERIFY(r.out.contains("| always-harbor | 33.33 | 33.33 |"));
        QFile csv(out + "/tables.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 3);
        QVERIFY(QFile::exists(out + "/report.html"));
        QCOMPARE(readJson(out + "/evaluation.json")["models"].toArray().size(), 2);

        // Running into the same folder again is refused, naming the file and --resume.
        const auto again = runCli({"evaluate", "--model", harbor_, "--benchmark", "scene", "--images", images_, "--out",
                                   out, "--image-size", "24", "--device", "cpu"});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains("predictions-always-harbor.jsonl") && again.err.contains("--resume"), qPrintable(again.err));
        // --resume with everything answered asks nothing more and rewrites the report.
        const auto resumed = runCli({"evaluate", "--model", harbor_, "--benchmark", "scene", "--images", images_, "--out",
                                     out, "--image-size", "24", "--device", "cpu", "--resume"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QCOMPARE(lineCount(out + "/predictions-always-harbor.jsonl"), 12);
        QVERIFY(resumed.err.contains("12 done before"));

        // The folder joins others in the paper's layout.
        const auto tables = runCli({"paper-tables", out, "--out", dir_.filePath("paper")});
        QVERIFY2(tables.exitCode == 0, qPrintable(tables.err));
        QVERIFY(tables.out.contains("| Model | OA UCMerced_LandUse | AA UCMerced_LandUse |"));
        QVERIFY(QFile::exists(dir_.filePath("paper/paper-tables.csv")));
        const auto notReport = runCli({"paper-tables", images_});
        QCOMPARE(notReport.exitCode, 1);
        QVERIFY(notReport.err.contains("evaluation.json"));
    }

    void interruptedThenResumed()
    {
        const QString out = dir_.filePath("interrupted");
        QProcess p;
        p.start(GEOLENS_CLI_PATH, {"evaluate", "--model", random_, "--benchmark", "scene", "--images", images_, "--out",
                                   out, "--image-size", "24", "--device", "cpu", "--batch", "1", "--max-new-tokens",
                                   "64", "--json"});
        QVERIFY(p.waitForStarted());
        // Ctrl+C once the third answer is on disk.
        bool signalled = false;
        while (p.state() == QProcess::Running && !signalled) {
            p.waitForReadyRead(200);
            while (p.canReadLine()) {
                const QJsonObject event = QJsonDocument::fromJson(p.readLine()).object();
                if (event["event"].toString() == "progress" && event["done"].toInt() >= 3 && !signalled) {
                    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
                    signalled = true;
                }
            }
        }
        QVERIFY(p.waitForFinished(60000));
        QVERIFY(signalled);
        QCOMPARE(p.exitCode(), 130);
        const int answered = lineCount(out + "/predictions-random-tiny.jsonl");
        QVERIFY2(answered >= 3 && answered < 12, qPrintable(QString::number(answered)));
        // The answers so far are scored.
        QCOMPARE(readJson(out + "/metrics.json")["random-tiny"].toObject()["answered"].toInt(), answered);

        const auto r = runCli({"evaluate", "--model", random_, "--benchmark", "scene", "--images", images_, "--out", out,
                               "--image-size", "24", "--device", "cpu", "--batch", "1", "--max-new-tokens", "64", "--resume"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(lineCount(out + "/predictions-random-tiny.jsonl"), 12);
        QCOMPARE(readJson(out + "/metrics.json")["random-tiny"].toObject()["answered"].toInt(), 12);
    }

    // Questions of different lengths share a batch through left padding: the answers are the ones
    // asked one at a time.
    void batchingDoesNotChangeAnswers()
    {
        const QString folder = dir_.filePath("rsvqa");
        QDir().mkpath(folder + "/Images_LR");
        for (int i = 0; i < 3; ++i)
            QVERIFY(QFile::copy(QString("%1/forest/forest%2.tif").arg(images_).arg(i), QString("%1/Images_LR/%2.tif").arg(folder).arg(i)));
        QFile questions(folder + "/LR_split_test_questions.json");
        QVERIFY(questions.open(QIODevice::WriteOnly));
        questions.write(R"({"questions": [
 {"id": 0, "img_id": 0, "type": "presence", "question": "Is there a road?", "answers_ids": [0], "active": true},
 {"id": 1, "img_id": 1, "type": "comp", "question": "Are there more buildings than water areas in the image?", "answers_ids": [1], "active": true},
 {"id": 2, "img_id": 2, "type": "rural_urban", "question": "Is it a rural or an urban area?", "answers_ids": [2], "active": true},
 {"id": 3, "img_id": 0, "type": "count", "question": "How many buildings?", "answers_ids": [3], "active": true},
 {"id": 4, "img_id": 1, "type": "presence", "question": "Is there a small residential building in the bottom left part of the picture?", "answers_ids": [4], "active": true}]})");
        questions.close();
        QFile answers(folder + "/LR_split_test_answers.json");
        QVERIFY(answers.open(QIODevice::WriteOnly));
        answers.write(R"({"answers": [{"id": 0, "answer": "yes"}, {"id": 1, "answer": "no"}, {"id": 2, "answer": "urban"},
 {"id": 3, "answer": "12"}, {"id": 4, "answer": "no"}]})");
        answers.close();
        QStringList outputs;
        for (const char *batch : {"1", "5"}) {
            const QString out = folder + "/report-batch-" + batch;
            const auto r = runCli({"evaluate", "--model", random_, "--benchmark", "vqa", "--questions", questions.fileName(),
                                   "--images", folder + "/Images_LR", "--out", out, "--image-size", "24", "--device",
                                   "cpu", "--batch", batch, "--max-new-tokens", "24"});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QFile predictions(out + "/predictions-random-tiny.jsonl");
            QVERIFY(predictions.open(QIODevice::ReadOnly));
            QStringList texts;
            for (const QByteArray &line : predictions.readAll().split('\n'))
                if (!line.isEmpty())
                    texts << QJsonDocument::fromJson(line).object()["answer"].toString();
            QCOMPARE(texts.size(), 5);
            outputs << texts.join(QLatin1Char('\n'));
        }
        QCOMPARE(outputs[0], outputs[1]);
    }

    void mistakesAreClearErrors()
    {
        // A wrong second model folder is found before the first model is run.
        const QString out = dir_.filePath("mistakes");
        const auto r = runCli({"evaluate", "--model", harbor_, "--model", dir_.filePath("no-such-model"), "--benchmark",
                               "scene", "--images", images_, "--out", out, "--device", "cpu"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no-such-model"), qPrintable(r.err));
        QVERIFY(!QFile::exists(out + "/predictions-always-harbor.jsonl"));
        const auto noTokenizer = runCli({"evaluate", "--model", "random:tiny", "--benchmark", "scene", "--images", images_,
                                         "--out", out});
        QCOMPARE(noTokenizer.exitCode, 2);
        QVERIFY(noTokenizer.err.contains("--tokenizer"));
        const auto timing = runCli({"evaluate", "--model", "random:tiny", "--tokenizer", TokenizerModel, "--benchmark",
                                    "scene", "--images", images_, "--out", dir_.filePath("timing"), "--limit", "4",
                                    "--max-new-tokens", "4", "--device", "cpu"});
        QVERIFY2(timing.exitCode == 0, qPrintable(timing.err));
        QCOMPARE(readJson(dir_.filePath("timing/metrics.json"))["random-tiny"].toObject()["answered"].toInt(), 4);
        const auto usage = runCli({"evaluate", "--model", harbor_, "--benchmark", "colour", "--images", images_, "--out", out});
        QCOMPARE(usage.exitCode, 2);
        QVERIFY(usage.err.contains("--benchmark must be"));
        const auto noFile = runCli({"evaluate", "--model", harbor_, "--benchmark", "vqa", "--questions",
                                    dir_.filePath("LR_split_test_questions.json"), "--images", images_, "--out", out});
        QCOMPARE(noFile.exitCode, 1);
        QVERIFY(noFile.err.contains("LR_split_test_questions.json"));
    }

private:
    QTemporaryDir dir_;
    QString images_, random_, harbor_;
};

QTEST_GUILESS_MAIN(CliEvaluateTest)
#include "tst_cli_evaluate.moc"
