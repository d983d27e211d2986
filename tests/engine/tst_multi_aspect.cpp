#include "EngineTestData.h"
#include "ThreadExchange.h"
#include "TinyModel.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "distill/AspectQuestions.h"
#include "distill/AspectTargetJob.h"
#include "distill/ClassifierTest.h"
#include "distill/ClassifierTraining.h"
#include "distill/GeoChatAspectTeacher.h"
#include "distill/TileClassifier.h"
#include "model/GeoChatModel.h"
#include "model/Tokenizer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace geolens;
using geolens::test::TinyLayout;
using geolens::test::TinyModelSpec;

namespace fs = std::filesystem;

namespace {

const QString TokenizerModel = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");

ModelLoadOptions cpuOptions()
{
    ModelLoadOptions o;
    o.device = ComputeDevice::Cpu;
    o.dtype = WeightType::F32;
    o.imageSize = 24;
    o.threads = 2;
    return o;
}

// A synthetic overhead scene: class 0 reddish, class 1 bluish, with noise and a random bright
// square; its "bright" aspect is the share of its pixels above mid-grey. Separable by colour.
struct SyntheticScene {
    RgbImage image;
    int label = 0;
    double bright = 0.0;
};

SyntheticScene syntheticScene(int size, int label, std::mt19937_64 &random)
{
    SyntheticScene s;
    s.label = label;
    s.image.width = size;
    s.image.height = size;
    s.image.pixels.resize(static_cast<std::size_t>(size * size * 3));
    std::uniform_int_distribution<int> noise(-40, 40), place(0, size / 2);
    const int x0 = place(random), y0 = place(random);
    const bool square = random() & 1;
    int brightCount = 0;
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            const bool inSquare = square && x >= x0 && x < x0 + size / 3 && y >= y0 && y < y0 + size / 3;
            int rgb[3] = {label == 0 ? 150 : 60, 90, label == 0 ? 60 : 150};
            int sum = 0;
            for (int c = 0; c < 3; ++c) {
                const int v = std::clamp(rgb[c] + noise(random) + (inSquare ? 90 : 0), 0, 255);
                s.image.pixels[static_cast<std::size_t>((y * size + x) * 3 + c)] = static_cast<std::uint8_t>(v);
                sum += v;
            }
            brightCount += sum > 3 * 150;
        }
    s.bright = static_cast<double>(brightCount) / (size * size);
    return s;
}

// Images held in memory, ids "img N", some with their class known.
class MemorySource : public TileSampleSource {
public:
    std::vector<RgbImage> images;
    std::vector<std::string> truths;
    std::size_t size() const override { return images.size(); }
    std::string id(std::size_t i) const override { return "img " + std::to_string(i); }
    TileSample read(std::size_t i) const override
    {
        TileSample s;
        s.image = images[i];
        s.truth = truths.empty() ? std::string() : truths[i];
        return s;
    }
};

// Judges from the pixels alone: P(class 0) from the red-blue balance, the aspects from brightness.
class PixelTeacher : public AspectTeacher {
public:
    int calls = 0;
    TeacherJudgement judge(const RgbImage &image, const std::vector<std::string> &classes,
                           const std::vector<AspectQuestion> &aspects) override
    {
        ++calls;
        double red = 0, blue = 0;
        int bright = 0;
        const std::size_t n = image.pixels.size() / 3;
        for (std::size_t i = 0; i < n; ++i) {
            red += image.pixels[i * 3];
            blue += image.pixels[i * 3 + 2];
            bright += image.pixels[i * 3] + image.pixels[i * 3 + 1] + image.pixels[i * 3 + 2] > 450;
        }
        TeacherJudgement j;
        const double p0 = 1.0 / (1.0 + std::exp(-(red - blue) / static_cast<double>(n) / 20.0));
        j.classProbabilities = {p0, 1.0 - p0};
        j.classProbabilities.resize(classes.size(), 0.0);
        for (std::size_t a = 0; a < aspects.size(); ++a)
            j.aspectProbabilities.push_back(a == 0 ? static_cast<double>(bright) / static_cast<double>(n) : 0.25);
        return j;
    }
};

