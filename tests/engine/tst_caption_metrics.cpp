#include "common/Error.h"
#include "common/JsonIo.h"
#include "evaluation/CaptionTokens.h"
#include "evaluation/CiderScore.h"
#include "evaluation/MeteorScore.h"
#include "evaluation/PorterStemmer.h"
#include "evaluation/RougeScore.h"
#include "evaluation/WordNetDatabase.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <optional>

using namespace geolens;

namespace {

// Every golden must agree to this absolute difference. The C++ code repeats the reference's
// floating-point operations in the reference's order, so the remaining differences are those of
// numpy's log against the C library's (numpy may use its own SIMD log), a few units in the last
// place.
constexpr double GoldenTolerance = 1e-9;

std::string goldenPath()
{
    return std::string(GEOLENS_SOURCE_DIR) + "/tests/data/evaluation/caption_metric_goldens.json";
}

std::vector<std::string> stringsOf(const Json &array)
{
    std::vector<std::string> strings;
    for (const Json &item : array)
        strings.push_back(item.get<std::string>());
    return strings;
}

bool contains(const std::vector<std::string> &strings, const std::string &wanted)
{
    return std::find(strings.begin(), strings.end(), wanted) != strings.end();
}

} // namespace

// A macro because QSKIP returns from the function it is written in, which must be the test itself.
#define SKIP_WITHOUT_WORDNET()                                                                                   \
    do {                                                                                                         \
        if (!wordnet_)                                                                                           \
            QSKIP("WordNet 3.0 is not installed in /usr/share/wordnet (Debian/Ubuntu package wordnet-base).");    \
    } while (false)

class CaptionMetricsTest : public QObject {
    Q_OBJECT

private:
    Json golden_;
    std::optional<WordNetDatabase> wordnet_;
    double maxDeviation_ = 0;
    std::string maxDeviationWhat_ = "none";

    void noteDeviation(double ours, double theirs, const std::string &what)
    {
        const double deviation = std::abs(ours - theirs);
        if (deviation > maxDeviation_) {
            maxDeviation_ = deviation;
            maxDeviationWhat_ = what;
        }
        if (deviation > GoldenTolerance)
            QFAIL(qPrintable(QString::fromStdString(what) + QString(": ours %1, reference %2").arg(ours, 0, 'g', 17).arg(theirs, 0, 'g', 17)));
    }

private slots:
    void initTestCase()
    {
        golden_ = readJsonFile(goldenPath());
        if (WordNetDatabase::isInstalled())
            wordnet_ = WordNetDatabase::open();
    }

    void cleanupTestCase()
    {
        qInfo("largest deviation from a golden value: %.3g (%s)", maxDeviation_, maxDeviationWhat_.c_str());
    }

    void tokenisation()
    {
        QCOMPARE(splitOnWhitespace("  a\tlarge\n\nplane \xc2\xa0 x"), (std::vector<std::string>{"a", "large", "plane", "x"}));
        QVERIFY(splitOnWhitespace(" \t ").empty());
        QCOMPARE(captionTokens("A Plane's 3.5-km run!"), (std::vector<std::string>{"a", "plane", "s", "3", "5", "km", "run"}));
        QCOMPARE(asciiLowerCase("RunWay \xc3\x89"), std::string("runway \xc3\x89"));
    }

    void rougeByHand()
    {
        // Four distinct words on each side, all shared: P = R = 1.
        const RougeScores reordered = rougeScores("a plane near a runway", "a runway near a plane");
        QCOMPARE(reordered.rouge1, 2.0 * (1.0 / (2.0 + 1e-8)));
        // The only longest common subsequence is "a near a": its distinct words {a, near} over 4.
        QCOMPARE(reordered.rougeL, 2.0 * (0.25 / (1.0 + 1e-8)));

        // 5 distinct words each, 4 shared; LCS "the cat on the mat" has the same 4 distinct words.
        const RougeScores cat = rougeScores("the cat sat on the mat", "the cat is on the mat");
        QCOMPARE(cat.rouge1, 2.0 * ((0.8 * 0.8) / (0.8 + 0.8 + 1e-8)));
        QCOMPARE(cat.rougeL, cat.rouge1);

        // Case-sensitive, repeats ignored, empty candidate 0.
        QCOMPARE(rougeScores("Plane", "plane").rouge1, 0.0);
        QCOMPARE(rougeScores("plane plane plane", "plane").rouge1, 2.0 * (1.0 / (2.0 + 1e-8)));
        QCOMPARE(rougeScores("", "plane").rouge1, 0.0);
        QCOMPARE(rougeScores("...", "plane").rougeL, 0.0);

        const RougeScores average = averageRougeScores({{"a plane near a runway", "a runway near a plane"}, {"", "x"}});
        QCOMPARE(average.rouge1, reordered.rouge1 / 2);
        QCOMPARE(averageRougeScores({}).rougeL, 0.0);
    }

