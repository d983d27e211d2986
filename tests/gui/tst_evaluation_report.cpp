// The evaluation GUI on report folders written here the way `geolens-cli evaluate` writes them:
// the report read with Qt alone, the report view with a confusion matrix per model and the list
// of a cell's questions, the evaluation dialog's arguments and its run of a stand-in CLI, and the
// run monitor's button that asks for an evaluation of the student and the teacher.

#include "ConfusionMatrixView.h"
#include "DistillRunMonitor.h"
#include "EvaluateDialog.h"
#include "EvaluationReportData.h"
#include "EvaluationReportView.h"
#include "EvaluationReportWindow.h"

#include "TinyModel.h"

#include <qcustomplot.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace geolens;

namespace {

const QString NoClass = QStringLiteral("(no class)");

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    file.write(bytes);
}

void writeJson(const QString &path, const QJsonObject &object)
{
    writeFile(path, QJsonDocument(object).toJson());
}

// One scored question of a scene benchmark: its image, its true class and the class read from
// the answer (empty for a question not answered, with that status).
struct SceneAnswer {
    QString id;
    QString truth;
    QString predicted;
    QString status = QStringLiteral("answered");
};

// A scene report of the given models; answers[m] are model m's scored questions. The confusion
// matrices are counted from them, so that the files agree with each other as the CLI's do.
void writeSceneReport(const QString &dir, const QString &imagesDir, const QStringList &classes,
                      const QStringList &models, const QList<QList<SceneAnswer>> &answers, bool withScores = true)
{
    QJsonArray modelArray;
    for (const QString &model : models)
        modelArray.append(QJsonObject{{"name", model}, {"path", "/models/" + model}, {"device", "cpu"},
                                      {"dtype", "f32"}, {"params", 6760720000.0}});
    int questions = 0;
    for (const SceneAnswer &a : answers.value(0))
        ++questions, (void)a;
    writeJson(dir + "/evaluation.json",
              QJsonObject{{"benchmark", "scene"}, {"format", "class-folders"}, {"dataset", "UCMerced_LandUse"},
                          {"questions_file", ""}, {"images", imagesDir}, {"questions", questions},
                          {"questions_in_benchmark", questions * 10}, {"classes", QJsonArray::fromStringList(classes)},
                          {"dataset_issues", QJsonObject{{"missing image", 1}}}, {"dataset_issue_examples", QJsonArray()},
                          {"skipped_types", QJsonObject()}, {"models", modelArray},
                          {"command", "geolens-cli evaluate ..."}});
    if (!withScores)
        return;

    QJsonObject metrics;
    QStringList tableRows;
    for (int m = 0; m < models.size(); ++m) {
        QStringList columns = classes;
        columns << NoClass;
        QList<QList<int>> matrix(classes.size(), QList<int>(columns.size(), 0));
        QByteArray scored;
        int answered = 0, correct = 0;
        for (const SceneAnswer &a : answers.at(m)) {
            const bool isAnswered = a.status == "answered";
            if (isAnswered) {
                ++answered;
                ++matrix[classes.indexOf(a.truth)][columns.indexOf(a.predicted)];
                correct += a.truth == a.predicted;
            }
            QJsonObject line{{"id", a.id}, {"image", imagesDir + "/" + a.id}, {"question", "Classify the image."},
                             {"answer", isAnswered ? "It is " + a.predicted + "." : QString()}, {"truth", a.truth},
                             {"predicted", a.predicted}, {"type", ""}, {"size_group", ""}, {"status", a.status},
                             {"correct", isAnswered && a.truth == a.predicted}, {"score", a.truth == a.predicted ? 1.0 : 0.0}};
            scored += QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
        }
        writeFile(dir + "/scored-" + models.at(m) + ".jsonl", scored);
        QJsonArray rows;
        QJsonObject perClass;
        for (int r = 0; r < classes.size(); ++r) {
            QJsonArray row;
            int total = 0;
            for (int n : matrix.at(r)) {
                row.append(n);
                total += n;
            }
            rows.append(row);
            perClass.insert(classes.at(r), total > 0 ? QJsonValue(double(matrix.at(r).at(r)) / total) : QJsonValue());
        }
        const double oa = answered > 0 ? double(correct) / answered : 0.0;
        metrics.insert(models.at(m),
                       QJsonObject{{"benchmark", "scene"}, {"dataset", "UCMerced_LandUse"}, {"questions", questions},
                                   {"answered", answered}, {"not_answered", QJsonObject{{"missing image", questions - answered}}},
                                   {"oa", oa}, {"aa", oa * 0.98}, {"per_class", perClass}, {"no_class_answers", 1},
                                   {"confusion", QJsonObject{{"classes", QJsonArray::fromStringList(classes)},
                                                             {"columns", QJsonArray::fromStringList(columns)},
                                                             {"matrix", rows}}},
                                   {"params", 6760720000.0}, {"flops_per_answer", 1.2e12},
                                   {"seconds_per_question", 0.41}, {"time_outside_model", 0.07}});
        // A quoted cell with a comma, as RFC 4180 writes it.
        tableRows << QStringLiteral("%1,%2,%3,\"6,760.7\",1200.0,0.41,7.0,%4/%5")
                         .arg(models.at(m))
                         .arg(100 * oa, 0, 'f', 1)
                         .arg(98 * oa, 0, 'f', 1)
                         .arg(answered)
                         .arg(questions);
    }
    writeJson(dir + "/metrics.json", metrics);
    writeFile(dir + "/tables.csv",
              ("model,OA UCMerced_LandUse,AA UCMerced_LandUse,Params (M),GFLOPs per answer,Seconds per question,"
               "Time outside the model (%),Answered\r\n" +
               tableRows.join("\r\n") + "\r\n")
                  .toUtf8());
    writeFile(dir + "/report.html", "<html><body>report</body></html>");
}

