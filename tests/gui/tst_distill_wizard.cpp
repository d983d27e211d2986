// The distillation wizard: every page refuses what a run could not use, with the file and the
// problem named; a configuration survives the round trip through the pages; the review shows
// exactly the run.json that will be saved.

#include "DistillWizard.h"
#include "LanguageSwitcher.h"
#include "DistributedLaunch.h"
#include "GpuInventory.h"
#include "TinyModel.h"
#include "TrialRun.h"
#include "common/JsonIo.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSpinBox>
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

// A stand-in for nvidia-smi: two H200s, the second with 1 MiB free.
QString writeFakeNvidiaSmi(const QString &path)
{
    writeText(path, "#!/bin/sh\n"
                    "echo '0, NVIDIA H200, 143771, 123392'\n"
                    "echo '1, NVIDIA H200, 143771, 1'\n");
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

// A stand-in for nvidia-smi that lists `count` H200s.
QString writeFakeNvidiaSmi(const QString &path, int count)
{
    std::string lines = "#!/bin/sh\n";
    for (int i = 0; i < count; ++i)
        lines += "echo '" + std::to_string(i) + ", NVIDIA H200, 143771, 123392'\n";
    writeText(path, lines);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

// Sets the GPU query program and waits for its answer.
void listGpus(DistillWizard &w, const QString &program)
{
    QSignalSpy listed(w.gpuInventory(), &GpuInventory::finished);
    w.setGpuQueryProgram(program);
    if (!listed.wait(10000))
        qFatal("the GPU query did not answer");
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

    // Shows the wizard at a page, going there through the pages before it as the user would.
    static void showAt(DistillWizard &w, int pageId)
    {
        w.resize(900, 760);
        w.show();
        if (!QTest::qWaitForWindowExposed(&w))
            qFatal("the wizard was not shown");
        w.restart();
        while (w.currentId() < pageId) {
            const int id = w.currentId();
            if (id == DistillWizard::DataPageId && !check(w))
                qFatal("the data check failed: %s", qPrintable(w.problem(id)));
            w.next();
            if (w.currentId() == id)
                qFatal("page %d refused to go on: %s", id, qPrintable(w.problem(id)));
        }
        QCoreApplication::processEvents();
    }

    // A picture of the wizard for a person to look at.
    static void saveShot(DistillWizard &w, const char *name)
    {
        QDir().mkpath(QStringLiteral("/tmp/wizard-shots"));
        const QString file = QStringLiteral("/tmp/wizard-shots/") + QLatin1String(name);
        // Labels whose text just changed are laid out again first.
        QCoreApplication::processEvents();
        if (!w.grab().save(file))
            qWarning("cannot save %s", qPrintable(file));
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

    // A refusal is about the text it judged: filling the field in takes it away. A student larger
    // than its teacher is allowed, with a warning that the folders may be swapped.
    void modelsPageForgetsOldRefusalsAndWarnsOfASwappedPair()
    {
        DistillWizard w;
        QWizardPage *page = w.page(DistillWizard::ModelsPageId);
        auto *teacher = child<QLineEdit>(w, "teacher");
        auto *student = child<QLineEdit>(w, "student");
        auto *warning = child<QLabel>(w, "sizeWarning");
        student->setText(student_);
        QVERIFY(!page->validatePage());
        QVERIFY(w.problem(DistillWizard::ModelsPageId).contains(QLatin1String("teacher")));
        teacher->setText(teacher_);
        QVERIFY2(w.problem(DistillWizard::ModelsPageId).isEmpty(), qPrintable(w.problem(DistillWizard::ModelsPageId)));
        QVERIFY(warning->isHidden());

        teacher->setText(student_);
        student->setText(teacher_);
        QVERIFY(!warning->isHidden());
        QVERIFY2(warning->text().contains(QLatin1String("larger than the teacher")) &&
                     warning->text().contains(QLatin1String("swapped")),
                 qPrintable(warning->text()));
        QVERIFY(page->validatePage()); // a warning, not a refusal
        student->setText(student_);
        QVERIFY(warning->isHidden());
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

    // The data check's report is worded in the interface's language, not the loader's English.
    void dataReportIsInTheInterfaceLanguage()
    {
        LanguageSwitcher languages;
        QCOMPARE(languages.apply(QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
        QString summary;
        {
            DistillWizard w;
            w.setConfig(goodConfig());
            QVERIFY(check(w));
            summary = child<QLabel>(w, "summary")->text();
        }
        languages.apply(QStringLiteral("en"));
        QVERIFY2(summary.contains(QString::fromUtf8("个条目")) && summary.contains(QString::fromUtf8("缺少图像")),
                 qPrintable(summary));
        // What is left in Latin letters is the file's path and the loader's detail of the example.
        QString rest = summary;
        rest.remove(QDir::toNativeSeparators(data_));
        rest.remove(QRegularExpression(QString::fromUtf8("缺少图像：.*")));
        rest.remove(QStringLiteral("gone")); // the entry's id
        QVERIFY2(!rest.contains(QRegularExpression(QStringLiteral("[A-Za-z]{4,}"))), qPrintable(rest));
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

    void devicesListTheGpusNvidiaSmiReports()
    {
        DistillWizard w;
        QCOMPARE(w.gpuInventory()->program(), QStringLiteral("nvidia-smi"));
        listGpus(w, writeFakeNvidiaSmi(path("nvidia-smi")));
        auto *teacher = child<QComboBox>(w, "teacherDevice");
        auto *student = child<QComboBox>(w, "studentDevice");
        for (QComboBox *combo : {teacher, student}) {
            QCOMPARE(combo->count(), 4);
            QVERIFY(combo->isEditable());
            QCOMPARE(combo->itemText(0), QStringLiteral("auto"));
            QCOMPARE(combo->itemText(1), QStringLiteral("cpu"));
            QCOMPARE(combo->itemText(2), QStringLiteral("cuda:0 — NVIDIA H200, 120.5 GiB free of 140.4 GiB"));
            QCOMPARE(combo->itemData(2).toString(), QStringLiteral("cuda:0"));
            QCOMPARE(combo->itemData(3).toString(), QStringLiteral("cuda:1"));
        }
        QVERIFY2(child<QLabel>(w, "gpuNote")->text().contains(QLatin1String("nvidia-smi")),
                 qPrintable(child<QLabel>(w, "gpuNote")->text()));

        // A listed GPU is selected as its item and read back as the plain device; one the list
        // lacks stays typed text.
        DistillConfig c = goodConfig();
        c.run.teacherDevice = "cuda:1";
        c.run.studentDevice = "cuda:3";
        w.setConfig(c);
        QCOMPARE(teacher->currentIndex(), 3);
        QVERIFY2(teacher->currentText().startsWith(QStringLiteral("cuda:1 — NVIDIA H200")), qPrintable(teacher->currentText()));
        QCOMPARE(student->currentText(), QStringLiteral("cuda:3"));
        QVERIFY(w.config() == c);
        DistillWizard again;
        listGpus(again, path("nvidia-smi"));
        again.setConfig(w.config());
        QVERIFY(again.config() == c);
        student->setCurrentIndex(1);
        QCOMPARE(w.config().run.studentDevice, std::string("cpu"));
        student->setEditText(QStringLiteral("cuda:0"));
        QCOMPARE(w.config().run.studentDevice, std::string("cuda:0"));

        // The memory estimate compares with the GPUs' free memory: 1 MiB is too little for the student.
        c.run.teacherDevice = "cuda:0";
        c.run.studentDevice = "cuda:1";
        w.setConfig(c);
        QVERIFY(w.page(DistillWizard::ModelsPageId)->validatePage()); // loads the model folders
        w.page(DistillWizard::TrainingPageId)->initializePage();
        const QString memory = child<QLabel>(w, "memory")->text();
        QVERIFY2(memory.contains(QLatin1String("cuda:0 (NVIDIA H200) has 120.5 GiB free")), qPrintable(memory));
        QVERIFY2(memory.contains(QLatin1String("Warning")) && memory.contains(QLatin1String("1.0 MiB free on cuda:1")),
                 qPrintable(memory));
        showAt(w, DistillWizard::ModelsPageId);
        saveShot(w, "models-gpus.png");
        showAt(w, DistillWizard::TrainingPageId);
        QVERIFY(child<QLabel>(w, "memory")->text().contains(QLatin1String("Warning")));
        saveShot(w, "training-gpu-memory.png");
        c.run.studentDevice = "cuda:0";
        w.setConfig(c);
        w.page(DistillWizard::TrainingPageId)->initializePage();
        QVERIFY2(!child<QLabel>(w, "memory")->text().contains(QLatin1String("Warning")),
                 qPrintable(child<QLabel>(w, "memory")->text()));
    }

    void devicesWithoutNvidiaSmiSayWhy()
    {
        DistillWizard w;
        listGpus(w, QStringLiteral("geolens-no-such-nvidia-smi"));
        auto *teacher = child<QComboBox>(w, "teacherDevice");
        QCOMPARE(teacher->count(), 2);
        const QString note = child<QLabel>(w, "gpuNote")->text();
        QVERIFY2(note.contains(QLatin1String("geolens-no-such-nvidia-smi not found")) &&
                     note.contains(QLatin1String("type cuda:N")),
                 qPrintable(note));
        QVERIFY(teacher->toolTip().contains(note));
        DistillConfig c = goodConfig();
        c.run.teacherDevice = "cuda:1";
        w.setConfig(c);
        QCOMPARE(teacher->currentText(), QStringLiteral("cuda:1"));
        QVERIFY(w.config() == c);
    }

    void trainingPageOffersSeveralGpusThroughTorchrun()
    {
        QSettings().remove(QStringLiteral("distillWizard/gpus"));
        const QString torchrun = path("torchrun");
        writeText(torchrun, "#!/bin/sh\nexit 0\n");
        QFile::setPermissions(torchrun, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const QString cli = path("geolens-cli");
        writeText(cli, "#!/bin/sh\nexit 0\n");
        QFile::setPermissions(cli, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);

        DistillWizard w;
        w.setCliPath(cli);
        w.setTorchrunProgram(torchrun);
        QCOMPARE(w.torchrunProgram(), torchrun);
        auto *gpus = child<QSpinBox>(w, "gpus");
        auto *command = child<QLabel>(w, "launchCommand");
        auto *note = child<QLabel>(w, "launchNote");
        QWizardPage *page = w.page(DistillWizard::TrainingPageId);
        listGpus(w, writeFakeNvidiaSmi(path("nvidia-smi-4"), 4));

        // A student on the CPU: one process only, and the tooltip says why.
        DistillConfig c = goodConfig();
        w.setConfig(c);
        QVERIFY(!gpus->isEnabled());
        QCOMPARE(gpus->value(), 1);
        QVERIFY2(gpus->toolTip().contains(QLatin1String("CPU")), qPrintable(gpus->toolTip()));
        QCOMPARE(w.gpuCount(), 1);
        QCOMPARE(w.launchCommand(), (QStringList{cli, "distill"} + DistillWizard::runArguments(c)));

        // On GPUs: 1 to the 4 listed, 1 by default; one process shows no command.
        c.run.teacherDevice = c.run.studentDevice = "cuda:0";
        w.setConfig(c);
        QVERIFY(gpus->isEnabled());
        QCOMPARE(gpus->minimum(), 1);
        QCOMPARE(gpus->maximum(), 4);
        QCOMPARE(gpus->value(), 1);
        QVERIFY(command->text().isEmpty());
        // The teacher and the student on GPUs of their own: each process takes two of the four.
        c.run.teacherDevice = "cuda:1";
        w.setConfig(c);
        QCOMPARE(gpus->maximum(), 2);
        QVERIFY2(gpus->toolTip().contains(QLatin1String("uses 2 of them")), qPrintable(gpus->toolTip()));
        c.run.teacherDevice = "cuda:0";
        w.setConfig(c);
        QCOMPARE(gpus->maximum(), 4);

        // Two GPUs: the page shows the exact command the run monitor runs.
        gpus->setValue(2);
        QCOMPARE(w.gpuCount(), 2);
        const QString out = QDir::cleanPath(QFileInfo(path("run")).absoluteFilePath());
        const QStringList expected{torchrun, "--no-python", "--standalone", "--nproc-per-node", "2", cli, "distill",
                                   "--config", out + "/run.json", "--out", out};
        QCOMPARE(w.launchCommand(), expected);
        QCOMPARE(w.launchCommand(), distributedLaunchCommand(torchrun, 2, cli, DistillWizard::runArguments(c)));
        QCOMPARE(command->text(), shellCommandLine(expected));
        QVERIFY(command->textInteractionFlags() & Qt::TextSelectableByMouse);
        QCOMPARE(command->font().family(), QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
        QVERIFY(note->text().isEmpty());
        QVERIFY(w.page(DistillWizard::ModelsPageId)->validatePage()); // loads the model folders
        page->initializePage();
        const QString memory = child<QLabel>(w, "memory")->text();
        QVERIFY2(memory.contains(QLatin1String("per GPU, in each of the 2 processes")), qPrintable(memory));
        QVERIFY2(page->validatePage(), qPrintable(w.problem(DistillWizard::TrainingPageId)));

        // Without torchrun the page says where it comes from and goes on with one GPU only.
        w.setTorchrunProgram(QStringLiteral("geolens-no-such-torchrun"));
        QVERIFY2(note->text().contains(QLatin1String("python3-torch")) &&
                     note->text().contains(QLatin1String("pip install torch")),
                 qPrintable(note->text()));
        QVERIFY(!page->validatePage());
        QVERIFY2(w.problem(DistillWizard::TrainingPageId).contains(QLatin1String("torchrun")),
                 qPrintable(w.problem(DistillWizard::TrainingPageId)));
        showAt(w, DistillWizard::TrainingPageId);
        saveShot(w, "training-gpus-no-torchrun.png");
        w.setTorchrunProgram(torchrun);
        showAt(w, DistillWizard::TrainingPageId);
        QCOMPARE(w.gpuCount(), 2);
        QVERIFY(page->validatePage()); // clears the problem line
        saveShot(w, "training-gpus.png");
        gpus->setValue(1);
        w.setTorchrunProgram(QStringLiteral("geolens-no-such-torchrun"));
        QVERIFY(note->text().isEmpty());
        QVERIFY(page->validatePage());
        gpus->setValue(3);
        QVERIFY(!page->validatePage());

        // The choice made when the page last went on is remembered.
        w.setTorchrunProgram(torchrun);
        QVERIFY(page->validatePage());
        {
            DistillWizard again;
            listGpus(again, path("nvidia-smi-4"));
            again.setConfig(c);
            QCOMPARE(again.gpuCount(), 3);
            // Fewer GPUs than remembered: as many as there are.
            listGpus(again, writeFakeNvidiaSmi(path("nvidia-smi-2"), 2));
            QCOMPARE(again.gpuCount(), 2);
            // One GPU, or none listed: disabled, saying why.
            listGpus(again, writeFakeNvidiaSmi(path("nvidia-smi-1"), 1));
            auto *one = child<QSpinBox>(again, "gpus");
            QVERIFY(!one->isEnabled());
            QCOMPARE(again.gpuCount(), 1);
            QVERIFY2(one->toolTip().contains(QLatin1String("at least two; 1 is listed")), qPrintable(one->toolTip()));
            listGpus(again, QStringLiteral("geolens-no-such-nvidia-smi"));
            QVERIFY2(one->toolTip().contains(QLatin1String("geolens-no-such-nvidia-smi not found")),
                     qPrintable(one->toolTip()));
            // And back: the remembered choice returns.
            listGpus(again, path("nvidia-smi-4"));
            QCOMPARE(again.gpuCount(), 3);
        }
        QSettings().remove(QStringLiteral("distillWizard/gpus"));
    }

    void trialMetricsGiveTheTimePerStepOfEachPhase()
    {
        const QByteArray metrics =
            R"({"step":0,"seconds":0.5,"val_loss":3.5,"val_rev_kl":1})" "\n"
            R"({"step":1,"seconds":2.0,"lr":1e-5,"loss":4,"ce":4,"tokens_per_s":100,"gpu_mem_gb":10.0,"rss_gb":3.0,"phase":"sft"})" "\n"
            R"({"step":2,"seconds":2.5,"lr":2e-5,"loss":3,"ce":3,"tokens_per_s":120,"gpu_mem_gb":10.5,"rss_gb":3.1,"phase":"sft"})" "\n"
            R"({"step":3,"seconds":2.9,"lr":3e-5,"loss":2,"ce":2,"tokens_per_s":140,"gpu_mem_gb":10.5,"rss_gb":3.1,"phase":"sft"})" "\n"
            R"({"step":3,"seconds":4.0,"val_loss":2.5,"val_rev_kl":0.8})" "\n"
            R"({"step":4,"seconds":9.0,"lr":1e-5,"loss":1,"policy":1,"tokens_per_s":10,"gpu_mem_gb":38.2,"rss_gb":6.1,"phase":"distill"})" "\n"
            R"({"step":5,"seconds":10.0,"lr":1e-5,"loss":1,"policy":1,"tokens_per_s":20,"gpu_mem_gb":30.0,"rss_gb":6.0,"phase":"distill"})" "\n"
            "a line that is not JSON\n"
            R"({"step":6,"seconds":10.5,"lr":1e-5,"loss":null,"policy":null,"tokens_per_s":30,"gpu_mem_gb":30.0,"rss_gb":6.0,"phase":"distill","skipped":"non-finite loss or gradient"})" "\n"
            R"({"step":7,"seconds":12.0,"lr":1e-5,"loss":0.9,"policy":0.9,"tokens_per_s":40,"gpu_mem_gb":31.0,"rss_gb":5.9,"phase":"distill"})";
        const TrialResult r = TrialRun::parseMetrics(metrics);
        QVERIFY(r.isValid());
        QCOMPARE(r.stepRecords, 7);
        QCOMPARE(r.phases.size(), 2);
        QCOMPARE(r.phases[0].name, QStringLiteral("sft"));
        QCOMPARE(r.phases[1].name, QStringLiteral("distill"));
        const TrialPhase *sft = r.phase(QStringLiteral("sft"));
        const TrialPhase *distill = r.phase(QStringLiteral("distill"));
        QVERIFY(sft && distill);
        // The first step of each phase (and the evaluation before it) is warm-up, not timed.
        QCOMPARE(sft->timedSteps, 2);
        QCOMPARE(sft->secondsPerStep, 0.45);      // (0.5 + 0.4) / 2
        QCOMPARE(sft->tokensPerSecond, 130.0);
        QCOMPARE(distill->timedSteps, 3);
        QCOMPARE(distill->secondsPerStep, 1.0);   // (1.0 + 0.5 + 1.5) / 3
        QCOMPARE(distill->tokensPerSecond, 30.0);
        QCOMPARE(r.tokensPerSecond, 70.0);        // (120 + 140 + 20 + 30 + 40) / 5
        QCOMPARE(r.peakGpuMemoryGb, 38.2);
        QCOMPARE(r.peakRssGb, 6.1);
        QVERIFY(!r.phase(QStringLiteral("kd")));

        QVERIFY(!TrialRun::parseMetrics(QByteArray()).isValid());
        // One step per phase times nothing.
        QVERIFY(!TrialRun::parseMetrics(R"({"step":1,"seconds":2,"loss":1,"phase":"kd"})").isValid());

        // The trial's plan: the paper's method times SFT and one full cycle of rollouts.
        DistillConfig paper = goodConfig();
        paper.minillm.ppoEpochs = 4;
        QCOMPARE(TrialRun::trialSteps(paper), std::make_pair(2, 7));
        paper.method = "kd";
        QCOMPARE(TrialRun::trialSteps(paper).first, 0);
    }

    void measuresARealTrialRun()
    {
        DistillConfig c = goodConfig();
        // Short rollouts, so that the trial's few steps take seconds on the tiny models.
        c.minillm.ppoEpochs = 2;
        c.minillm.rolloutBatchSize = 2;
        c.minillm.maxNewTokens = 8;
        c.run.steps = 10000;
        c.run.sftWarmupSteps = 500;
        DistillWizard w;
        w.setCliPath(QStringLiteral(GEOLENS_CLI_PATH));
        w.setConfig(c);
        showAt(w, DistillWizard::TrainingPageId);
        auto *label = child<QLabel>(w, "measurement");
        QVERIFY2(label->text().contains(QLatin1String("Not measured")), qPrintable(label->text()));
        auto *measure = child<QPushButton>(w, "measure");
        QVERIFY(!measure->toolTip().isEmpty());

        QSignalSpy finished(&w, &DistillWizard::measurementFinished);
        measure->click();
        QVERIFY(w.isMeasuring());
        QVERIFY(!measure->isEnabled());
        QVERIFY(child<QPushButton>(w, "cancelMeasure")->isVisible());
        QVERIFY(child<QProgressBar>(w, "measureProgress")->isVisible());
        saveShot(w, "training-measuring.png");
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(label->text()));
        QVERIFY(!w.isMeasuring());
        QVERIFY(measure->isEnabled());
        QVERIFY(!child<QPushButton>(w, "cancelMeasure")->isVisible());
        const TrialResult *r = w.measurement();
        QVERIFY(r);
        const TrialPhase *distill = r->phase(QStringLiteral("distill"));
        const TrialPhase *sft = r->phase(QStringLiteral("sft"));
        QVERIFY(distill && sft);
        QCOMPARE(distill->timedSteps, 2);
        QCOMPARE(sft->timedSteps, 1);
        QVERIFY(distill->secondsPerStep > 0);
        QVERIFY(sft->secondsPerStep > 0);
        QVERIFY(r->peakRssGb > 0);
        QCOMPARE(r->peakGpuMemoryGb, 0.0); // on the CPU
        qInfo("measured %.3f s per distillation step, %.3f s per SFT step", distill->secondsPerStep,
              sft->secondsPerStep);
        const QString text = label->text();
        QVERIFY2(text.startsWith(QLatin1String("Measured: ")) && text.contains(QLatin1String("per distillation step")) &&
                     text.contains(QLatin1String("per SFT step")) &&
                     text.contains(QStringLiteral("for %1 steps").arg(QLocale().toString(10000))) &&
                     text.contains(QLatin1String("peak RAM")),
                 qPrintable(text));

        QCoreApplication::processEvents();
        saveShot(w, "training-measured.png");
        QVERIFY(distinctColours(w.grab().toImage()) > 8);

        // The batch changes the time of a step: the measurement is stale until the batch is back.
        auto *batch = child<QSpinBox>(w, "optimiser.batch_size");
        batch->setValue(batch->value() + 1);
        QVERIFY2(label->text().contains(QLatin1String("measure again")), qPrintable(label->text()));
        saveShot(w, "training-stale.png");
        batch->setValue(batch->value() - 1);
        QVERIFY2(label->text().startsWith(QLatin1String("Measured: ")), qPrintable(label->text()));
        // The length of the run only changes the forecast.
        child<QSpinBox>(w, "run.steps")->setValue(20000);
        QVERIFY2(label->text().contains(QStringLiteral("for %1 steps").arg(QLocale().toString(20000))),
                 qPrintable(label->text()));
    }

    void aFailedTrialSaysWhyOnThePage()
    {
        DistillConfig c = DistillConfig::preset(DistillMethod::Kd);
        const DistillConfig good = goodConfig();
        c.teacher = path("no-such-teacher").toStdString();
        c.student = good.student;
        c.data = good.data;
        c.images = good.images;
        c.out = good.out;
        c.run.teacherDevice = c.run.studentDevice = "cpu";
        DistillWizard w;
        w.setCliPath(QStringLiteral(GEOLENS_CLI_PATH));
        w.setConfig(c);
        QSignalSpy finished(&w, &DistillWizard::measurementFinished);
        w.measure();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY(!w.measurement());
        const QString text = child<QLabel>(w, "measurement")->text();
        QVERIFY2(text.contains(QLatin1String("failed")) && text.contains(QLatin1String("no-such-teacher")),
                 qPrintable(text));

        // A program that is not there.
        w.setCliPath(path("no-such-geolens-cli"));
        finished.clear();
        w.measure();
        QCOMPARE(finished.count(), 1);
        QVERIFY2(child<QLabel>(w, "measurement")->text().contains(QLatin1String("no-such-geolens-cli")),
                 qPrintable(child<QLabel>(w, "measurement")->text()));

        // Cancelled at once.
        w.setCliPath(QStringLiteral(GEOLENS_CLI_PATH));
        w.setConfig(goodConfig());
        finished.clear();
        w.measure();
        QVERIFY(w.isMeasuring());
        w.cancelMeasurement();
        QCOMPARE(finished.count(), 1);
        QVERIFY(!w.isMeasuring());
        QVERIFY(child<QLabel>(w, "measurement")->text().contains(QLatin1String("cancelled")));

        // The last lines the program wrote are on the page, not in a dialog.
        const QString failing = path("failing-cli");
        writeText(failing, "#!/bin/sh\n"
                           "echo 'loading the teacher' >&2\n"
                           "echo 'loading the student' >&2\n"
                           "echo 'geolens-cli: CUDA out of memory on cuda:0 while loading the teacher "
                           "(tried to allocate 2.0 GiB); put the teacher on another device' >&2\n"
                           "exit 1\n");
        QFile::setPermissions(failing, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        w.setCliPath(failing);
        showAt(w, DistillWizard::TrainingPageId);
        finished.clear();
        child<QPushButton>(w, "measure")->click();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), false);
        const QString failure = child<QLabel>(w, "measurement")->text();
        QVERIFY2(failure.contains(QLatin1String("exit code 1")) && failure.contains(QLatin1String("loading the student")) &&
                     failure.contains(QLatin1String("CUDA out of memory")),
                 qPrintable(failure));
        saveShot(w, "training-failed.png");
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

    void samplesLongerThanMaxLengthAreCountedAndRefused()
    {
        // The prompt and the image alone exceed 8 positions: no sample can be trained on.
        DistillConfig tooShort = goodConfig();
        tooShort.run.maxLength = 8;
        tooShort.minillm.maxNewTokens = 4; // below max_length, as the configuration requires
        DistillWizard w;
        w.setConfig(tooShort);
        QVERIFY(check(w));
        const QString summary = child<QLabel>(w, "summary")->text();
        QVERIFY2(summary.contains(QLatin1String("None of the 4 training samples")) &&
                     summary.contains(QLatin1String("maximum length of 8")) &&
                     summary.contains(QLatin1String("run.image_size")),
                 qPrintable(summary));
        const std::optional<SampleFit> fit = w.sampleFit();
        QVERIFY(fit);
        QCOMPARE(fit->samples, std::size_t(4));
        QCOMPARE(fit->fitting, std::size_t(0));
        QVERIFY(summary.contains(QString::number(fit->lengthNeeded)));

        // Launch refuses the run and names the fix.
        showAt(w, DistillWizard::ReviewPageId);
        QAbstractButton *launch = w.button(QWizard::FinishButton);
        QVERIFY(!launch->isEnabled());
        QVERIFY(!w.page(DistillWizard::ReviewPageId)->isComplete());
        const QString problems = child<QLabel>(w, "problems")->text();
        QVERIFY2(problems.contains(QLatin1String("None of the 4 training samples")) &&
                     problems.contains(QString::number(fit->lengthNeeded)),
                 qPrintable(problems));

        // Room for exactly the longest prompt and image: every sample fits and Launch is offered.
        DistillConfig enough = goodConfig();
        enough.run.maxLength = static_cast<int>(fit->lengthNeeded);
        enough.minillm.maxNewTokens = 4;
        w.setConfig(enough);
        showAt(w, DistillWizard::ReviewPageId);
        QVERIFY(w.sampleFit());
        QCOMPARE(w.sampleFit()->fitting, std::size_t(4));
        QVERIFY2(launch->isEnabled(), qPrintable(child<QLabel>(w, "problems")->text()));
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
        const DistillConfig shown = DistillConfig::fromJson(parseJson(json.toStdString()), "the review page");
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