    void porterByHand()
    {
        // Values from nltk 3.8's PorterStemmer().stem.
        const std::vector<std::pair<std::string, std::string>> stems = {
            {"caresses", "caress"}, {"ponies", "poni"},     {"ties", "tie"},         {"cats", "cat"},
            {"agreed", "agre"},     {"plastered", "plaster"}, {"motoring", "motor"}, {"hopping", "hop"},
            {"happy", "happi"},     {"sky", "sky"},         {"dying", "die"},        {"relational", "relat"},
            {"generously", "gener"}, {"parking", "park"},   {"parked", "park"},      {"parks", "park"},
            {"airplanes", "airplan"}, {"buildings", "build"}, {"harbours", "harbour"}, {"Running", "run"},
        };
        const PorterStemmer stemmer;
        for (const auto &[word, stem] : stems)
            QCOMPARE(stemmer.stem(word), stem);
    }

    void porterGoldens()
    {
        const PorterStemmer stemmer;
        const Json &stems = golden_.at("porterStems");
        QVERIFY(stems.size() > 100);
        for (const auto &[word, stem] : stems.items())
            QCOMPARE(stemmer.stem(word), stem.get<std::string>());
    }

    void wordnetMissingNamesPackage()
    {
        const std::string missing = "/nonexistent/wordnet-folder";
        QVERIFY(!WordNetDatabase::isInstalled(missing));
        try {
            WordNetDatabase::open(missing);
            QFAIL("open succeeded on a folder that does not exist");
        } catch (const FileError &error) {
            QCOMPARE(error.path(), missing);
            const std::string message = error.what();
            QVERIFY(message.find(missing) != std::string::npos);
            QVERIFY(message.find("wordnet-base") != std::string::npos);
        }
    }

    void wordnetByHand()
    {
        SKIP_WITHOUT_WORDNET();
        const std::vector<std::string> car = wordnet_->synonyms("car");
        QVERIFY(contains(car, "automobile"));
        QVERIFY(contains(car, "motorcar"));
        QVERIFY(contains(wordnet_->synonyms("airplane"), "aeroplane"));
        QVERIFY(contains(wordnet_->synonyms("planes"), "airplane"));   // morphy: planes -> plane
        QVERIFY(contains(wordnet_->synonyms("big"), "large"));
        QVERIFY(contains(wordnet_->synonyms("geese"), "goose"));       // noun exception list
        QCOMPARE(wordnet_->baseForms("leaves", 'n'), (std::vector<std::string>{"leaf", "leave"}));
        QCOMPARE(wordnet_->baseForms("better", 'a'), (std::vector<std::string>{"better", "good", "well"}));
        QVERIFY(wordnet_->synonyms("zzzzz").empty());
        QVERIFY(wordnet_->synonyms("").empty());
        // Adjective markers are stripped: WordNet writes "big(a)" in some synsets.
        for (const std::string &name : wordnet_->synonyms("big"))
            QVERIFY(name.find('(') == std::string::npos);
    }

    void wordnetGoldens()
    {
        SKIP_WITHOUT_WORDNET();
        for (const auto &[word, names] : golden_.at("wordnetSynonyms").items())
            QCOMPARE(wordnet_->synonyms(word), stringsOf(names));
    }