// A teacher pass canceled once `targets` tiles are in the folder; true when it ended Canceled.
bool passCanceledAfter(const TileSampleSource &source, const std::string &folder, const AspectTargetSettings &settings,
                       int targets)
{
    PixelTeacher teacher;
    JobProgress progress;
    AspectTargetJob job(source, teacher, folder, settings);
    int seen = 0;
    job.setOnTarget([&](const AspectTarget &) {
        if (++seen == targets)
            progress.requestCancel();
    });
    try {
        job.run(progress);
    } catch (const Canceled &) {
        return seen == targets;
    }
    return false;
}

AspectTargetSettings syntheticSettings(int imageSize = 32)
{
    AspectTargetSettings s;
    s.source = "synthetic";
    s.teacher = "pixel-teacher";
    s.classes = {"red land", "blue land"};
    s.aspects = {{"bright", "Is there a bright patch?"}, {"water", "Is there any water?"}};
    s.imageSize = imageSize;
    return s;
}

MemorySource syntheticSource(int count, int size, std::uint64_t seed)
{
    std::mt19937_64 random(seed);
    MemorySource source;
    for (int i = 0; i < count; ++i) {
        const SyntheticScene scene = syntheticScene(size, i % 2, random);
        source.images.push_back(scene.image);
        source.truths.push_back(scene.label == 0 ? "red land" : "blue land");
    }
    return source;
}

std::string readText(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

ClassifierTrainingOptions smallTraining(const std::string &targets, const std::string &out)
{
    ClassifierTrainingOptions o;
    o.targets = targets;
    o.out = out;
    o.architecture = "resnet10";
    o.width = 8;
    o.epochs = 6;
    o.batch = 16;
    o.learningRate = 3e-3;
    o.validationFraction = 0.25;
    o.patience = 10;
    o.device = "cpu";
    return o;
}

// Fresh scenes of the synthetic kind, and their classes.
struct LabelledScenes {
    std::vector<RgbImage> images;
    std::vector<int> labels;
};

LabelledScenes freshScenes(int count, std::uint64_t seed)
{
    std::mt19937_64 random(seed);
    LabelledScenes out;
    for (int i = 0; i < count; ++i) {
        const SyntheticScene scene = syntheticScene(40, i % 2, random);
        out.images.push_back(scene.image);
        out.labels.push_back(scene.label);
    }
    return out;
}

// How many predictions name their scene's class; each must have both aspects.
int rightAnswers(const std::vector<TilePrediction> &predictions, const LabelledScenes &scenes)
{
    int right = 0;
    for (std::size_t i = 0; i < predictions.size(); ++i) {
        right += predictions[i].classIndex == scenes.labels[i];
        if (predictions[i].aspectProbabilities.size() != 2)
            return -1;
    }
    return right;
}

// A three-epoch run into straightOut, and the same run into interruptedOut canceled after
// epoch 2 and run again: the straight run's last epoch, the resumed run's epochs and its result.
struct ResumedRun {
    ClassifierEpoch straightLast;
    std::vector<ClassifierEpoch> resumed;
    ClassifierTrainingResult result;
};

ResumedRun runStoppedAfterEpochTwo(ClassifierTrainingOptions o, const std::string &straightOut,
                                   const std::string &interruptedOut)
{
    ResumedRun out;
    o.epochs = 3;
    o.out = straightOut;
    ClassifierTraining whole(o);
    whole.setOnEpoch([&](const ClassifierEpoch &e) { out.straightLast = e; });
    whole.run(JobProgress());
    o.out = interruptedOut;
    JobProgress progress;
    ClassifierTraining first(o);
    first.setOnEpoch([&](const ClassifierEpoch &e) {
        if (e.epoch == 2)
            progress.requestCancel();
    });
    try {
        first.run(progress);
    } catch (const Canceled &) {
    }
    ClassifierTraining second(o);
    second.setOnEpoch([&](const ClassifierEpoch &e) { out.resumed.push_back(e); });
    out.result = second.run(JobProgress());
    return out;
}

} // namespace

