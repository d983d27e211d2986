// The distillation wizard: every page refuses what a run could not use, with the file and the
// problem named; a configuration survives the round trip through the pages; the review shows
// exactly the run.json that will be saved.

#include "DistillWizard.h"
#include "TinyModel.h"
#include "common/Json.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace geolens;

namespace {

const char *const TokenizerPath = GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model";

void writeText(const QString &path, const std::string &text)
{
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << text;
}

// A binary PPM with a diagonal gradient, so a thumbnail of it is not one flat colour.
void writePpm(const QString &path, int size, int shade)
{
    std::string bytes = "P6\n" + std::to_string(size) + " " + std::to_string(size) + "\n255\n";
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            bytes.push_back(static_cast<char>((x * 255) / size));
            bytes.push_back(static_cast<char>((y * 255) / size));
            bytes.push_back(static_cast<char>(shade));
        }
    writeText(path, bytes);
}

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    return colours.size();
}

} // namespace

class DistillWizardTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString teacher_, student_, otherVocabulary_, data_, images_;

    QString path(const char *name) const { return dir_.filePath(QLatin1String(name)); }

    template <typename T> static T *child(const DistillWizard &w, const char *name)
    {
        T *found = w.findChild<T *>(QLatin1String(name));
        if (!found)
            qFatal("no child %s", name);
        return found;
    }

    DistillConfig goodConfig() const
    {
        DistillConfig c;
        c.teacher = teacher_.toStdString();
        c.student = student_.toStdString();
        c.data = data_.toStdString();
        c.images = images_.toStdString();
        c.out = path("run").toStdString();
        c.validationFraction = 0.25;
        c.run.teacherDevice = c.run.studentDevice = "cpu";
        c.run.dtype = "f32";
        return c;
    }

    // Runs the data page's check and waits for it.
    static bool check(DistillWizard &w)
    {
        QSignalSpy done(&w, &DistillWizard::dataCheckFinished);
        w.checkData();
        if (!done.wait(30000))
            qFatal("the data check did not finish");
        return done.first().first().toBool();
    }

