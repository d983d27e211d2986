#include "common/Error.h"
#include "common/JsonIo.h"
#include "distill/DistillConfig.h"
#include "distill/InstructionDataset.h"
#include "distill/PretrainCorpus.h"
#include "distill/SampleFit.h"
#include "model/ConversationPrompt.h"
#include "model/Tokenizer.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <set>

using namespace geolens;

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    QCOMPARE(file.write(content), content.size());
}

std::string str(const QString &text)
{
    return text.toStdString();
}

Json turn(const char *from, const std::string &value)
{
    return Json{{"from", from}, {"value", value}};
}

Json entry(Json id, const std::string &image, std::vector<Json> turns)
{
    return Json{{"id", std::move(id)}, {"image", image}, {"conversations", std::move(turns)}};
}

// A conversation of `answers` exchanges about image.
Json conversation(const std::string &id, const std::string &image, int answers)
{
    std::vector<Json> turns;
    for (int k = 0; k < answers; ++k) {
        turns.push_back(turn("human", (k == 0 ? "<image>\nQ" : "Q") + std::to_string(k) + " of " + id));
        turns.push_back(turn("gpt", "A" + std::to_string(k) + " of " + id));
    }
    return entry(Json(id), image, std::move(turns));
}

// Which message a call throws as T; empty when it does not throw.
template <typename T, typename F>
QString messageOf(F &&call)
{
    try {
        call();
    } catch (const T &e) {
        return QString::fromStdString(e.what());
    }
    return QString();
}

std::set<std::string> idsOf(const InstructionDataset &dataset)
{
    std::set<std::string> ids;
    for (const InstructionEntry &e : dataset.entries())
        ids.insert(e.id);
    return ids;
}

// A configuration validate() accepts, to which each check adds one fault.
DistillConfig usableConfig()
{
    DistillConfig config;
    config.teacher = "/models/geochat-13b";
    config.student = "/models/geochat-7b";
    config.data = "/data/instruct.json";
    config.images = "/data/images";
    config.corpus = "/data/corpus.txt";
    config.out = "/runs/one";
    return config;
}

bool mentions(const std::vector<std::string> &problems, const QString &word)
{
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string &p) { return QString::fromStdString(p).contains(word); });
}

} // namespace

static std::vector<std::string> texts(const PretrainCorpus &corpus)
{
    std::vector<std::string> out;
    for (const CorpusDocument &d : corpus.documents())
        out.push_back(d.text);
    return out;
}

class DistillDataTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString images_;

    // A dataset of the given entries written into the temporary folder.
    QString writeDataset(const QString &name, const Json &list)
    {
        const QString path = dir_.filePath(name);
        writeFile(path, QByteArray::fromStdString(dumpJson(list, 2)));
        return path;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        images_ = dir_.filePath("img");
        for (const char *name : {"a.jpg", "b.jpg", "sub/c.jpg", "bad.jpg"})
            writeFile(images_ + "/" + name, "not really a jpeg");
        writeFile(images_ + "/empty.jpg", QByteArray());
    }

    void loadsOneSamplePerAnswerWithHistory()
    {
        Json list = Json::array();
        list.push_back(entry(Json("port"), "a.jpg",
                        {turn("human", "<image>\nWhat is this?"), turn("gpt", "A port."),
                         turn("human", "How many ships?"), turn("gpt", "Three."),
                         turn("human", "Which is largest?")})); // unanswered: dropped
        list.push_back(entry(Json(7), "sub/c.jpg", {turn("human", "Describe it.\n<image>"), turn("gpt", "Fields.")}));
        const QString path = writeDataset("multi.json", list);

        const InstructionDataset data = InstructionDataset::load(str(path), str(images_));
        QCOMPARE(data.entryCount(), std::size_t(2));
        QCOMPARE(data.sampleCount(), std::size_t(3));
        QCOMPARE(data.firstSampleOf(1), std::size_t(2));

        const InstructionSample first = data.sample(0);
        QCOMPARE(first.id, std::string("port"));
        QCOMPARE(first.turn, std::size_t(0));
        QVERIFY(first.history.empty());
        QCOMPARE(first.question, std::string("What is this?"));
        QCOMPARE(first.answer, std::string("A port."));
        QCOMPARE(QString::fromStdString(first.imagePath), QDir::cleanPath(QDir(images_).absoluteFilePath("a.jpg")));

        const InstructionSample second = data.sample(1);
        QCOMPARE(second.turn, std::size_t(1));
        QCOMPARE(second.history.size(), std::size_t(1));
        QCOMPARE(second.history[0].user, std::string("What is this?"));
        QCOMPARE(second.history[0].assistant, std::string("A port."));
        QCOMPARE(second.question, std::string("How many ships?"));
        QCOMPARE(second.answer, std::string("Three."));

        const InstructionSample third = data.sample(2);
        QCOMPARE(third.id, std::string("7")); // a numeric id keeps its text
        QCOMPARE(third.entryIndex, std::size_t(1));
        QCOMPARE(third.question, std::string("Describe it.")); // marker after the words
        QCOMPARE(QString::fromStdString(third.imagePath), QDir::cleanPath(QDir(images_).absoluteFilePath("sub/c.jpg")));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, data.sample(3));

        const InstructionLoadReport &report = data.report();
        QCOMPARE(report.totalEntries, std::size_t(2));
        QCOMPARE(report.usedEntries, std::size_t(2));
        QCOMPARE(report.samples, std::size_t(3));
        QCOMPARE(report.unansweredQuestions, std::size_t(1));
        QCOMPARE(report.skippedTotal(), std::size_t(0));
    }

    void countsEverySkipReasonWithTheEntryIndex()
    {
        using R = InstructionSkipReason;
        const std::vector<Json> good{turn("human", "<image>\nQ"), turn("gpt", "A")};
        Json list = Json::array();
        list.push_back(entry(Json("ok"), "a.jpg", good));                                          // 0 used
        list.push_back(Json(42));                                                                  // 1 bad entry
        list.push_back(Json{{"id", "noimg"}, {"conversations", good}});                             // 2 no image
        list.push_back(entry(Json("gone"), "missing.jpg", good));                                  // 3 missing image
        list.push_back(entry(Json("empty"), "empty.jpg", good));                                   // 4 unreadable
        list.push_back(entry(Json("q"), "a.jpg", {turn("human", "<image>\nQ only")}));             // 5 no answer
        list.push_back(entry(Json("g1"), "a.jpg", {turn("gpt", "A"), turn("human", "Q")}));        // 6 turn order
        list.push_back(entry(Json("hh"), "a.jpg", {turn("human", "Q"), turn("human", "Q"), turn("gpt", "A")})); // 7
        list.push_back(entry(Json("sys"), "a.jpg", {turn("system", "S"), turn("gpt", "A")}));     // 8 bad entry
        list.push_back(entry(Json("nil"), "a.jpg", {}));                                           // 9 bad entry
        list.push_back(Json{{"id", "num"},
                            {"image", "a.jpg"},
                            {"conversations", Json::array({Json{{"from", "human"}, {"value", 3}},
                                                           turn("gpt", "A")})}});                  // 10 bad entry
        list.push_back(Json{{"id", "imgnum"}, {"image", 5}, {"conversations", good}});              // 11 bad entry
        list.push_back(entry(Json("blank"), "", good));                                            // 12 no image
        list.push_back(entry(Json("ok2"), "b.jpg", good));                                         // 13 used
        const QString path = writeDataset("broken.json", list);

        InstructionLoadOptions options;
        options.maxExamples = 100;
        const InstructionDataset data = InstructionDataset::load(str(path), str(images_), options);
        const InstructionLoadReport &report = data.report();
        QCOMPARE(report.totalEntries, std::size_t(14));
        QCOMPARE(report.usedEntries, std::size_t(2));
        QCOMPARE(report.samples, std::size_t(2));
        QCOMPARE(idsOf(data), (std::set<std::string>{"ok", "ok2"}));
        QCOMPARE(report.skippedCount(R::BadEntry), std::size_t(5));
        QCOMPARE(report.skippedCount(R::NoImage), std::size_t(2));
        QCOMPARE(report.skippedCount(R::MissingImage), std::size_t(1));
        QCOMPARE(report.skippedCount(R::UnreadableImage), std::size_t(1));
        QCOMPARE(report.skippedCount(R::NoAssistantTurn), std::size_t(1));
        QCOMPARE(report.skippedCount(R::TurnOrder), std::size_t(2));
        QCOMPARE(report.skippedTotal(), std::size_t(12));

        const std::vector<std::pair<std::size_t, R>> expected{
            {1, R::BadEntry},  {2, R::NoImage},   {3, R::MissingImage}, {4, R::UnreadableImage},
            {5, R::NoAssistantTurn}, {6, R::TurnOrder}, {7, R::TurnOrder}, {8, R::BadEntry},
            {9, R::BadEntry},  {10, R::BadEntry}, {11, R::BadEntry},    {12, R::NoImage}};
        QCOMPARE(report.examples.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(report.examples[i].entryIndex, expected[i].first);
            QCOMPARE(report.examples[i].reason, expected[i].second);
            QVERIFY(!report.examples[i].detail.empty());
        }
        QCOMPARE(report.examples[2].id, std::string("gone"));
        QVERIFY(QString::fromStdString(report.examples[2].detail).contains("missing.jpg"));
        QVERIFY(QString::fromStdString(report.examples[7].detail).contains("system"));
        QVERIFY(QString::fromStdString(report.summary()).contains("1 missing image"));

        // The default keeps only the first few examples, still counting every skip.
        const InstructionDataset capped = InstructionDataset::load(str(path), str(images_));
        QCOMPARE(capped.report().examples.size(), std::size_t(5));
        QCOMPARE(capped.report().skippedTotal(), std::size_t(12));
    }

    void asksTheImageCheckerOncePerImage()
    {
        Json list = Json::array();
        list.push_back(conversation("one", "a.jpg", 1));
        list.push_back(conversation("two", "bad.jpg", 1));
        list.push_back(conversation("three", "a.jpg", 2));
        list.push_back(conversation("four", "empty.jpg", 1)); // empty, but the checker decides
        list.push_back(conversation("five", "nowhere.jpg", 1)); // missing: the checker is not asked
        const QString path = writeDataset("checked.json", list);

        std::vector<std::string> asked;
        InstructionLoadOptions options;
        options.imageChecker = [&](const std::string &image) -> std::string {
            asked.push_back(image);
            return QString::fromStdString(image).endsWith("bad.jpg") ? "not a JPEG" : "";
        };
        const InstructionDataset data = InstructionDataset::load(str(path), str(images_), options);
        QCOMPARE(asked.size(), std::size_t(3));
        QCOMPARE(idsOf(data), (std::set<std::string>{"one", "three", "four"}));
        QCOMPARE(data.sampleCount(), std::size_t(4));
        QCOMPARE(data.report().skippedCount(InstructionSkipReason::UnreadableImage), std::size_t(1));
        QCOMPARE(data.report().skippedCount(InstructionSkipReason::MissingImage), std::size_t(1));
        QVERIFY(QString::fromStdString(data.report().examples[0].detail).contains("not a JPEG"));
    }

    void rejectsFilesThatAreNotLists()
    {
        const QString broken = dir_.filePath("broken-syntax.json");
        writeFile(broken, "[\n  {\"id\": 1, \"image\": \"a.jpg\"},\n  {\"id\": 2,, }\n]");
        FileError error("", "");
        try {
            InstructionDataset::load(str(broken), str(images_));
            QFAIL("invalid JSON was accepted");
        } catch (const FileError &e) {
            error = e;
        }
        QCOMPARE(QString::fromStdString(error.path()), broken);
        QVERIFY2(QString(error.what()).contains("line 3"), error.what());

        const QString object = dir_.filePath("object.json");
        writeFile(object, "{\"id\": 1, \"conversations\": []}");
        QString message = messageOf<FileError>([&] { InstructionDataset::load(str(object), str(images_)); });
        QVERIFY2(message.contains(object) && message.contains("list") && message.contains("object"), qPrintable(message));

        // Malformed between or after items, where only the list structure is wrong.
        for (const char *text : {"[{} {}]", "[{}, ]", "[{\"id\": 1}", "[{}] x", "", "[1, 2]]"}) {
            const QString path = dir_.filePath("odd.json");
            writeFile(path, text);
            message = messageOf<FileError>([&] { InstructionDataset::load(str(path), str(images_)); });
            QVERIFY2(message.contains(path), text);
        }

        const QString emptyList = dir_.filePath("empty-list.json");
        writeFile(emptyList, " [ ] \n");
        QCOMPARE(InstructionDataset::load(str(emptyList), str(images_)).report().totalEntries, std::size_t(0));

        message = messageOf<FileError>([&] { InstructionDataset::load(str(dir_.filePath("absent.json")), str(images_)); });
        QVERIFY(message.contains("absent.json"));
        const QString noFolder = dir_.filePath("no-such-folder");
        message = messageOf<FileError>([&] { InstructionDataset::load(str(emptyList), str(noFolder)); });
        QVERIFY2(message.contains(noFolder), qPrintable(message));
    }

    void splitsValidationByEntryAndSeed()
    {
        Json list = Json::array();
        for (int i = 0; i < 20; ++i)
            list.push_back(conversation("e" + std::to_string(i), i % 2 ? "a.jpg" : "b.jpg", 1 + i % 3));
        const QString path = writeDataset("twenty.json", list);
        const InstructionDataset data = InstructionDataset::load(str(path), str(images_));
        QCOMPARE(data.entryCount(), std::size_t(20));

        const InstructionSplit a = InstructionDataset::splitByFraction(data, 0.25, 7);
        QCOMPARE(a.validation.entryCount(), std::size_t(5));
        QCOMPARE(a.training.entryCount(), std::size_t(15));
        // By entry: every sample of an entry on one side, none lost.
        QCOMPARE(a.training.sampleCount() + a.validation.sampleCount(), data.sampleCount());
        std::set<std::string> all = idsOf(a.training);
        for (const std::string &id : idsOf(a.validation))
            QVERIFY(all.insert(id).second);
        QCOMPARE(all.size(), std::size_t(20));
        std::set<std::string> sampleIds;
        for (std::size_t i = 0; i < a.validation.sampleCount(); ++i)
            sampleIds.insert(a.validation.sample(i).id);
        QCOMPARE(sampleIds, idsOf(a.validation));
        // Each side keeps file order.
        for (std::size_t i = 1; i < a.training.entryCount(); ++i)
            QVERIFY(a.training.entries()[i - 1].index < a.training.entries()[i].index);

        const InstructionSplit again = InstructionDataset::splitByFraction(data, 0.25, 7);
        QCOMPARE(idsOf(again.validation), idsOf(a.validation));
        const InstructionSplit other = InstructionDataset::splitByFraction(data, 0.25, 8);
        QVERIFY(idsOf(other.validation) != idsOf(a.validation));
        // Pinned, so that a change of the shuffle (which would move runs' splits) is noticed.
        QCOMPARE(idsOf(a.validation), (std::set<std::string>{"e2", "e4", "e12", "e14", "e18"}));

        QCOMPARE(InstructionDataset::splitByFraction(data, 0.0, 7).validation.entryCount(), std::size_t(0));
        QCOMPARE(InstructionDataset::splitByFraction(data, 0.01, 7).validation.entryCount(), std::size_t(1));
        QCOMPARE(InstructionDataset::splitByFraction(data, 0.5, 7).validation.entryCount(), std::size_t(10));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, InstructionDataset::splitByFraction(data, 0.6, 7));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, InstructionDataset::splitByFraction(data, -0.1, 7));

        Json single = Json::array();
        single.push_back(conversation("only", "a.jpg", 2));
        const InstructionDataset one = InstructionDataset::load(str(writeDataset("one.json", single)), str(images_));
        const QString message = messageOf<InvalidArgument>([&] { InstructionDataset::splitByFraction(one, 0.05, 1); });
        QVERIFY2(message.contains("nothing to train"), qPrintable(message));
        QCOMPARE(InstructionDataset::splitByFraction(one, 0.0, 1).training.sampleCount(), std::size_t(2));
    }

    void takesValidationFromASeparateFile()
    {
        Json train = Json::array();
        for (int i = 0; i < 4; ++i)
            train.push_back(conversation("t" + std::to_string(i), "a.jpg", 1));
        Json validation = Json::array();
        validation.push_back(conversation("v0", "b.jpg", 2));
        validation.push_back(conversation("v1", "missing.jpg", 1));
        const QString trainPath = writeDataset("train.json", train);
        const QString validationPath = writeDataset("validation.json", validation);

        const InstructionSplit split = InstructionDataset::loadForTraining(str(trainPath), str(images_),
                                                                           str(validationPath), 0.25, 3);
        QCOMPARE(split.training.entryCount(), std::size_t(4)); // the fraction is unused
        QCOMPARE(idsOf(split.validation), std::set<std::string>{"v0"});
        QCOMPARE(split.validation.sampleCount(), std::size_t(2));
        QCOMPARE(split.validation.report().skippedCount(InstructionSkipReason::MissingImage), std::size_t(1));

        const InstructionSplit byFraction = InstructionDataset::loadForTraining(str(trainPath), str(images_), "", 0.25, 3);
        QCOMPARE(byFraction.validation.entryCount(), std::size_t(1));

        Json unusable = Json::array();
        unusable.push_back(conversation("x", "missing.jpg", 1));
        const QString unusablePath = writeDataset("unusable.json", unusable);
        const QString message = messageOf<InvalidArgument>([&] {
            InstructionDataset::loadForTraining(str(trainPath), str(images_), str(unusablePath), 0.0, 3);
        });
        QVERIFY2(message.contains(unusablePath) && message.contains("missing image"), qPrintable(message));
    }

    void readsAPlainTextCorpus()
    {
        const QString path = dir_.filePath("corpus.txt");
        writeFile(path, "First line\nsecond line\n\n\n   \t\nSecond doc\r\n\r\nThird\n  indented\n\n");
        const PretrainCorpus corpus = PretrainCorpus::load(str(path));
        QCOMPARE(corpus.report().format, CorpusFormat::PlainText);
        QCOMPARE(texts(corpus), (std::vector<std::string>{"First line\nsecond line", "Second doc", "Third\n  indented"}));
        QCOMPARE(corpus.report().documents, std::size_t(3));

        const QString blank = dir_.filePath("blank.txt");
        writeFile(blank, "\n  \n\n");
        QVERIFY(messageOf<FileError>([&] { PretrainCorpus::load(str(blank)); }).contains(blank));
        QVERIFY(messageOf<FileError>([&] { PretrainCorpus::load(str(dir_.filePath("none.txt"))); }).contains("none.txt"));
    }

    void readsJsonLinesAndCountsBadLines()
    {
        const QString path = dir_.filePath("corpus.jsonl");
        writeFile(path, "{\"text\": \"one\"}\n"
                        "not json\n"
                        "\n"
                        "[1, 2]\n"
                        "{\"body\": \"x\"}\n"
                        "{\"text\": 5}\n"
                        "{\"text\": \"  \"}\n"
                        "{\"text\": \"two\\nlines\", \"source\": \"wiki\"}\r\n");
        PretrainCorpus corpus = PretrainCorpus::load(str(path));
        QCOMPARE(corpus.report().format, CorpusFormat::JsonLines);
        QCOMPARE(texts(corpus), (std::vector<std::string>{"one", "two\nlines"}));
        QCOMPARE(corpus.report().badLines, std::size_t(4));
        QCOMPARE(corpus.report().emptyDocuments, std::size_t(1));
        std::vector<std::size_t> lines;
        for (const CorpusBadLine &bad : corpus.report().examples)
            lines.push_back(bad.line);
        QCOMPARE(lines, (std::vector<std::size_t>{2, 4, 5, 6}));
        QVERIFY(QString::fromStdString(corpus.report().summary()).contains("line 5"));
        QCOMPARE(corpus.takeDocuments().size(), std::size_t(2));

        // The format can be forced whatever the name.
        const QString named = dir_.filePath("lines.txt");
        writeFile(named, "{\"text\": \"a\"}\n");
        QCOMPARE(texts(PretrainCorpus::load(str(named), CorpusFormat::JsonLines)), std::vector<std::string>{"a"});

        const QString allBad = dir_.filePath("bad.jsonl");
        writeFile(allBad, "{}\n[]\n");
        const QString message = messageOf<FileError>([&] { PretrainCorpus::load(str(allBad)); });
        QVERIFY2(message.contains(allBad) && message.contains("line 1"), qPrintable(message));
    }

    // The paper's D_PT is visual and textual: a line with an image is an image-text pair.
    void readsImageTextPairs()
    {
        QDir(dir_.path()).mkpath("corpus-images");
        writeFile(dir_.filePath("corpus-images/a.png"), "not decoded here");
        const QString absolute = dir_.filePath("corpus-images/b.png");
        writeFile(absolute, "x");
        const QString path = dir_.filePath("pairs.jsonl");
        writeFile(path, "{\"text\": \"a harbour with ships\", \"image\": \"corpus-images/a.png\"}\n"
                        "{\"text\": \"just text\"}\n"
                        "{\"text\": \"a river\", \"image\": \"" + absolute.toUtf8() + "\", \"prompt\": \"Caption it.\"}\n"
                        "{\"text\": \"gone\", \"image\": \"corpus-images/missing.png\"}\n"
                        "{\"text\": \"odd\", \"image\": 3}\n");
        const PretrainCorpus corpus = PretrainCorpus::load(str(path));
        QCOMPARE(corpus.documents().size(), std::size_t(3));
        QCOMPARE(corpus.documents()[0].image, str(dir_.filePath("corpus-images/a.png")));
        QCOMPARE(corpus.documents()[0].prompt, std::string());
        QVERIFY(corpus.documents()[1].image.empty());
        QCOMPARE(corpus.documents()[2].image, str(absolute));
        QCOMPARE(corpus.documents()[2].prompt, std::string("Caption it."));
        QCOMPARE(corpus.report().imagePairs, std::size_t(2));
        QCOMPARE(corpus.report().badLines, std::size_t(2));
        const QString summary = QString::fromStdString(corpus.report().summary());
        QVERIFY2(summary.contains("3 documents (2 with an image)") && summary.contains("missing.png does not exist") &&
                     summary.contains("\"image\" is a number"),
                 qPrintable(summary));
    }

    void presetsDifferAsDocumented()
    {
        QVERIFY(DistillConfig() == DistillConfig::preset(DistillMethod::Paper));
        const DistillConfig paper = DistillConfig::preset("paper");
        QCOMPARE(paper.terms.align, 1.0);
        QCOMPARE(paper.terms.policy, 1.0);
        QCOMPARE(paper.terms.single, 1.0);
        QCOMPARE(paper.terms.pt, 1.0);
        QCOMPARE(paper.terms.kd + paper.terms.ce, 0.0);
        QVERIFY(paper.run.sftWarmupSteps > 0);
        QCOMPARE(paper.lora.dropout, 0.0);
        QCOMPARE(paper.minillm.alpha, 0.2);
        QCOMPARE(paper.minillm.gamma, 0.95);
        QCOMPARE(paper.minillm.maxNewTokens, 256); // GeoChat's evaluation length: captions are not cut
        QCOMPARE(paper.minillm.returnRange, std::string("future")); // the paper's R_{t+1}
        QCOMPARE(paper.run.warmupLoss, std::string("kd")); // the teacher's outputs and the answers
        QCOMPARE(paper.lora.rank, 64);
        QCOMPARE(paper.lora.targets, LoraSettings::knownTargets());

        auto weights = [](const DistillConfig &c) {
            return std::vector<double>{c.terms.align, c.terms.policy, c.terms.single, c.terms.pt, c.terms.kd, c.terms.ce};
        };
        QCOMPARE(weights(DistillConfig::preset("align")), (std::vector<double>{1, 0, 0, 0, 0, 1}));
        QCOMPARE(weights(DistillConfig::preset("kd")), (std::vector<double>{0, 0, 0, 0, 1, 0}));
        QCOMPARE(weights(DistillConfig::preset("sft")), (std::vector<double>{0, 0, 0, 0, 0, 1}));
        QCOMPARE(weights(DistillConfig::preset("rkl")), (std::vector<double>{0, 0, 1, 0, 0, 0}));
        QCOMPARE(weights(DistillConfig::preset("seqkd")), (std::vector<double>{0, 0, 0, 0, 0, 1}));
        const DistillConfig kd = DistillConfig::preset(DistillMethod::Kd);
        QCOMPARE(kd.terms.kdTemperature, 2.0);
        QCOMPARE(kd.terms.kdLambda, 0.5);
        for (const char *name : {"align", "kd", "sft", "rkl", "seqkd"}) {
            const DistillConfig c = DistillConfig::preset(name);
            QCOMPARE(c.method, std::string(name));
            QCOMPARE(c.run.sftWarmupSteps, 0);
            QCOMPARE(c.lora.dropout, 0.05);
            QVERIFY(c != paper);
        }
        QVERIFY(DistillConfig::preset("sft") != DistillConfig::preset("seqkd")); // the method differs
        QVERIFY(messageOf<InvalidArgument>([] { DistillConfig::preset("ppo"); }).contains("seqkd"));
    }

    void countsSamplesThatDoNotFitInMaxLength()
    {
        const QString tokenizerPath = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        if (!QFile::exists(tokenizerPath))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        const auto tokenizer = Tokenizer::load(tokenizerPath.toStdString());

        InstructionSample shortSample;
        shortSample.question = "What is this?";
        shortSample.answer = "A harbour.";
        InstructionSample longSample;
        longSample.history = {{"Describe the image in detail, naming every building you can see.",
                               "A dense residential area with a river and a bridge in the north."}};
        longSample.question = "How many ships are moored along the river, and where exactly are they?";
        longSample.answer = "Three ships, all of them along the northern bank near the bridge.";
        const std::vector<SampleLength> lengths = measureSampleLengths({shortSample, longSample}, *tokenizer);
        QCOMPARE(lengths.size(), std::size_t(2));

        // The lengths are the run's: the llava_v1 prompt less its image marker, the answer with EOS.
        const std::vector<int> prompt =
            tokenizer->encodePrompt(llavaConversationPrompt(longSample.question, {{longSample.history[0].user,
                                                                                   longSample.history[0].assistant}}));
        QCOMPARE(lengths[1].promptTokens, prompt.size() - 1);
        QCOMPARE(lengths[1].answerTokens, tokenizer->encode(longSample.answer).size() + 1);
        QVERIFY(lengths[0].promptTokens < lengths[1].promptTokens);

        const int imageTokens = 36; // a 24 px tower of 4 px patches
        const std::int64_t shortNeeds = SampleFit::minimumLength(lengths[0], imageTokens);
        const std::int64_t longNeeds = SampleFit::minimumLength(lengths[1], imageTokens);
        QCOMPARE(longNeeds, static_cast<std::int64_t>(prompt.size()) - 1 + imageTokens + 1);

        // Room for the short sample's prompt and image only: the long one is counted, with its need.
        DistillConfig config;
        config.run.maxLength = static_cast<int>(shortNeeds);
        SampleFit fit = SampleFit::of(config, lengths, imageTokens);
        QCOMPARE(fit.samples, std::size_t(2));
        QCOMPARE(fit.fitting, std::size_t(1));
        QCOMPARE(fit.tooLong(), std::size_t(1));
        QVERIFY(!fit.noneFit());
        QCOMPARE(fit.lengthNeeded, longNeeds);
        QCOMPARE(fit.longestWithAnswer, SampleFit::fullLength(lengths[1], imageTokens));
        QString text = QString::fromStdString(fit.describe());
        QVERIFY2(text.startsWith("1 of 2 training samples") && text.contains("max_length " + QString::number(shortNeeds)) &&
                     text.contains(QString::number(longNeeds)) && text.contains("run.image_size"),
                 qPrintable(text));

        // One position less and nothing fits.
        config.run.maxLength = static_cast<int>(shortNeeds) - 1;
        fit = SampleFit::of(config, lengths, imageTokens);
        QCOMPARE(fit.fitting, std::size_t(0));
        QVERIFY(fit.noneFit());
        text = QString::fromStdString(fit.describe());
        QVERIFY2(text.startsWith("None of the 2 training samples") && text.contains(QString::number(longNeeds)),
                 qPrintable(text));

        // Enough room for both: nothing to say.
        fit = SampleFit::of(lengths, static_cast<int>(longNeeds), imageTokens);
        QCOMPARE(fit.fitting, std::size_t(2));
        QVERIFY(fit.describe().empty());
        QVERIFY(!SampleFit::of({}, 1, imageTokens).noneFit()); // no data is another problem
    }

    void roundTripsEverySetting()
    {
        DistillConfig changed = usableConfig();
        changed.validationData = "/data/val.json";
        changed.tokenizer = "/models/tokenizer.model";
        changed.validationFraction = 0.125;
        changed.method = "kd";
        changed.terms = {0.5, 0.25, 0.75, 2.0, 3.0, 0.125, 1.5, 0.3, "half_sum"};
        changed.minillm = {0.3, 0.9, 0.1, 0.25, 50.0, 2, 16, 0.4, 0.7, 40, 0.9, 128, false, false, "from_current"};
        changed.lora = {false, 8, 32.0, 0.1, {"q", "v"}};
        changed.optimiser = {1.0 / 3.0, {0.8, 0.999}, 1e-6, 0.01, 10, "linear", 0.1, 0.5, 4, 2};
        changed.run = {5000, 3, 200, 50, 250, 1234567890123ULL, "cuda:1", "cuda:0", "bf16", 336, 1536, true, "ce", 90};

        // Every setting differs from the default, so the loop below proves each one travels.
        const Json defaults = DistillConfig().toJson();
        const Json written = changed.toJson();
        auto lookup = [](const Json &json, const std::string &key) {
            const std::size_t dot = key.find('.');
            return dot == std::string::npos ? json.at(key) : json.at(key.substr(0, dot)).at(key.substr(dot + 1));
        };
        for (const std::string &key : DistillConfig::keys())
            QVERIFY2(lookup(defaults, key) != lookup(written, key), key.c_str());
        QCOMPARE(DistillConfig::keys().size(), std::size_t(63));

        const std::string path = DistillConfig::runFilePath(str(dir_.path()));
        QVERIFY(QString::fromStdString(path).endsWith("/run.json"));
        changed.save(path);
        const DistillConfig read = DistillConfig::load(path);
        QVERIFY(read == changed);
        QCOMPARE(read.optimiser.lr, 1.0 / 3.0); // doubles exactly
        QCOMPARE(read.run.seed, std::uint64_t(1234567890123ULL));
        QCOMPARE(read.lora.targets, (std::vector<std::string>{"q", "v"}));
        QCOMPARE(read.corpus, changed.corpus);

        // Unset optional paths are null in the file and read back unset.
        DistillConfig plain = usableConfig();
        plain.corpus.clear();
        QVERIFY(plain.toJson().at("corpus").is_null());
        QVERIFY(DistillConfig::fromJson(plain.toJson(), "memory") == plain);
    }

    void missingKeysTakeTheMethodsDefaults()
    {
        const DistillConfig kd = DistillConfig::fromJson(parseJson(R"({"method": "kd", "lora": {"rank": 16}})"), "x");
        QCOMPARE(kd.terms.kd, 1.0);
        QCOMPARE(kd.terms.policy, 0.0);
        QCOMPARE(kd.lora.rank, 16);
        QCOMPARE(kd.lora.alpha, 16.0);
        // An unknown method is kept for validate() to name.
        const DistillConfig odd = DistillConfig::fromJson(parseJson(R"({"method": "ppo"})"), "x");
        QCOMPARE(odd.method, std::string("ppo"));
        QVERIFY(mentions(odd.validate(), "ppo"));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, odd.methodKind());
    }

    void rejectsUnknownKeysAndWrongTypes()
    {
        auto fromText = [](const char *text) {
            return messageOf<InvalidArgument>([&] { DistillConfig::fromJson(parseJson(text), "run.json"); });
        };
        QString message = fromText(R"({"lora": {"rnak": 8}})");
        QVERIFY2(message.startsWith("run.json: ") && message.contains("\"lora.rnak\"") && message.contains("\"lora.rank\""),
                 qPrintable(message));
        message = fromText(R"({"techer": "/m"})");
        QVERIFY2(message.contains("\"techer\"") && message.contains("did you mean \"teacher\""), qPrintable(message));
        message = fromText(R"({"zzzzzzzz": 1})");
        QVERIFY2(message.contains("\"zzzzzzzz\"") && !message.contains("did you mean"), qPrintable(message));

        message = fromText(R"({"optimiser": {"lr": "fast"}})");
        QVERIFY2(message.contains("\"optimiser.lr\"") && message.contains("a number"), qPrintable(message));
        message = fromText(R"({"run": {"steps": 1.5}})");
        QVERIFY2(message.contains("\"run.steps\"") && message.contains("an integer"), qPrintable(message));
        message = fromText(R"({"run": {"steps": 1e12}})");
        QVERIFY2(message.contains("\"run.steps\"") && message.contains("out of range"), qPrintable(message));
        message = fromText(R"({"run": {"seed": -1}})");
        QVERIFY2(message.contains("\"run.seed\""), qPrintable(message));
        message = fromText(R"({"lora": {"enabled": 1}})");
        QVERIFY2(message.contains("\"lora.enabled\"") && message.contains("true or false"), qPrintable(message));
        message = fromText(R"({"lora": {"targets": ["q", 2]}})");
        QVERIFY2(message.contains("\"lora.targets\"") && message.contains("a list of strings"), qPrintable(message));
        message = fromText(R"({"optimiser": {"betas": [0.9]}})");
        QVERIFY2(message.contains("\"optimiser.betas\"") && message.contains("two numbers"), qPrintable(message));
        message = fromText(R"({"lora": 5})");
        QVERIFY2(message.contains("\"lora\"") && message.contains("an object"), qPrintable(message));
        message = fromText(R"({"corpus": 3})");
        QVERIFY2(message.contains("\"corpus\"") && message.contains("a string or null"), qPrintable(message));
        QVERIFY(fromText("[]").contains("object"));
        QVERIFY(fromText(R"({"run": {"steps": 1000.0}})").isEmpty()); // a whole number is an integer

        const QString path = dir_.filePath("typo.json");
        writeFile(path, R"({"minillm": {"gama": 0.9}})");
        message = messageOf<FileError>([&] { DistillConfig::load(str(path)); });
        QVERIFY2(message.contains(path) && message.contains("\"minillm.gama\""), qPrintable(message));
        writeFile(path, "{\"method\": ");
        QVERIFY(messageOf<FileError>([&] { DistillConfig::load(str(path)); }).contains(path));
    }

    void validateNamesEachProblem()
    {
        QCOMPARE(usableConfig().validate(), std::vector<std::string>());
        for (const char *method : {"align", "kd", "sft", "rkl", "seqkd"}) {
            const DistillConfig c = usableConfig();
            DistillConfig preset = DistillConfig::preset(method);
            preset.teacher = c.teacher;
            preset.student = c.student;
            preset.data = c.data;
            preset.images = c.images;
            preset.out = c.out;
            QVERIFY2(preset.validate().empty(), method);
        }
        {
            // MiniLLM's return, which includes r_t, stays available by name.
            DistillConfig c = usableConfig();
            c.minillm.returnRange = "from_current";
            QVERIFY(c.validate().empty());
        }
        {
            // The corpus is optional even for the paper's method: the run turns pt off and says so.
            DistillConfig c = usableConfig();
            c.corpus.clear();
            QVERIFY(c.validate().empty());
        }

        struct Case {
            const char *word;
            std::function<void(DistillConfig &)> spoil;
        };
        const std::vector<Case> cases{
            {"teacher", [](DistillConfig &c) { c.teacher.clear(); }},
            {"images", [](DistillConfig &c) { c.images = "  "; }},
            {"lr", [](DistillConfig &c) { c.optimiser.lr = -1e-5; }},
            {"validation_fraction", [](DistillConfig &c) { c.validationFraction = 0.7; }},
            {"method", [](DistillConfig &c) { c.method = "distil"; }},
            {"minillm.alpha", [](DistillConfig &c) { c.minillm.alpha = 1.5; }},
            {"lora.rank", [](DistillConfig &c) { c.lora.rank = 0; }},
            {"both 0", [](DistillConfig &c) { c.run.steps = 0; }},
            {"weight 0", [](DistillConfig &c) { c.terms = {0, 0, 0, 0, 0, 0, 2.0, 0.5}; }},
            {"\"attn\"", [](DistillConfig &c) { c.lora.targets.push_back("attn"); }},
            {"twice", [](DistillConfig &c) { c.lora.targets.push_back("q"); }},
            {"schedule", [](DistillConfig &c) { c.optimiser.schedule = "step"; }},
            {"teacher device", [](DistillConfig &c) { c.run.teacherDevice = "gpu"; }},
            {"student device", [](DistillConfig &c) { c.run.studentDevice = "cuda:"; }},
            {"dtype", [](DistillConfig &c) { c.run.dtype = "fp16"; }},
            {"image_size", [](DistillConfig &c) { c.run.imageSize = -14; }},
            {"top_p", [](DistillConfig &c) { c.minillm.topP = 0.0; }},
            {"gamma", [](DistillConfig &c) { c.minillm.gamma = 1.2; }},
            {"minillm.return", [](DistillConfig &c) { c.minillm.returnRange = "all"; }},
            {"run.warmup_loss", [](DistillConfig &c) { c.run.warmupLoss = "mse"; }},
            {"terms.align_reduction", [](DistillConfig &c) { c.terms.alignReduction = "sum"; }},
            {"betas", [](DistillConfig &c) { c.optimiser.betas = {0.9, 1.0}; }},
            {"grad_accumulation", [](DistillConfig &c) { c.optimiser.gradAccumulation = 0; }},
            {"validation data", [](DistillConfig &c) { c.validationFraction = 0.0; }},
            {"policy", [](DistillConfig &c) { c.method = "sft"; }},
            {"max_length", [](DistillConfig &c) { c.run.maxLength = 32; }},
            {"kd_lambda", [](DistillConfig &c) { c.terms.kdLambda = -0.1; }},
        };
        for (const Case &test : cases) {
            DistillConfig c = usableConfig();
            test.spoil(c);
            const std::vector<std::string> problems = c.validate();
            QVERIFY2(mentions(problems, test.word), test.word);
        }
        // With a validation file, no fraction is needed for the warm start.
        DistillConfig withFile = usableConfig();
        withFile.validationFraction = 0.0;
        withFile.validationData = "/data/val.json";
        QVERIFY(withFile.validate().empty());
        QCOMPARE(withFile.methodKind(), DistillMethod::Paper);
    }

    void appliesOverridesFromText()
    {
        DistillConfig c = usableConfig();
        c.applyOverride("lr", "1e-4");
        QCOMPARE(c.optimiser.lr, 1e-4);
        c.applyOverride("lora.targets", " q, v ,gate ");
        QCOMPARE(c.lora.targets, (std::vector<std::string>{"q", "v", "gate"}));
        c.applyOverride("betas", "0.8,0.99");
        QCOMPARE(c.optimiser.betas[0], 0.8);
        QCOMPARE(c.optimiser.betas[1], 0.99);
        c.applyOverride("cache-images", "yes");
        QVERIFY(c.run.cacheImages);
        c.applyOverride("minillm.length_normalise", "false");
        QVERIFY(!c.minillm.lengthNormalise);
        c.applyOverride("run.steps", "250");
        QCOMPARE(c.run.steps, 250);
        c.applyOverride("seed", "18446744073");
        QCOMPARE(c.run.seed, std::uint64_t(18446744073ULL));
        c.applyOverride("lora.alpha", "32");
        QCOMPARE(c.lora.alpha, 32.0);
        c.applyOverride("corpus", "");
        QVERIFY(c.corpus.empty());
        c.applyOverride("validation_data", "/data/v.json");
        QCOMPARE(c.validationData, std::string("/data/v.json"));
        c.applyOverride("method", "sft");
        QCOMPARE(c.method, std::string("sft"));
        QCOMPARE(c.terms.policy, 1.0); // the method alone changes

        const DistillConfig before = c;
        QString message = messageOf<InvalidArgument>([&] { c.applyOverride("alpha", "0.3"); });
        QVERIFY2(message.contains("\"minillm.alpha\"") && message.contains("\"lora.alpha\""), qPrintable(message));
        message = messageOf<InvalidArgument>([&] { c.applyOverride("steps", "many"); });
        QVERIFY2(message.contains("\"run.steps\"") && message.contains("an integer"), qPrintable(message));
        message = messageOf<InvalidArgument>([&] { c.applyOverride("run.steps", "1.5"); });
        QVERIFY2(message.contains("\"run.steps\""), qPrintable(message));
        message = messageOf<InvalidArgument>([&] { c.applyOverride("lr", "1e-4x"); });
        QVERIFY2(message.contains("\"optimiser.lr\"") && message.contains("a number"), qPrintable(message));
        message = messageOf<InvalidArgument>([&] { c.applyOverride("lr", "nan"); });
        QVERIFY2(message.contains("\"optimiser.lr\""), qPrintable(message));
        message = messageOf<InvalidArgument>([&] { c.applyOverride("cache_images", "maybe"); });
        QVERIFY2(message.contains("\"run.cache_images\"") && message.contains("true or false"), qPrintable(message));
        message = messageOf<InvalidArgument>([&] { c.applyOverride("betas", "0.9"); });
        QVERIFY2(message.contains("\"optimiser.betas\""), qPrintable(message));
        message = messageOf<InvalidArgument>([&] { c.applyOverride("lora.rnak", "8"); });
        QVERIFY2(message.contains("\"lora.rnak\"") && message.contains("\"lora.rank\""), qPrintable(message));
        message = messageOf<InvalidArgument>([&] { c.applyOverride("seed", "-3"); });
        QVERIFY2(message.contains("\"run.seed\""), qPrintable(message));
        QVERIFY(c == before); // a refused value changes nothing
    }
};

QTEST_GUILESS_MAIN(DistillDataTest)
#include "tst_distill_data.moc"