void writeVqaReport(const QString &dir)
{
    const QStringList models{"geochat-7b", "student"};
    QJsonArray modelArray;
    for (const QString &model : models)
        modelArray.append(QJsonObject{{"name", model}, {"path", "/models/" + model}, {"device", "cpu"},
                                      {"dtype", "f32"}, {"params", 1.0e9}});
    writeJson(dir + "/evaluation.json",
              QJsonObject{{"benchmark", "vqa"}, {"format", "rsvqa"}, {"dataset", "RSVQA-LR"}, {"questions", 40},
                          {"questions_in_benchmark", 40}, {"models", modelArray}});
    QJsonObject metrics;
    for (int m = 0; m < models.size(); ++m)
        metrics.insert(models.at(m), QJsonObject{{"benchmark", "vqa"}, {"questions", 40}, {"answered", 40},
                                                 {"overall", 0.7 - 0.1 * m}, {"mean_of_types", 0.68 - 0.1 * m},
                                                 {"accuracy_by_type", QJsonObject{{"presence", 0.9 - 0.1 * m},
                                                                                  {"comparison", 0.8 - 0.1 * m},
                                                                                  {"rural_urban", 0.6}}},
                                                 {"questions_by_type", QJsonObject{{"presence", 20}, {"comparison", 15},
                                                                                   {"rural_urban", 5}}}});
    writeJson(dir + "/metrics.json", metrics);
    writeFile(dir + "/tables.csv", "model,Overall RSVQA-LR,Answered\ngeochat-7b,70.0,40/40\nstudent,60.0,40/40\n");
}

QStringList idsOf(const QList<ScoredQuestion> &questions)
{
    QStringList ids;
    for (const ScoredQuestion &q : questions)
        ids << q.id;
    return ids;
}

QStringList idsOf(const QListWidget *list)
{
    QStringList ids;
    for (int i = 0; i < list->count(); ++i)
        ids << list->item(i)->data(Qt::UserRole).toString();
    return ids;
}

void writeScript(const QString &path, const QByteArray &body)
{
    writeFile(path, "#!/bin/sh\n" + body);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

} // namespace

class EvaluationReportTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    const QStringList classes_{"beach", "forest", "river"};
    const QStringList models_{"geochat-7b", "student"};

    QString path(const QString &name) const { return dir_.filePath(name); }
    QString sceneReport() const { return path("scene-report"); }

    // geochat-7b: beach/b2 read as forest, river/r1 without a class, river/r3's image missing.
    // student: forest/f1 read as river, river/r2 as forest.
    QList<QList<SceneAnswer>> sceneAnswers() const
    {
        return {{{"beach/b1.png", "beach", "beach"},
                 {"beach/b2.png", "beach", "forest"},
                 {"forest/f1.png", "forest", "forest"},
                 {"forest/f2.png", "forest", "forest"},
                 {"river/r1.png", "river", NoClass},
                 {"river/r2.png", "river", "river"},
                 {"river/r3.png", "river", NoClass, "missing image"}},
                {{"beach/b1.png", "beach", "beach"},
                 {"beach/b2.png", "beach", "beach"},
                 {"forest/f1.png", "forest", "river"},
                 {"forest/f2.png", "forest", "forest"},
                 {"river/r1.png", "river", "river"},
                 {"river/r2.png", "river", "forest"},
                 {"river/r3.png", "river", NoClass, "missing image"}}};
    }

    QString makeModel(const QString &name) const
    {
        const QString folder = path("models/" + name);
        writeFile(folder + "/config.json", "{}");
        return folder;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("GeoLensTests");
        QCoreApplication::setApplicationName("tst_evaluation_report");
        QSettings().clear();
        // The images, small PNGs of a colour per class; r3 is the missing one.
        const QList<QColor> colours{QColor(230, 200, 120), QColor(30, 120, 40), QColor(40, 90, 200)};
        for (const QList<SceneAnswer> &answers : sceneAnswers())
            for (const SceneAnswer &a : answers) {
                if (a.status != "answered" || QFileInfo::exists(path("images/" + a.id)))
                    continue;
                QImage image(96, 96, QImage::Format_RGB32);
                image.fill(colours.at(classes_.indexOf(a.truth)));
                QDir().mkpath(QFileInfo(path("images/" + a.id)).absolutePath());
                QVERIFY(image.save(path("images/" + a.id)));
            }
        writeSceneReport(sceneReport(), path("images"), classes_, models_, sceneAnswers());
        writeVqaReport(path("vqa-report"));
    }

    void readsASceneReport()
    {
        EvaluationReportData data;
        QVERIFY2(data.load(sceneReport()), qPrintable(data.errorString()));
        QVERIFY(data.isComplete());
        QCOMPARE(data.task(), EvaluationReportData::Task::Scene);
        QCOMPARE(data.dataset(), QString("UCMerced_LandUse"));
        QCOMPARE(data.models(), models_);
        QCOMPARE(data.classes(), classes_);

        // tables.csv as it is, the quoted comma kept inside its cell.
        QCOMPARE(data.tableColumns().size(), 8);
        QCOMPARE(data.tableColumns().first(), QString("model"));
        QCOMPARE(data.tableColumns().at(6), QString("Time outside the model (%)"));
        QCOMPARE(data.tableRows().size(), 2);
        QCOMPARE(data.tableRows().at(1).at(0), QString("student"));
        QCOMPARE(data.tableRows().at(0).at(3), QString("6,760.7"));
        QCOMPARE(data.tableRows().at(0).size(), 8);

        const ConfusionMatrix matrix = data.confusion("geochat-7b");
        QCOMPARE(matrix.columns.size(), matrix.classes.size() + 1);
        QCOMPARE(matrix.count(0, 1), 1); // beach read as forest
        QCOMPARE(matrix.count(2, 3), 1); // river without a class
        QCOMPARE(matrix.rowTotal(2), 2); // the missing image is in no cell
        QCOMPARE(data.metrics("student").value("oa").toDouble(), 4.0 / 6.0);
        QCOMPARE(data.scoredQuestions("geochat-7b").size(), 7);

        QCOMPARE(idsOf(data.questionsInCell("geochat-7b", "beach", "forest")), QStringList{"beach/b2.png"});
        QCOMPARE(idsOf(data.questionsInCell("geochat-7b", "river", NoClass)), QStringList{"river/r1.png"});
        QCOMPARE(idsOf(data.questionsInCell("geochat-7b", "river", "river")), QStringList{"river/r2.png"});
        QCOMPARE(idsOf(data.questionsInCell("geochat-7b", "forest", "forest")),
                 (QStringList{"forest/f1.png", "forest/f2.png"}));
        QCOMPARE(idsOf(data.questionsInCell("student", "forest", "river")), QStringList{"forest/f1.png"});
        QCOMPARE(idsOf(data.questionsInCell("student", "beach", "forest")), QStringList());
        QCOMPARE(idsOf(data.questionsInCell("nobody", "beach", "beach")), QStringList());
        QVERIFY(data.htmlReportPath().endsWith("report.html"));
    }

    void namesTheFileThatCannotBeRead()
    {
        const QString broken = path("broken-report");
        writeSceneReport(broken, path("images"), classes_, models_, sceneAnswers());
        writeFile(broken + "/metrics.json", "{\"geochat-7b\": {\"oa\": 0.5,");
        EvaluationReportData data;
        QVERIFY(!data.load(broken));
        QVERIFY2(data.errorString().contains("metrics.json"), qPrintable(data.errorString()));
        QVERIFY(!data.errorString().contains("evaluation.json"));
        // What could be read still is.
        QCOMPARE(data.models(), models_);
        QCOMPARE(data.tableRows().size(), 2);

        writeFile(broken + "/metrics.json", "[1, 2]");
        writeFile(broken + "/scored-student.jsonl", "{\"id\": \"a\"}\nnot json\n");
        QVERIFY(!data.load(broken));
        QVERIFY2(data.errorString().contains("metrics.json"), qPrintable(data.errorString()));
        QVERIFY2(data.errorString().contains("scored-student.jsonl, line 2"), qPrintable(data.errorString()));

        writeFile(broken + "/tables.csv", "model,OA\n\"geochat-7b,0.5\n");
        QVERIFY(!data.load(broken));
        QVERIFY2(data.errorString().contains("tables.csv"), qPrintable(data.errorString()));

        QVERIFY(!data.load(path("no-report-here")));
        QVERIFY(!data.errorString().isEmpty());
        QDir().mkpath(path("empty-folder"));
        QVERIFY(!data.load(path("empty-folder")));
        QVERIFY2(data.errorString().contains("evaluation.json"), qPrintable(data.errorString()));
    }

    void aReportUnderWayHasOnlyItsEvaluation()
    {
        const QString running = path("running-report");
        writeSceneReport(running, path("images"), classes_, models_, sceneAnswers(), false);
        // A line being written when the file was read is left for the next reading.
        writeFile(running + "/scored-geochat-7b.jsonl", "{\"id\":\"beach/b1.png\",\"status\":\"answered\"}\n{\"id\":\"bea");
        EvaluationReportData data;
        QVERIFY2(data.load(running), qPrintable(data.errorString()));
        QVERIFY(!data.isComplete());
        QCOMPARE(data.models(), models_);
        QCOMPARE(data.scoredQuestions("geochat-7b").size(), 1);
        QVERIFY(data.tableColumns().isEmpty());
        QVERIFY(data.confusion("geochat-7b").isEmpty());
    }

    void parsesCsvAsRfc4180()
    {
        QList<QStringList> rows;
        QString error;
        QVERIFY(EvaluationReportData::parseCsv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,,\"two\nlines\"\n", &rows, &error));
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(0), (QStringList{"a", "b,c", "say \"hi\""}));
        QCOMPARE(rows.at(1), (QStringList{"1", "", "two\nlines"}));
        QVERIFY(!EvaluationReportData::parseCsv("a,\"b\n", &rows, &error));
        QVERIFY(!error.isEmpty());
    }

    void reportViewListsTheQuestionsOfACell()
    {
        EvaluationReportView view;
        view.resize(1200, 900);
        QVERIFY(view.setFolder(sceneReport()));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        QCOMPARE(view.summaryTable()->rowCount(), 2);
        QCOMPARE(view.summaryTable()->columnCount(), 8);
        QCOMPARE(view.summaryTable()->horizontalHeaderItem(0)->text(), QString("Model")); // shown, not the CSV's "model"
        QCOMPARE(view.summaryTable()->horizontalHeaderItem(1)->text(), QString("OA UCMerced_LandUse"));
        QCOMPARE(view.summaryTable()->item(1, 0)->text(), QString("student"));
        QCOMPARE(view.summaryTable()->item(0, 3)->text(), QString("6,760.7"));
        // One bar series per model, one bar per class with images.
        QCOMPARE(view.chart()->plottableCount(), 2);
        QCOMPARE(qobject_cast<QCPBars *>(view.chart()->plottable(0))->data()->size(), 3);
        QVERIFY(view.problemLabel()->isHidden());
        QVERIFY(view.openHtmlButton()->isEnabled());

        QCOMPARE(view.confusionViews().size(), 2);
        ConfusionMatrixView *first = view.confusionViews().at(0);
        ConfusionMatrixView *second = view.confusionViews().at(1);
        QCOMPARE(first->rowCount(), 3);
        QCOMPARE(first->columnCount(), 4);
        QCOMPARE(second->matrix().count(1, 2), 1);
        QVERIFY(!first->isVisible());
        QVERIFY(view.sections()->isTabVisible(1));
        view.sections()->setCurrentIndex(1);
        QVERIFY(first->isVisible());

        // A click on geochat-7b's beach-read-as-forest cell lists that question, with its image.
        QSignalSpy clicked(first, &ConfusionMatrixView::cellClicked);
        QTest::mouseClick(first, Qt::LeftButton, {}, first->cellRect(0, 1).center());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(view.shownCellModel(), QString("geochat-7b"));
        QCOMPARE(idsOf(view.cellQuestionList()), QStringList{"beach/b2.png"});
        QVERIFY(!view.cellQuestionList()->item(0)->icon().isNull());
        QVERIFY(view.cellQuestionList()->item(0)->text().contains("It is forest."));
        // The same cell is marked in the other model's matrix.
        QCOMPARE(second->currentRow(), 0);
        QCOMPARE(second->currentColumn(), 1);

        // The keyboard moves to the student's diagonal cell and opens it.
        second->setFocus();
        QTest::keyClick(second, Qt::Key_Left);
        QTest::keyClick(second, Qt::Key_Return);
        QCOMPARE(view.shownCellModel(), QString("student"));
        QCOMPARE(idsOf(view.cellQuestionList()), (QStringList{"beach/b1.png", "beach/b2.png"}));
        QCOMPARE(first->currentColumn(), 0);

        // The no-class column of the river row.
        QTest::mouseClick(first, Qt::LeftButton, {}, first->cellRect(2, 3).center());
        QCOMPARE(idsOf(view.cellQuestionList()), QStringList{"river/r1.png"});
        QVERIFY(first->cellToolTip(2, 3).contains("1 of 2"));
        // A click beside the cells is none (the Return above went to the other matrix).
        QTest::mouseClick(first, Qt::LeftButton, {}, QPoint(2, 2));
        QCOMPARE(clicked.count(), 2);

        // Reloading keeps the cell listed.
        QVERIFY(view.reload());
        QCOMPARE(idsOf(view.cellQuestionList()), QStringList{"river/r1.png"});
    }

    void reportViewShowsOtherBenchmarksWithoutMatrices()
    {
        EvaluationReportView view;
        QVERIFY2(view.setFolder(path("vqa-report")), qPrintable(view.data().errorString()));
        QCOMPARE(view.data().task(), EvaluationReportData::Task::Vqa);
        QVERIFY(view.confusionViews().isEmpty());
        QVERIFY(!view.sections()->isTabVisible(1));
        QCOMPARE(view.summaryTable()->rowCount(), 2);
        QCOMPARE(view.summaryTable()->columnCount(), 3);
        QCOMPARE(view.chart()->plottableCount(), 2);
        // Three question types, each a bar per model.
        QCOMPARE(qobject_cast<QCPBars *>(view.chart()->plottable(1))->data()->size(), 3);
        QVERIFY(!view.openHtmlButton()->isEnabled());
    }

    void reportViewFillsInWhileTheEvaluationRuns()
    {
        const QString running = path("filling-report");
        writeSceneReport(running, path("images"), classes_, models_, sceneAnswers(), false);
        EvaluationReportView view;
        view.setReloadDelay(50);
        QVERIFY(view.setFolder(running));
        QCOMPARE(view.confusionViews().size(), 2);
        QVERIFY(view.confusionViews().at(0)->matrix().isEmpty());
        QVERIFY(view.summaryTable()->isHidden());
        ConfusionMatrixView *before = view.confusionViews().at(0);

        QSignalSpy reloaded(&view, &EvaluationReportView::reloaded);
        writeSceneReport(running, path("images"), classes_, models_, sceneAnswers(), true);
        QTRY_VERIFY_WITH_TIMEOUT(!view.confusionViews().isEmpty() && !view.confusionViews().at(0)->matrix().isEmpty(), 5000);
        QVERIFY(reloaded.count() >= 1);
        QCOMPARE(view.summaryTable()->rowCount(), 2);
        QVERIFY(view.openHtmlButton()->isEnabled());
        // The same matrices, filled in: where they were scrolled to stays.
        QCOMPARE(view.confusionViews().at(0), before);
    }

    void chartsBoxesAndCaptionsPerModel()
    {
        const QString boxes = path("grounding-report");
        writeJson(boxes + "/evaluation.json",
                  QJsonObject{{"benchmark", "grounding"}, {"dataset", "DIOR-RSVG"}, {"questions", 3},
                              {"models", QJsonArray{QJsonObject{{"name", "a"}}, QJsonObject{{"name", "b"}}}}});
        const auto group = [](double at50) {
            return QJsonObject{{"questions", 1}, {"objects", 2}, {"acc@0.5", at50}, {"acc@0.25", at50 + 0.1},
                               {"answers_without_box", 0}};
        };
        writeJson(boxes + "/metrics.json",
                  QJsonObject{{"a", QJsonObject{{"acc@0.5", 0.5}, {"by_size_group", QJsonObject{{"large", group(0.7)},
                                                                                              {"small", group(0.2)}}}}},
                              {"b", QJsonObject{{"acc@0.5", 0.4}, {"by_size_group", QJsonObject{{"small", group(0.1)},
                                                                                              {"medium", group(0.3)}}}}}});
        EvaluationReportView view;
        QVERIFY2(view.setFolder(boxes), qPrintable(view.data().errorString()));
        // small, medium, large in that order, each at IoU 0.5 and 0.25; b has no large group.
        auto *a = qobject_cast<QCPBars *>(view.chart()->plottable(0));
        auto *b = qobject_cast<QCPBars *>(view.chart()->plottable(1));
        QCOMPARE(a->data()->size(), 4);
        QCOMPARE(b->data()->size(), 4);
        QCOMPARE(a->data()->at(0)->key, 1.0);
        QCOMPARE(a->data()->at(0)->value, 20.0);
        QCOMPARE(a->data()->at(3)->key, 6.0);
        QCOMPARE(a->data()->at(3)->value, 80.0);
        QCOMPARE(b->data()->at(2)->key, 3.0);
        QCOMPARE(b->data()->at(2)->value, 30.0);

        const QString captions = path("caption-report");
        writeJson(captions + "/evaluation.json",
                  QJsonObject{{"benchmark", "caption"}, {"dataset", "UCM-Captions"}, {"questions", 3},
                              {"models", QJsonArray{QJsonObject{{"name", "a"}}}}});
        writeJson(captions + "/metrics.json", QJsonObject{{"a", QJsonObject{{"rouge1", 0.4}, {"rougeL", 0.35},
                                                                           {"meteor", 0.2}, {"cider", 1.3}}}});
        QVERIFY(view.setFolder(captions));
        QCOMPARE(view.chart()->plottableCount(), 1);
        auto *scores = qobject_cast<QCPBars *>(view.chart()->plottable(0));
        QCOMPARE(scores->data()->size(), 4);
        QCOMPARE(scores->data()->at(3)->value, 130.0);
        // CIDEr above 1 still fits.
        QVERIFY(view.chart()->yAxis->range().upper >= 130.0);
        QVERIFY(view.confusionViews().isEmpty());
    }

    void dialogArgumentsFollowTheForm()
    {
        const QString a = makeModel("geochat-7b");
        const QString b = makeModel("student");
        writeFile(path("questions.jsonl"), "{}\n");
        EvaluateDialog dialog;
        dialog.setModels({a, b});
        dialog.setBenchmark("vqa");
        dialog.setQuestionsFile(path("questions.jsonl"));
        dialog.setImagesFolder(path("images"));
        dialog.setReportFolder(path("out"));
        dialog.setLimit(100);
        dialog.setBatch(8);
        dialog.setDevice("cpu");
        dialog.setDtype("bf16");
        dialog.setImageSize(448);
        dialog.setResume(true);
        dialog.setVqaTypes("presence, comparison");
        QCOMPARE(dialog.validate(), QString());
        QCOMPARE(dialog.arguments(),
                 (QStringList{"evaluate", "--model", a, "--model", b, "--benchmark", "vqa", "--questions",
                              path("questions.jsonl"), "--images", path("images"), "--out", path("out"), "--limit", "100",
                              "--batch", "8", "--device", "cpu", "--dtype", "bf16", "--image-size", "448", "--resume",
                              "--vqa-types", "presence,comparison", "--json"}));
        QVERIFY(dialog.vqaTypesEdit()->isEnabled());

        // Scene from class folders: no questions file, and the defaults leave their options out.
        dialog.setBenchmark("scene");
        dialog.setQuestionsFile(QString());
        dialog.setLimit(0);
        dialog.setBatch(0);
        dialog.setImageSize(0);
        dialog.setResume(false);
        dialog.setDevice("auto");
        dialog.setDtype("auto");
        QCOMPARE(dialog.validate(), QString());
        QCOMPARE(dialog.arguments(),
                 (QStringList{"evaluate", "--model", a, "--model", b, "--benchmark", "scene", "--images", path("images"),
                              "--out", path("out"), "--device", "auto", "--dtype", "auto", "--json"}));
        QVERIFY(!dialog.vqaTypesEdit()->isEnabled());

        // What it refuses, and says why.
        dialog.setBenchmark("grounding");
        QVERIFY2(dialog.validate().contains("questions file"), qPrintable(dialog.validate()));
        dialog.setBenchmark("scene");
        dialog.setDevice("gpu7");
        QVERIFY2(dialog.validate().contains("gpu7"), qPrintable(dialog.validate()));
        dialog.setDevice("cuda:1");
        QCOMPARE(dialog.validate(), QString());
        dialog.setModels({a, path("models/nothing")});
        QVERIFY2(dialog.validate().contains("nothing"), qPrintable(dialog.validate()));
        QDir().mkpath(path("elsewhere/student"));
        writeFile(path("elsewhere/student/config.json"), "{}");
        dialog.setModels({b, path("elsewhere/student")});
        QVERIFY2(dialog.validate().contains("student"), qPrintable(dialog.validate()));
        dialog.setModels({});
        QVERIFY2(dialog.validate().contains("model"), qPrintable(dialog.validate()));
        QVERIFY(!dialog.start());
        QCOMPARE(dialog.errorString(), dialog.validate());
        QVERIFY(!dialog.isRunning());
    }

    void dialogRunsTheCliAndOpensTheReport()
    {
        const QString a = makeModel("geochat-7b");
        const QString b = makeModel("student");
        const QString out = path("run-out");
        const QString cli = path("fake-cli/geolens-cli");
        writeScript(cli, "printf '%s\\n' \"$@\" > \"$(dirname \"$0\")/arguments.txt\"\n"
                         "echo 'Evaluating...'\n"
                         "echo '{\"event\":\"benchmark\",\"benchmark\":\"scene\",\"dataset\":\"UCMerced_LandUse\",\"questions\":10}'\n"
                         "echo '{\"event\":\"model\",\"model\":\"geochat-7b\",\"index\":1,\"models\":2,\"state\":\"loading\"}'\n"
                         "echo '{\"event\":\"progress\",\"model\":\"geochat-7b\",\"done\":10,\"total\":10}'\n"
                         "echo '{\"event\":\"model\",\"model\":\"student\",\"index\":2,\"models\":2,\"state\":\"loading\"}'\n"
                         "echo '{\"event\":\"progress\",\"model\":\"student\",\"done\":5,\"total\":10}'\n"
                         "sleep 0.3\n"
                         "echo '{\"event\":\"report\",\"dir\":\"" + out.toUtf8() + "\"}'\n"
                         "exit 0\n");
        {
            EvaluateDialog dialog;
            dialog.setCliPath(cli);
            dialog.setModels({a, b});
            dialog.setBenchmark("scene");
            dialog.setQuestionsFile(QString());
            dialog.setImagesFolder(path("images"));
            dialog.setReportFolder(out);
            dialog.setDevice("cpu");
            QSignalSpy ready(&dialog, &EvaluateDialog::reportReady);
            QVERIFY2(dialog.start(), qPrintable(dialog.errorString()));
            QVERIFY(dialog.isRunning());
            QVERIFY(dialog.cancelButton()->isEnabled());
            QVERIFY(!dialog.runButton()->isEnabled());
            QVERIFY(!dialog.modelList()->isEnabled());
            // Halfway through the second model of two.
            QTRY_VERIFY_WITH_TIMEOUT(dialog.progressBar()->text().contains("5 / 10"), 5000);
            QCOMPARE(dialog.progressBar()->value(), 750);
            QVERIFY(ready.wait(5000));
            QCOMPARE(ready.at(0).at(0).toString(), out);
            QCOMPARE(dialog.progressBar()->value(), dialog.progressBar()->maximum());
            QVERIFY(!dialog.isRunning());
            QVERIFY(dialog.runButton()->isEnabled());
            QFile arguments(path("fake-cli/arguments.txt"));
            QVERIFY(arguments.open(QIODevice::ReadOnly));
            QCOMPARE(QString::fromUtf8(arguments.readAll()).split('\n', Qt::SkipEmptyParts), dialog.arguments());
        }
        // The form is remembered for the next dialog.
        EvaluateDialog again;
        QCOMPARE(again.models(), (QStringList{a, b}));
        QCOMPARE(again.reportFolder(), out);
        QCOMPARE(again.device(), QString("cpu"));
    }

    void dialogSaysWhyTheRunFailedOrStopped()
    {
        const QString a = makeModel("geochat-7b");
        const QString failing = path("failing-cli/geolens-cli");
        writeScript(failing, "echo 'loading the model' >&2\necho 'geochat-7b/config.json: unknown architecture' >&2\nexit 1\n");
        EvaluateDialog dialog;
        dialog.setModels({a});
        dialog.setBenchmark("scene");
        dialog.setImagesFolder(path("images"));
        dialog.setReportFolder(path("failed-out"));
        dialog.setCliPath(failing);
        QSignalSpy finished(&dialog, &EvaluateDialog::runFinished);
        QSignalSpy ready(&dialog, &EvaluateDialog::reportReady);
        QVERIFY(dialog.start());
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.at(0).at(0).toInt(), 1);
        QVERIFY2(dialog.statusText().contains("unknown architecture"), qPrintable(dialog.statusText()));
        QCOMPARE(ready.count(), 0);

        // Cancel: the CLI stops with 130 on SIGTERM, and the dialog says how to go on.
        const QString slow = path("slow-cli/geolens-cli");
        writeScript(slow, "trap 'exit 130' TERM\n"
                          "echo '{\"event\":\"progress\",\"model\":\"geochat-7b\",\"done\":3,\"total\":10}'\n"
                          "while true; do sleep 0.05; done\n");
        dialog.setCliPath(slow);
        finished.clear();
        QVERIFY(dialog.start());
        QTRY_VERIFY_WITH_TIMEOUT(dialog.progressBar()->text().contains("3 / 10"), 5000);
        dialog.cancelButton()->click();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.at(0).at(0).toInt(), 130);
        QVERIFY2(dialog.statusText().contains("Resume"), qPrintable(dialog.statusText()));
        QCOMPARE(ready.count(), 0);

        dialog.setCliPath(path("no-such-cli"));
        QVERIFY(!dialog.start());
        QVERIFY2(dialog.errorString().contains("no-such-cli"), qPrintable(dialog.errorString()));
    }

    // The dialog with the real geolens-cli and a tiny model that answers "Harbor" to everything:
    // the run ends in a report whose scores are known.
    void dialogRunsTheRealEvaluation()
    {
        const QString tokenizer = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        if (!QFile::exists(tokenizer))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        geolens::test::TinyModelSpec spec;
        spec.scriptedAnswer = "Harbor";
        const QString model = path("real/always-harbor");
        geolens::test::writeTinyModel(model.toStdString(), spec, geolens::test::TinyLayout::GeoChat, tokenizer.toStdString());
        const QString images = path("real/Images");
        const char *classes[] = {"harbor", "forest"};
        for (int c = 0; c < 2; ++c)
            for (int k = 0; k < 3; ++k) {
                QImage image(64, 64, QImage::Format_RGB888);
                image.fill(QColor(40 * k, 90 * c, 120));
                QDir().mkpath(images + "/" + classes[c]);
                QVERIFY(image.save(QString("%1/%2/%2%3.png").arg(images, classes[c]).arg(k)));
            }
        EvaluateDialog dialog;
        dialog.setCliPath(QStringLiteral(GEOLENS_CLI_PATH));
        dialog.setModels({model});
        dialog.setBenchmark("scene");
        dialog.setImagesFolder(images);
        dialog.setReportFolder(path("real/report"));
        dialog.setDevice("cpu");
        dialog.setImageSize(24);
        QVERIFY(dialog.modelsWithEarlierAnswers().isEmpty());
        QSignalSpy ready(&dialog, &EvaluateDialog::reportReady);
        QVERIFY2(dialog.start(), qPrintable(dialog.errorString()));
        QVERIFY2(ready.wait(120000), qPrintable(dialog.statusText() + " " + dialog.errorString()));
        EvaluationReportData data;
        QVERIFY2(data.load(ready.at(0).at(0).toString()), qPrintable(data.errorString()));
        QCOMPARE(data.models(), QStringList{"always-harbor"});
        QCOMPARE(data.metrics("always-harbor")["oa"].toDouble(), 0.5);
        QCOMPARE(data.questionsInCell("always-harbor", "forest", "harbor").size(), 3); // forest read as harbor
        // Run again into the same folder: the dialog knows there are answers to resume.
        QCOMPARE(dialog.modelsWithEarlierAnswers(), QStringList{"always-harbor"});
    }

    void runMonitorOffersToEvaluateTheExportedStudent()
    {
        const QString runDir = path("distill-run");
        QDir().mkpath(runDir);
        DistillRunMonitor monitor;
        monitor.openRunFolder(runDir);
        QVERIFY(!monitor.evaluateButton()->isEnabled());
        QVERIFY(!monitor.evaluateButton()->toolTip().isEmpty());

        writeFile(runDir + "/student/config.json", "{}");
        monitor.openRunFolder(runDir);
        QVERIFY(monitor.evaluateButton()->isEnabled());
        QSignalSpy evaluate(&monitor, &DistillRunMonitor::evaluateModelsRequested);
        monitor.evaluateButton()->click();
        QCOMPARE(evaluate.count(), 1);
        QCOMPARE(evaluate.at(0).at(1).toString(), QDir::cleanPath(runDir) + "/student");
    }

    // The pictures a person looks at (a 21-class report of two models and the dialog), saved only when
    // GEOLENS_TEST_PICTURES names a folder.
    void savesPictures()
    {
        const QString pictures = qEnvironmentVariable("GEOLENS_TEST_PICTURES");
        if (pictures.isEmpty())
            QSKIP("set GEOLENS_TEST_PICTURES to a folder to save the report window's pictures there");
        const QStringList classes{"agricultural", "airplane", "baseballdiamond", "beach", "buildings", "chaparral",
                                  "denseresidential", "forest", "freeway", "golfcourse", "harbor", "intersection",
                                  "mediumresidential", "mobilehomepark", "overpass", "parkinglot", "river", "runway",
                                  "sparseresidential", "storagetanks", "tenniscourt"};
        QList<QList<SceneAnswer>> answers(2);
        for (int m = 0; m < 2; ++m)
            for (int c = 0; c < classes.size(); ++c)
                for (int i = 0; i < 10; ++i) {
                    // Mostly right; some confusions with the next class, a few without a class.
                    const int roll = (c * 7 + i * 3 + m * 5) % 10;
                    QString predicted = classes.at(c);
                    if (roll < m + 1)
                        predicted = classes.at((c + 1) % classes.size());
                    else if (roll == 9 && m == 1)
                        predicted = NoClass;
                    answers[m].append({QStringLiteral("%1/%1%2.png").arg(classes.at(c)).arg(i, 2, 10, QChar('0')),
                                       classes.at(c), predicted});
                }
        for (const SceneAnswer &a : answers.at(0)) {
            // A picture per image: its class's hue, a little brighter for each image.
            QImage image(64, 64, QImage::Format_RGB32);
            const int c = static_cast<int>(classes.indexOf(a.truth));
            image.fill(QColor::fromHsv(c * 17 % 360, 120, 120 + a.id.right(6).left(2).toInt() * 10));
            QDir().mkpath(QFileInfo(path("picture-images/" + a.id)).absolutePath());
            QVERIFY(image.save(path("picture-images/" + a.id)));
        }
        const QString report = path("picture-report");
        writeSceneReport(report, path("picture-images"), classes, {"geochat-7b", "geochat-student-1b"}, answers);
        EvaluationReportWindow window(report);
        window.resize(1500, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::qWait(50);
        QVERIFY(window.grab().save(pictures + "/evaluation-report.png"));
        window.view()->sections()->setCurrentIndex(1);
        ConfusionMatrixView *view = window.view()->confusionViews().at(0);
        QTest::mouseClick(view, Qt::LeftButton, {}, view->cellRect(3, 3).center());
        QTest::qWait(50);
        QVERIFY(window.grab().save(pictures + "/evaluation-report-confusion.png"));

        EvaluateDialog dialog;
        dialog.setModels({path("models/geochat-7b"), path("models/student")});
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.grab().save(pictures + "/evaluate-dialog.png"));
    }
};

QTEST_MAIN(EvaluationReportTest)
#include "tst_evaluation_report.moc"