private slots:
    void initTestCase()
    {
        if (!QFile::exists(QLatin1String(TokenizerPath)))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        QCoreApplication::setOrganizationName(QStringLiteral("GeoLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_distill_wizard"));
        QVERIFY(dir_.isValid());
        test::TinyModelSpec teacher;
        teacher.geochat = false;
        teacher_ = path("teacher");
        test::writeTinyModel(teacher_.toStdString(), teacher, test::TinyLayout::LlavaHf, TokenizerPath);
        test::TinyModelSpec student = teacher;
        student.layers = 1;
        student.intermediate = 40;
        student_ = path("student");
        test::writeTinyModel(student_.toStdString(), student, test::TinyLayout::LlavaHf, TokenizerPath);
        test::TinyModelSpec other = student;
        other.vocab = 32064;
        otherVocabulary_ = path("other-vocabulary");
        test::writeTinyModel(otherVocabulary_.toStdString(), other, test::TinyLayout::LlavaHf, TokenizerPath);

        images_ = path("images");
        QVERIFY(QDir().mkpath(images_));
        std::string json = "[";
        for (int i = 0; i < 4; ++i) {
            writePpm(images_ + QStringLiteral("/scene%1.ppm").arg(i), 32, 60 * i);
            json += (i ? "," : "") + std::string("{\"id\": \"s") + std::to_string(i) + "\", \"image\": \"scene"
                    + std::to_string(i) + ".ppm\", \"conversations\": [{\"from\": \"human\", \"value\": "
                    + "\"<image>\\nWhat is in this image?\"}, {\"from\": \"gpt\", \"value\": \"Field number "
                    + std::to_string(i) + ".\"}]}";
        }
        // One broken entry, so the report has a skipped example to show.
        json += ",{\"id\": \"gone\", \"image\": \"missing.ppm\", \"conversations\": [{\"from\": \"human\", "
                "\"value\": \"<image>\\nWhat?\"}, {\"from\": \"gpt\", \"value\": \"Nothing.\"}]}]";
        data_ = path("instructions.json");
        writeText(data_, json);
    }

    void modelsPageRefusesUnusableFolders()
    {
        DistillWizard w;
        QWizardPage *page = w.page(DistillWizard::ModelsPageId);
        auto *teacher = child<QLineEdit>(w, "teacher");
        auto *student = child<QLineEdit>(w, "student");

        teacher->setText(path("no-such-model"));
        student->setText(student_);
        QVERIFY(!page->validatePage());
        QVERIFY2(w.problem(DistillWizard::ModelsPageId).contains(QLatin1String("no-such-model")),
                 qPrintable(w.problem(DistillWizard::ModelsPageId)));
        QVERIFY(w.problem(DistillWizard::ModelsPageId).contains(QLatin1String("does not exist")));

        const QString empty = path("empty-model");
        QVERIFY(QDir().mkpath(empty));
        teacher->setText(empty);
        QVERIFY(!page->validatePage());
        QVERIFY(w.problem(DistillWizard::ModelsPageId).contains(QLatin1String("config.json")));
        QVERIFY(w.problem(DistillWizard::ModelsPageId).contains(empty));

        teacher->setText(teacher_);
        student->setText(otherVocabulary_);
        QVERIFY(!page->validatePage());
        QVERIFY2(w.problem(DistillWizard::ModelsPageId).contains(QLatin1String("vocabulary")),
                 qPrintable(w.problem(DistillWizard::ModelsPageId)));
        QVERIFY(w.problem(DistillWizard::ModelsPageId).contains(QLatin1String("32064")));

        student->setText(student_);
        QVERIFY2(page->validatePage(), qPrintable(w.problem(DistillWizard::ModelsPageId)));
        QVERIFY(w.problem(DistillWizard::ModelsPageId).isEmpty());
    }

    void dataPageRefusesUnusableData()
    {
        DistillWizard w;
        w.setConfig(goodConfig());
        QWizardPage *page = w.page(DistillWizard::DataPageId);
        auto *data = child<QLineEdit>(w, "data");
        QVERIFY(!page->isComplete()); // not checked yet

        const QString notJson = path("not-json.json");
        writeText(notJson, "this is { not JSON");
        data->setText(notJson);
        QVERIFY(!check(w));
        QVERIFY(!page->isComplete());
        QVERIFY2(w.problem(DistillWizard::DataPageId).contains(QLatin1String("not-json.json")),
                 qPrintable(w.problem(DistillWizard::DataPageId)));

        const QString empty = path("empty.json");
        writeText(empty, "[]");
        data->setText(empty);
        QVERIFY(!check(w));
        QVERIFY(!page->isComplete());
        QVERIFY(!page->validatePage());
        QVERIFY2(w.problem(DistillWizard::DataPageId).contains(QLatin1String("no usable entry")),
                 qPrintable(w.problem(DistillWizard::DataPageId)));

        data->setText(data_);
        QVERIFY(!page->isComplete()); // editing a path undoes the check
        QVERIFY(check(w));
        QVERIFY(page->isComplete());
        QVERIFY(page->validatePage());
        auto *samples = child<QListWidget>(w, "samples");
        QCOMPARE(samples->count(), 3);
        QVERIFY(!samples->item(0)->icon().isNull());
        QVERIFY(samples->item(0)->text().contains(QLatin1String("Field number 0.")));
        const QString summary = child<QLabel>(w, "summary")->text();
        QVERIFY2(summary.contains(QLatin1String("missing.ppm")) || summary.contains(QLatin1String("gone")),
                 qPrintable(summary));
    }

    void trainingPageRefusesAForeignFolder()
    {
        DistillWizard w;
        w.setConfig(goodConfig());
        QWizardPage *page = w.page(DistillWizard::TrainingPageId);
        auto *out = child<QLineEdit>(w, "out");
        const QString busy = path("busy");
        QVERIFY(QDir().mkpath(busy));
        writeText(busy + QStringLiteral("/notes.txt"), "mine");
        out->setText(busy);
        QVERIFY(!page->validatePage());
        QVERIFY(w.problem(DistillWizard::TrainingPageId).contains(busy));

        const QString previous = path("previous-run");
        QVERIFY(QDir().mkpath(previous));
        writeText(previous + QStringLiteral("/run.json"), "{}");
        out->setText(previous);
        QVERIFY(page->validatePage());

        child<QLineEdit>(w, "optimiser.lr")->setText(QStringLiteral("fast"));
        QVERIFY(!page->validatePage());
        QVERIFY(w.problem(DistillWizard::TrainingPageId).contains(QLatin1String("fast")));
    }

    void roundTripIsExact()
    {
        DistillConfig c = goodConfig();
        c.method = "kd";
        c.corpus = path("corpus.txt").toStdString();
        c.validationData = path("held-out.json").toStdString();
        c.validationFraction = 0.125;
        c.terms = {0.1, 0.2, 0.3, 0.4, 0.75, 0.6, 3.5, 0.3};
        c.minillm.alpha = 0.3;
        c.minillm.gamma = 0.9;
        c.minillm.clipRatio = 0.15;
        c.minillm.rewardScale = 0.7;
        c.minillm.rewardClamp = 50;
        c.minillm.ppoEpochs = 2;
        c.minillm.rolloutBatchSize = 16;
        c.minillm.kdRatio = 0.25;
        c.minillm.temperature = 0.8;
        c.minillm.topK = 40;
        c.minillm.topP = 0.95;
        c.minillm.maxNewTokens = 96;
        c.minillm.lengthNormalise = false;
        c.minillm.whitenAdvantages = false;
        c.lora.enabled = false;
        c.lora.rank = 8;
        c.lora.alpha = 32.5;
        c.lora.dropout = 0.1;
        c.lora.targets = {"v", "q", "down"}; // an order of the file's own
        c.optimiser.lr = 3.7e-4;
        c.optimiser.betas = {0.8, 0.99};
        c.optimiser.weightDecay = 0.01;
        c.optimiser.warmupSteps = 7;
        c.optimiser.schedule = "linear";
        c.optimiser.gradAccumulation = 3;
        c.optimiser.batchSize = 2;
        c.run.steps = 123;
        c.run.epochs = 2;
        c.run.sftWarmupSteps = 33;
        c.run.evalInterval = 11;
        c.run.checkpointInterval = 22;
        c.run.seed = 12345678901234567ULL;
        c.run.teacherDevice = "cuda:3";
        c.run.studentDevice = "cuda:1";
        c.run.dtype = "bf16";
        c.run.imageSize = 224;
        c.run.maxLength = 777;
        c.run.cacheImages = true;
        QVERIFY(c != goodConfig());

        DistillWizard w;
        w.setConfig(c);
        QVERIFY2(w.config() == c, w.config().toJson().dump(2).c_str());
        DistillWizard again;
        again.setConfig(w.config());
        QVERIFY(again.config() == c);
        QCOMPARE(child<QLineEdit>(again, "optimiser.lr")->text(), QStringLiteral("0.00037"));
    }

    void presetResetsAdvancedValues()
    {
        DistillWizard w;
        QCOMPARE(w.config().method, std::string("paper"));
        QVERIFY(w.config() == DistillConfig{});
        child<QRadioButton>(w, "preset_sft")->click();
        DistillConfig c = w.config();
        QCOMPARE(c.method, std::string("sft"));
        QCOMPARE(c.terms.ce, 1.0);
        QCOMPARE(c.terms.align, 0.0);
        QCOMPARE(c.terms.policy, 0.0);
        QCOMPARE(c.lora.dropout, 0.05);
        QCOMPARE(c.run.sftWarmupSteps, 0);
        QCOMPARE(child<QLineEdit>(w, "terms.ce")->text(), QStringLiteral("1"));

        child<QLineEdit>(w, "terms.kd")->setText(QStringLiteral("0.7"));
        QCOMPARE(w.config().terms.kd, 0.7);
        child<QRadioButton>(w, "preset_paper")->click();
        QVERIFY(w.config() == DistillConfig::preset(DistillMethod::Paper));
        QCOMPARE(child<QLineEdit>(w, "terms.kd")->text(), QStringLiteral("0"));
        child<QRadioButton>(w, "preset_kd")->click();
        QVERIFY(w.config() == DistillConfig::preset(DistillMethod::Kd));
    }

    void reviewShowsTheSavedJsonAndScreenshots()
    {
        DistillWizard w;
        w.setConfig(goodConfig());
        w.resize(900, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.restart();
        for (int id = DistillWizard::ModelsPageId; id <= DistillWizard::ReviewPageId; ++id) {
            QCOMPARE(w.currentId(), id);
            if (id == DistillWizard::DataPageId)
                QVERIFY(check(w));
            if (id == DistillWizard::MethodPageId) // the advanced settings must fit on the page too
                child<QAbstractButton>(w, "advancedToggle")->click();
            QCoreApplication::processEvents();
            const QImage shot = w.grab().toImage();
            const QString file = QStringLiteral("/tmp/wizard-page-%1.png").arg(id + 1);
            QVERIFY(shot.save(file));
            QVERIFY2(distinctColours(shot) > 8, qPrintable(file));
            if (id != DistillWizard::ReviewPageId) {
                w.next();
                QVERIFY2(w.currentId() == id + 1, qPrintable(w.problem(id)));
            }
        }

        const QString json = child<QPlainTextEdit>(w, "json")->toPlainText();
        const DistillConfig shown = DistillConfig::fromJson(JsonValue::parse(json.toStdString()), "the review page");
        QVERIFY(shown == w.config());
        QVERIFY(shown == goodConfig());
        QAbstractButton *launch = w.button(QWizard::FinishButton);
        QCOMPARE(launch->text(), QStringLiteral("Launch"));
        QVERIFY2(launch->isEnabled(), qPrintable(child<QLabel>(w, "problems")->text()));

        // A problem validate() finds disables Launch and is listed.
        DistillConfig bad = goodConfig();
        bad.optimiser.lr = -1;
        w.setConfig(bad);
        QVERIFY(!launch->isEnabled());
        QVERIFY(child<QLabel>(w, "problems")->text().contains(QLatin1String("lr")));
    }
};

QTEST_MAIN(DistillWizardTest)
#include "tst_distill_wizard.moc"