// Multi-aspect distillation end to end without the GUI: the aspect questions, GeoChat's P(yes),
// the resumable teacher pass, and the classifier's training, resume, export and reload.
class MultiAspectTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::string targets_; // the synthetic teacher pass, made once

    std::string path(const char *name) const { return dir_.filePath(name).toStdString(); }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        const MemorySource source = syntheticSource(96, 40, 7);
        PixelTeacher teacher;
        targets_ = path("targets");
        AspectTargetJob(source, teacher, targets_, syntheticSettings()).run(JobProgress());
    }

    void aspectFilesAreReadAndRefused()
    {
        const auto aspects = parseAspectText("# land cover\nwater: Is there any water?\n\nAre there any bare soil fields?\n", "a.txt");
        QCOMPARE(aspects.size(), std::size_t(2));
        QCOMPARE(aspects[0].key, std::string("water"));
        QCOMPARE(aspects[0].question, std::string("Is there any water?"));
        QCOMPARE(aspects[1].key, std::string("bare_soil_fields"));
        QCOMPARE(parseAspectText(aspectText(aspects), "again").size(), aspects.size());
        QCOMPARE(aspectPrompt(aspects[0]), std::string("Is there any water?\nAnswer the question using a single word or phrase."));
        QVERIFY(defaultAspects().size() >= 10);
        QCOMPARE(aspectText(parseAspectText(aspectText(defaultAspects()), "defaults")), aspectText(defaultAspects()));

        const auto refuses = [](const std::string &text, const char *problem) {
            try {
                parseAspectText(text, "aspects.txt");
                QFAIL(qPrintable(QString("accepted: ") + QString::fromStdString(text)));
            } catch (const FileError &e) {
                QVERIFY2(QString(e.what()).contains("aspects.txt") && QString(e.what()).contains(problem), e.what());
            }
        };
        refuses("# nothing but a comment\n\n", "holds no questions");
        refuses("water: Is there water?\nwater: Is there a lake?\n", "used twice");
        refuses("Water everywhere.\n", "not a question");
        refuses("9lives: Is there a cat?\n", "letters, digits and underscores");
    }

    void yesProbabilitiesFollowTheNextTokenDistribution()
    {
        if (!QFile::exists(TokenizerModel))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        const std::string folder = path("tiny");
        test::writeTinyModel(folder, TinyModelSpec{}, TinyLayout::GeoChat, TokenizerModel.toStdString());
        const auto model = GeoChatModel::load(folder, cpuOptions());
        const RgbImage image = test::seededImage(40, 30, 3);
        const std::vector<std::string> questions{aspectPrompt({"water", "Is there any water?"}),
                                                 aspectPrompt({"roads", "Are there roads in this image?"}),
                                                 "Is it urban?"};
        const std::vector<double> p = model->yesProbabilities(image, questions);
        for (std::size_t q = 0; q < questions.size(); ++q) // one question alone: the same
            QVERIFY(std::abs(model->yesProbabilities(image, {questions[q]}).front() - p[q]) < 1e-6);
        QCOMPARE(p.size(), questions.size());
        // The same from one teacher-forced pass per question and token: the shared prefill and the
        // padded batch change nothing but rounding.
        const auto tokenSet = [&](std::initializer_list<const char *> words) {
            std::vector<int> ids;
            for (const char *w : words) {
                const int id = model->tokenize(w).front();
                if (std::find(ids.begin(), ids.end(), id) == ids.end())
                    ids.push_back(id);
                const int bare = model->tokenizer()->pieceToId(w);
                if (bare != model->tokenizer()->unk() && std::find(ids.begin(), ids.end(), bare) == ids.end())
                    ids.push_back(bare);
            }
            return ids;
        };
        const std::vector<int> yes = tokenSet({"Yes", "yes"}), no = tokenSet({"No", "no"});
        QVERIFY(yes.size() >= 2 && no.size() >= 2);
        for (std::size_t q = 0; q < questions.size(); ++q) {
            GenerationRequest r;
            r.question = questions[q];
            double yesMass = 0, noMass = 0;
            for (int id : yes)
                yesMass += std::exp(model->scoreContinuation(image, r, {id}).front());
            for (int id : no)
                noMass += std::exp(model->scoreContinuation(image, r, {id}).front());
            // In log-odds, within the 1e-3 a log-probability of the split prefill may differ from
            // a whole pass's (tst_parity's scoringAnswersMatchesTeacherForcing) for each mass.
            const double expected = yesMass / (yesMass + noMass);
            const double odds = std::log(p[q] / (1 - p[q])) - std::log(expected / (1 - expected));
            QVERIFY2(std::abs(odds) < 2e-3, qPrintable(QString("question %1: %2 against %3").arg(q).arg(p[q]).arg(expected)));
        }
        QVERIFY(model->yesProbabilities(image, {}).empty());

        // The class question and the aspects after one shared prefill: what each gives alone.
        GenerationRequest classRequest;
        classRequest.question = "Classify the image in the following classes: forest, river, farmland\n"
                                "Answer in one word or a short phrase.";
        const std::vector<std::string> classes{"forest", "river", "farmland"};
        const SceneJudgement judged = model->judgeScene(image, classRequest, classes, questions);
        const std::vector<double> alone = model->scoreAnswers(image, classRequest, classes);
        QCOMPARE(judged.classLogLikelihoods.size(), classes.size());
        for (std::size_t c = 0; c < classes.size(); ++c)
            QVERIFY2(std::abs(judged.classLogLikelihoods[c] - alone[c]) < 2e-3,
                     qPrintable(QString("%1 against %2").arg(judged.classLogLikelihoods[c]).arg(alone[c])));
        for (std::size_t q = 0; q < questions.size(); ++q)
            QVERIFY(std::abs(judged.yesProbabilities[q] - p[q]) < 1e-6);
        QVERIFY(model->judgeScene(image, classRequest, {}, {}).classLogLikelihoods.empty());

        // Hand-built models whose answer is fixed: one says yes to everything, one no.
        for (const auto &[answer, yesExpected] : {std::pair<const char *, bool>{" Yes", true}, {" No", false}}) {
            TinyModelSpec spec;
            spec.scriptedAnswer = answer;
            const std::string scripted = path(yesExpected ? "says-yes" : "says-no");
            test::writeTinyModel(scripted, spec, TinyLayout::GeoChat, TokenizerModel.toStdString());
            const auto m = GeoChatModel::load(scripted, cpuOptions());
            GeoChatAspectTeacher teacher(*m);
            const TeacherJudgement j = teacher.judge(image, {"forest", "river"}, defaultAspects());
            QCOMPARE(j.aspectProbabilities.size(), defaultAspects().size());
            QCOMPARE(j.classProbabilities.size(), std::size_t(2));
            QVERIFY(std::abs(j.classProbabilities[0] + j.classProbabilities[1] - 1.0) < 1e-9);
            for (double v : j.aspectProbabilities)
                QVERIFY2(yesExpected ? v > 0.999 : v < 0.001, qPrintable(QString::number(v)));
        }
    }

    void teacherPassResumesWhereItStopped()
    {
        const MemorySource source = syntheticSource(10, 24, 11);
        const AspectTargetSettings settings = syntheticSettings();
        PixelTeacher whole;
        const std::string once = path("once");
        AspectTargetJob(source, whole, once, settings).run(JobProgress());
        QCOMPARE(whole.calls, 10);

        // Canceled after four tiles, then a line cut short as a killed pass leaves it.
        const std::string twice = path("twice");
        QVERIFY(passCanceledAfter(source, twice, settings, 4));
        {
            std::ofstream cut(twice + "/targets.jsonl", std::ios::app | std::ios::binary);
            cut << "{\"id\":\"img 4\",\"ima";
        }
        PixelTeacher second;
        const AspectTargetSummary summary = AspectTargetJob(source, second, twice, settings).run(JobProgress());
        QCOMPARE(summary.resumed, std::size_t(4));
        QCOMPARE(summary.judged, std::size_t(6));
        QCOMPARE(second.calls, 6);
        QCOMPARE(readText(twice + "/targets.jsonl"), readText(once + "/targets.jsonl"));
        const AspectTargetTable table = AspectTargetTable::read(twice);
        QCOMPARE(table.targets().size(), std::size_t(10));
        const RgbImage stored = table.image(table.targets()[3]);
        QCOMPARE(stored.width, 32);
        QCOMPARE(stored.height, 32);
        QCOMPARE(table.targets()[3].truth, std::string("blue land"));

        // Other settings are not mixed into these targets.
        AspectTargetSettings other = settings;
        other.classes.push_back("green land");
        try {
            AspectTargetJob(source, second, twice, other).run(JobProgress());
            QFAIL("resumed with another class list");
        } catch (const FileError &e) {
            QVERIFY2(QString(e.what()).contains("class list differs"), e.what());
        }
        // A class folder that is not among the classes.
        MemorySource stray = source;
        stray.truths[2] = "lava";
        try {
            AspectTargetJob(stray, second, path("stray"), settings).run(JobProgress());
            QFAIL("accepted a class that is not in the list");
        } catch (const InvalidArgument &e) {
            QVERIFY2(QString(e.what()).contains("lava") && QString(e.what()).contains("class list"), e.what());
        }
        AspectTargetSettings none = settings;
        none.aspects.clear();
        QVERIFY_EXCEPTION_THROWN(AspectTargetJob(source, second, path("none"), none).run(JobProgress()), InvalidArgument);
    }

    // Ranks that are threads, each with its own teacher, share the tiles left of a resumed pass:
    // rank 0 writes the folder a single process writes, and a failure on one rank ends them all.
    void teacherPassSharesTilesAmongRanks()
    {
        const MemorySource source = syntheticSource(10, 24, 11);
        const AspectTargetSettings settings = syntheticSettings();
        PixelTeacher alone;
        const std::string once = path("alone");
        AspectTargetJob(source, alone, once, settings).run(JobProgress());

        const std::string shared = path("shared");
        QVERIFY(passCanceledAfter(source, shared, settings, 2));
        const auto runRanks = [](const MemorySource &tiles, const AspectTargetSettings &s, const std::string &folder,
                                 std::vector<PixelTeacher> &teachers, std::vector<AspectTargetSummary> &summaries,
                                 std::vector<std::string> &errors) {
            const int world = static_cast<int>(teachers.size());
            geolens::test::ThreadStore store;
            summaries.assign(world, AspectTargetSummary());
            errors.assign(world, std::string());
            std::vector<std::thread> threads;
            for (int rank = 0; rank < world; ++rank)
                threads.emplace_back([&, rank] {
                    geolens::test::ThreadExchange ranks(store, rank, world);
                    try {
                        summaries[rank] = AspectTargetJob(tiles, teachers[rank], folder, s).run(JobProgress(), ranks);
                    } catch (const std::exception &e) {
                        errors[rank] = e.what();
                    }
                });
            for (std::thread &t : threads)
                t.join();
        };
        std::vector<PixelTeacher> teachers(3);
        std::vector<AspectTargetSummary> summaries;
        std::vector<std::string> errors;
        runRanks(source, settings, shared, teachers, summaries, errors);
        for (const std::string &e : errors)
            QVERIFY2(e.empty(), e.c_str());
        QCOMPARE(summaries[0].resumed, std::size_t(2));
        QCOMPARE(summaries[0].judged, std::size_t(8));
        int calls = 0;
        for (const PixelTeacher &t : teachers) {
            QVERIFY2(t.calls > 0, "a rank judged no tile");
            calls += t.calls;
        }
        QCOMPARE(calls, 8);
        QCOMPARE(readText(shared + "/targets.jsonl"), readText(once + "/targets.jsonl"));
        const AspectTargetTable fromRanks = AspectTargetTable::read(shared);
        const AspectTargetTable fromOne = AspectTargetTable::read(once);
        for (std::size_t i = 0; i < 10; ++i)
            QVERIFY(fromRanks.image(fromRanks.targets()[i]).pixels == fromOne.image(fromOne.targets()[i]).pixels);

        // Rank 0 cannot take these targets on with other settings: every rank stops with its reason.
        AspectTargetSettings other = settings;
        other.classes.push_back("green land");
        std::vector<PixelTeacher> refused(3);
        runRanks(source, other, shared, refused, summaries, errors);
        for (const std::string &e : errors)
            QVERIFY2(QString::fromStdString(e).contains("class list differs"), e.c_str());

        // A class folder outside the list, met by whichever rank: every rank stops, and says why.
        MemorySource stray = source;
        for (std::size_t i = 4; i < stray.truths.size(); ++i)
            stray.truths[i] = "lava";
        std::vector<PixelTeacher> others(3);
        runRanks(stray, settings, path("stray-ranks"), others, summaries, errors);
        for (const std::string &e : errors)
            QVERIFY2(QString::fromStdString(e).contains("lava"), e.c_str());
    }

    void classifierLearnsASeparableTask()
    {
        ClassifierTrainingOptions o = smallTraining(targets_, path("run"));
        std::vector<ClassifierEpoch> epochs;
        ClassifierTraining training(o);
        training.setOnEpoch([&](const ClassifierEpoch &e) { epochs.push_back(e); });
        const ClassifierTrainingResult r = training.run(JobProgress());
        QCOMPARE(r.epochs, 6);
        QCOMPARE(r.accuracyAgainst, std::string("truth"));
        QCOMPARE(r.validationImages, 24);
        QCOMPARE(r.trainImages, 72);
        QVERIFY2(r.bestAccuracy >= 0.95, qPrintable(QString::number(r.bestAccuracy)));
        QVERIFY(epochs.back().trainLoss < epochs.front().trainLoss);
        QVERIFY2(epochs.back().aspectError < 0.2, qPrintable(QString::number(epochs.back().aspectError)));

        // The metrics in the distillation's format: a step record a batch, an evaluation an epoch.
        std::ifstream metrics(o.out + "/metrics.jsonl");
        int steps = 0, evaluations = 0;
        for (std::string line; std::getline(metrics, line);) {
            const auto record = MetricsRecord::parse(line);
            QVERIFY(record);
            if (record->kind() == MetricsRecord::Kind::Step) {
                ++steps;
                QVERIFY(record->number("bce"));
            } else {
                ++evaluations;
                QVERIFY(record->number("val_accuracy"));
            }
        }
        QCOMPARE(steps, 6 * 5); // 72 images in batches of 16
        QCOMPARE(evaluations, 6);

        // The exported classifier, reloaded, labels fresh scenes of the same kind.
        const auto classifier = TileClassifier::load(r.classifier);
        QCOMPARE(classifier->info().classes, syntheticSettings().classes);
        QCOMPARE(classifier->info().aspects.size(), std::size_t(2));
        QCOMPARE(classifier->info().epochs, r.bestEpoch);
        const LabelledScenes scenes = freshScenes(40, 99);
        const std::vector<RgbImage> &images = scenes.images;
        const std::vector<TilePrediction> predictions = classifier->predict(images);
        const int right = rightAnswers(predictions, scenes);
        for (const TilePrediction &p : predictions)
            QVERIFY(std::abs(p.classProbabilities[0] + p.classProbabilities[1] - 1.0) < 1e-6);
        QVERIFY2(right >= 36, qPrintable(QString::number(right)));
        // A second load gives the same numbers.
        const auto again = TileClassifier::load(r.classifier)->predict({images[0]});
        QCOMPARE(again[0].classProbabilities, predictions[0].classProbabilities);

        // Scored on a held-out pass of fresh scenes: right against the truth, near the teacher.
        const MemorySource fresh = syntheticSource(40, 40, 123);
        PixelTeacher teacher;
        AspectTargetJob(fresh, teacher, path("held-out"), syntheticSettings()).run(JobProgress());
        const ClassifierTestScore score =
            testTileClassifier(*classifier, AspectTargetTable::read(path("held-out")), JobProgress(), 16);
        QCOMPARE(score.images, 40);
        QVERIFY(score.truthKnown);
        QVERIFY2(score.accuracy >= 0.9, qPrintable(QString::number(score.accuracy)));
        QVERIFY(score.teacherAgreement >= 0.85);
        QVERIFY(score.aspectError < 0.2);
        // Targets of other classes are refused, naming the class.
        AspectTargetSettings otherClasses = syntheticSettings();
        otherClasses.classes = {"red land", "green land"};
        MemorySource unlabelled = fresh;
        unlabelled.truths.clear();
        AspectTargetJob(unlabelled, teacher, path("other-classes"), otherClasses).run(JobProgress());
        try {
            testTileClassifier(*classifier, AspectTargetTable::read(path("other-classes")), JobProgress());
            QFAIL("scored targets of other classes");
        } catch (const InvalidArgument &e) {
            QVERIFY2(QString(e.what()).contains("'green land'"), e.what());
        }

        // A finished run run again does nothing more.
        const ClassifierTrainingResult done = ClassifierTraining(o).run(JobProgress());
        QCOMPARE(done.resumedFromEpoch, 6);
        QCOMPARE(done.bestEpoch, r.bestEpoch);
    }

    void trainingResumesAsIfNeverStopped()
    {
        ClassifierTrainingOptions o = smallTraining(targets_, path("interrupted"));
        o.epochs = 3;
        const ResumedRun run = runStoppedAfterEpochTwo(o, path("straight"), path("interrupted"));
        const ClassifierTrainingResult &r = run.result;
        const std::vector<ClassifierEpoch> &resumed = run.resumed;
        const std::vector<ClassifierEpoch> straight{run.straightLast};
        QCOMPARE(r.resumedFromEpoch, 2);
        QCOMPARE(resumed.size(), std::size_t(1));
        QCOMPARE(resumed[0].epoch, 3);
        QVERIFY2(std::abs(resumed[0].validationLoss - straight.back().validationLoss) < 1e-4,
                 qPrintable(QString("%1 against %2").arg(resumed[0].validationLoss).arg(straight.back().validationLoss)));
        // One curve: every step once.
        std::ifstream metrics(o.out + "/metrics.jsonl");
        std::vector<int> steps;
        for (std::string line; std::getline(metrics, line);)
            if (const auto record = MetricsRecord::parse(line); record && record->kind() == MetricsRecord::Kind::Step)
                steps.push_back(record->step());
        QCOMPARE(static_cast<int>(steps.size()), 3 * 5);
        for (std::size_t i = 0; i < steps.size(); ++i)
            QCOMPARE(steps[i], static_cast<int>(i) + 1);

        // Targets that grew since (the teacher pass resumed) are refused: another split.
        const MemorySource more = syntheticSource(98, 40, 7); // the same 96 scenes and two more
        PixelTeacher teacher;
        QCOMPARE(AspectTargetJob(more, teacher, targets_, syntheticSettings()).run(JobProgress()).judged, std::size_t(2));
        try {
            ClassifierTraining(o).run(JobProgress());
            QFAIL("resumed on targets that grew");
        } catch (const FileError &e) {
            QVERIFY2(QString(e.what()).contains("(images)"), e.what());
        }

        // Other settings in the same folder are refused, naming what differs.
        o.aspectWeight = 0.0;
        try {
            ClassifierTraining(o).run(JobProgress());
            QFAIL("resumed with other settings");
        } catch (const FileError &e) {
            QVERIFY2(QString(e.what()).contains("aspect_weight"), e.what());
        }
    }

    // The second kind of student: the teacher's own CLIP tower, frozen, with a small head on its
    // pooled features. Learns, exports the head alone, reloads, resumes, and refuses what it must.
    void clipStudentLearnsOnTheFrozenTower()
    {
        if (!QFile::exists(TokenizerModel))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        const std::string teacherFolder = path("clip-teacher");
        test::writeTinyModel(teacherFolder, TinyModelSpec{}, TinyLayout::GeoChat, TokenizerModel.toStdString());

        // The tower alone: no decoder, so no text.
        ModelLoadOptions visionOnly = cpuOptions();
        visionOnly.visionOnly = true;
        const auto tower = GeoChatModel::load(teacherFolder, visionOnly);
        try {
            tower->generate(test::seededImage(24, 24, 1), GenerationRequest{});
            QFAIL("a vision-only model generated text");
        } catch (const InvalidArgument &e) {
            QVERIFY2(QString(e.what()).contains("vision tower alone"), e.what());
        }

        ClassifierTrainingOptions o = smallTraining(targets_, path("clip-run"));
        o.architecture = "clip";
        o.clipModel = teacherFolder;
        o.width = 16;
        o.epochs = 12;
        o.learningRate = 1e-2;
        std::vector<ClassifierEpoch> epochs;
        ClassifierTraining training(o);
        training.setOnEpoch([&](const ClassifierEpoch &e) { epochs.push_back(e); });
        const ClassifierTrainingResult r = training.run(JobProgress());
        QCOMPARE(r.epochs, 12);
        QVERIFY2(r.bestAccuracy >= 0.9, qPrintable(QString::number(r.bestAccuracy)));
        QVERIFY(epochs.back().trainLoss < epochs.front().trainLoss);

        const auto classifier = TileClassifier::load(r.classifier);
        QCOMPARE(classifier->info().architecture, std::string("clip"));
        QCOMPARE(classifier->info().inputSize, 32); // the targets' 32 px, a multiple of the 4 px patches
        QCOMPARE(fs::path(classifier->info().tower), fs::absolute(teacherFolder).lexically_normal());
        // The folder holds the head (norm, hidden and output layers) and nothing of the tower.
        const std::uint64_t head = 2 * 24 + (24 * 16 + 16) + (16 * 4 + 4);
        QVERIFY2(classifier->parameterCount() > head, qPrintable(QString::number(classifier->parameterCount())));
        QVERIFY(fs::file_size(r.classifier + "/weights.pt") < 64 * 1024);

        const LabelledScenes scenes = freshScenes(40, 99);
        const std::vector<RgbImage> &images = scenes.images;
        const std::vector<TilePrediction> predictions = classifier->predict(images);
        const int right = rightAnswers(predictions, scenes);
        QVERIFY2(right >= 34, qPrintable(QString::number(right)));
        // Reloaded, in a batch of another size: the same numbers but for rounding.
        const auto again = TileClassifier::load(r.classifier)->predict({images[0], images[1]});
        QVERIFY(std::abs(again[1].classProbabilities[0] - predictions[1].classProbabilities[0]) < 1e-6);
        QVERIFY(std::abs(again[1].aspectProbabilities[1] - predictions[1].aspectProbabilities[1]) < 1e-6);

        // Stopped after epoch 2 and resumed: the same third epoch as a run straight through.
        const ResumedRun run = runStoppedAfterEpochTwo(o, path("clip-straight"), path("clip-interrupted"));
        QCOMPARE(run.result.resumedFromEpoch, 2);
        QCOMPARE(run.resumed.size(), std::size_t(1));
        QVERIFY(std::abs(run.resumed[0].validationLoss - run.straightLast.validationLoss) < 1e-5);

        // Refused: clip without a model, a model without clip, a tower that has moved away.
        ClassifierTrainingOptions bad = smallTraining(targets_, path("clip-bad"));
        bad.architecture = "clip";
        QVERIFY_EXCEPTION_THROWN(ClassifierTraining(bad).run(JobProgress()), InvalidArgument);
        bad.architecture = "resnet10";
        bad.clipModel = teacherFolder;
        QVERIFY_EXCEPTION_THROWN(ClassifierTraining(bad).run(JobProgress()), InvalidArgument);
        const std::string moved = path("clip-moved");
        fs::copy(r.classifier, moved);
        Json info = readJsonFile(moved + "/classifier.json");
        info["tower"] = path("no-such-teacher");
        std::ofstream(moved + "/classifier.json") << dumpJson(info);
        try {
            TileClassifier::load(moved);
            QFAIL("loaded a classifier whose tower is gone");
        } catch (const FileError &e) {
            QVERIFY2(QString(e.what()).contains("no-such-teacher") && QString(e.what()).contains("no longer there"), e.what());
        }
    }

    void badTrainingInputsAreRefused()
    {
        // Targets without the folders' classes cannot train on the truth.
        MemorySource source = syntheticSource(12, 24, 5);
        source.truths.clear();
        PixelTeacher teacher;
        const std::string unlabelled = path("unlabelled");
        AspectTargetJob(source, teacher, unlabelled, syntheticSettings()).run(JobProgress());
        ClassifierTrainingOptions o = smallTraining(unlabelled, path("truthless"));
        o.classTarget = ClassTarget::Truth;
        try {
            ClassifierTraining(o).run(JobProgress());
            QFAIL("trained on a truth the targets lack");
        } catch (const InvalidArgument &e) {
            QVERIFY2(QString(e.what()).contains("teacher's classes"), e.what());
        }
        // Not a targets folder.
        o = smallTraining(path("nowhere"), path("run-nowhere"));
        try {
            ClassifierTraining(o).run(JobProgress());
            QFAIL("trained without targets");
        } catch (const FileError &e) {
            QVERIFY2(QString(e.what()).contains("geolens-cli aspects"), e.what());
        }
        // A classifier folder that is not one.
        QVERIFY_EXCEPTION_THROWN(TileClassifier::load(unlabelled), FileError);
        // Weights of another shape.
        const std::string broken = path("run/classifier-copy");
        fs::copy(path("run/classifier"), broken);
        Json info = readJsonFile(broken + "/classifier.json");
        info["width"] = 16;
        std::ofstream(broken + "/classifier.json") << dumpJson(info);
        try {
            TileClassifier::load(broken);
            QFAIL("loaded weights of another shape");
        } catch (const FileError &e) {
            QVERIFY2(QString(e.what()).contains("weights.pt"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(MultiAspectTest)
#include "tst_multi_aspect.moc"