    void meteorByHand()
    {
        SKIP_WITHOUT_WORDNET();
        // Exact matches only: cat, on, mat; P = 1, R = 1/2; three chunks of one pair each.
        const double score = meteorScore({{"the", "cat", "sat", "on", "the", "mat"}}, {"cat", "on", "mat"}, *wordnet_);
        const double fmean = (1.0 * 0.5) / (0.9 * 1.0 + (1 - 0.9) * 0.5);
        QCOMPARE(score, (1 - 0.5 * std::pow(1.0, 3.0)) * fmean);
        // Identical four words: one chunk, penalty 0.5 / 64.
        QCOMPARE(meteorScore({{"A", "white", "plane", "parked"}}, {"a", "white", "plane", "parked"}, *wordnet_),
                 1.0 - 0.5 * std::pow(0.25, 3.0));
        QCOMPARE(meteorScore({{"x"}}, {}, *wordnet_), 0.0);
        QCOMPARE(meteorScore({{"tree"}}, {"ship"}, *wordnet_), 0.0);
        // Several references: the best.
        const MeteorScorer scorer(*wordnet_);
        QCOMPARE(scorer.score({{"ship"}, {"car"}}, {"auto"}), scorer.singleScore({"car"}, {"auto"}));
        // WordNet synonym stage: auto and car share a synset, and both are their own stems.
        QCOMPARE(scorer.singleScore({"car"}, {"auto"}), (1 - 0.5) * (1.0 / (0.9 * 1.0 + (1 - 0.9) * 1.0)));
        // nltk looks up the stems the stem stage left: "automobil" is in no synset.
        QCOMPARE(scorer.singleScore({"car"}, {"automobile"}), 0.0);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, scorer.score({}, {"a"}));
    }

    void ciderByHand()
    {
        // A corpus of one item weighs every n-gram by log(1) - log(1) = 0.
        CiderScorer single;
        single.add("a plane", {"a plane"});
        QCOMPARE(single.scores(), std::vector<double>{0.0});

        // Two items, no n-gram shared between them: every reference n-gram has df 1, weight log 2.
        // Identical captions of equal length then have cosine 1 for each n that exists.
        CiderScorer two;
        two.add("white plane", {"white plane"});
        two.add("red ship", {"red ship"});
        // n = 1 and n = 2 give 1, n = 3 and 4 have no n-grams (0): mean 0.5, times 10.
        QCOMPARE(two.scores(), (std::vector<double>{5.0, 5.0}));
        QCOMPARE(two.corpusScore(), 5.0);
        QCOMPARE(CiderScorer().corpusScore(), 0.0);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, two.add("x", {}));
    }

    void rougeGoldens()
    {
        for (const Json &pair : golden_.at("pairs")) {
            const std::string candidate = pair.at("candidate").get<std::string>();
            const std::vector<std::string> references = stringsOf(pair.at("references"));
            const Json &expected = pair.at("rouge");
            QCOMPARE(expected.size(), references.size());
            for (std::size_t k = 0; k < references.size(); ++k) {
                const RougeScores ours = rougeScores(candidate, references[k]);
                const std::string what = pair.at("name").get<std::string>() + " reference " + std::to_string(k);
                if (expected[k].contains("error")) {
                    // The reference raises; GeoLens scores 0.
                    QCOMPARE(ours.rouge1, 0.0);
                    QCOMPARE(ours.rougeL, 0.0);
                    continue;
                }
                noteDeviation(ours.rouge1, expected[k].at("rouge1").get<double>(), what + " ROUGE-1");
                noteDeviation(ours.rougeL, expected[k].at("rougeL").get<double>(), what + " ROUGE-L");
            }
        }
    }

    void meteorGoldens()
    {
        SKIP_WITHOUT_WORDNET();
        const MeteorScorer scorer(*wordnet_);
        for (const Json &pair : golden_.at("pairs")) {
            std::vector<std::vector<std::string>> references;
            for (const std::string &reference : stringsOf(pair.at("references")))
                references.push_back(splitOnWhitespace(reference));
            const double ours = scorer.score(references, splitOnWhitespace(pair.at("candidate").get<std::string>()));
            noteDeviation(ours, pair.at("meteor").get<double>(), pair.at("name").get<std::string>() + " METEOR");
        }
    }

    void ciderGoldens()
    {
        const Json &pairs = golden_.at("pairs");
        CiderScorer corpus;
        for (const Json &pair : pairs)
            corpus.add(pair.at("candidate").get<std::string>(), stringsOf(pair.at("references")));
        const std::vector<double> scores = corpus.scores();
        QCOMPARE(scores.size(), pairs.size());
        for (std::size_t i = 0; i < scores.size(); ++i)
            noteDeviation(scores[i], pairs[i].at("ciderD").get<double>(), pairs[i].at("name").get<std::string>() + " CIDEr-D");
        noteDeviation(corpus.corpusScore(), golden_.at("ciderDCorpus").at("score").get<double>(), "CIDEr-D corpus");

        const Json &small = golden_.at("ciderDSmallCorpus");
        CiderScorer smallCorpus;
        for (const Json &index : small.at("pairs")) {
            const Json &pair = pairs.at(index.get<std::size_t>());
            smallCorpus.add(pair.at("candidate").get<std::string>(), stringsOf(pair.at("references")));
        }
        const std::vector<double> smallScores = smallCorpus.scores();
        for (std::size_t i = 0; i < smallScores.size(); ++i)
            noteDeviation(smallScores[i], small.at("scores").at(i).get<double>(), "CIDEr-D small corpus item " + std::to_string(i));
        noteDeviation(smallCorpus.corpusScore(), small.at("score").get<double>(), "CIDEr-D small corpus");
    }
};

QTEST_APPLESS_MAIN(CaptionMetricsTest)
#include "tst_caption_metrics.moc"
