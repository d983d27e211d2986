#include "geometry/BoxParser.h"

#include <QtTest>

#include <random>
#include <string>
#include <vector>

using geolens::BoxIssueKind;
using geolens::BoxParseResult;
using geolens::formatBox;
using geolens::ParsedBox;
using geolens::parseBoxes;
using geolens::RotatedBox;

namespace {

bool sameBox(const ParsedBox &a, const ParsedBox &b)
{
    return a.label == b.label && a.phraseIndex == b.phraseIndex && a.x1 == b.x1 && a.y1 == b.y1 &&
           a.x2 == b.x2 && a.y2 == b.y2 && a.angleDegrees == b.angleDegrees && a.hasAngle == b.hasAngle &&
           a.answerOffset == b.answerOffset;
}

int countIssues(const BoxParseResult &r, BoxIssueKind kind, bool dropped)
{
    int n = 0;
    for (const auto &issue : r.issues)
        n += (issue.kind == kind && issue.dropped == dropped) ? 1 : 0;
    return n;
}

// What every result must satisfy, whatever the answer.
void checkInvariants(const std::string &answer, const BoxParseResult &r)
{
    for (const ParsedBox &b : r.boxes) {
        QVERIFY(b.x1 >= 0.0 && b.x1 <= b.x2 && b.x2 <= 100.0);
        QVERIFY(b.y1 >= 0.0 && b.y1 <= b.y2 && b.y2 <= 100.0);
        QVERIFY(b.angleDegrees > -180.0 && b.angleDegrees <= 180.0);
        QVERIFY(b.hasAngle || b.angleDegrees == 0.0);
        QVERIFY(b.answerOffset < answer.size());
        QCOMPARE(answer[b.answerOffset], '{');
        const RotatedBox g = b.gridBox();
        QVERIFY(g.width >= 0.0 && g.height >= 0.0);
        if (b.phraseIndex >= 0) {
            QVERIFY(b.phraseIndex < static_cast<int>(r.phrases.size()));
            QCOMPARE(b.label, r.phrases[static_cast<std::size_t>(b.phraseIndex)].text);
        } else {
            QVERIFY(b.label.empty());
        }
    }
    for (const auto &p : r.phrases) {
        QVERIFY(p.textOffset <= r.text.size());
        if (!p.text.empty())
            QCOMPARE(r.text.substr(p.textOffset, p.text.size()), p.text);
    }
    for (const auto &issue : r.issues) {
        QVERIFY(issue.answerOffset < answer.size());
        QVERIFY(!issue.message.empty());
    }
    // Every space put back replaces removed markup.
    QVERIFY(r.text.size() <= answer.size());
}

} // namespace

// Stops the test function at the first broken invariant instead of reporting thousands.
#define VERIFY_INVARIANTS(answer, result)                                                          \
    do {                                                                                           \
        checkInvariants(answer, result);                                                           \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

class BoxParserTest : public QObject {
    Q_OBJECT

private slots:
    void groundingAnswerWithSeveralBoxes()
    {
        const std::string answer =
            "The image shows <p>two airplanes</p> {<89><47><97><55>|<58>}{<50><24><54><28>|<58>} parked "
            "near <p>a terminal building</p> {<10><10><30><40>|<0>}.";
        const BoxParseResult r = parseBoxes(answer);
        QCOMPARE(r.text, std::string("The image shows two airplanes parked near a terminal building."));
        QCOMPARE(r.boxes.size(), std::size_t(3));
        QVERIFY(r.issues.empty());
        QCOMPARE(r.boxes[0].label, std::string("two airplanes"));
        QCOMPARE(r.boxes[1].label, std::string("two airplanes"));
        QCOMPARE(r.boxes[2].label, std::string("a terminal building"));
        QCOMPARE(r.boxes[0].phraseIndex, 0);
        QCOMPARE(r.boxes[2].phraseIndex, 1);
        QCOMPARE(r.boxes[0].x1, 89.0);
        QCOMPARE(r.boxes[0].y1, 47.0);
        QCOMPARE(r.boxes[0].x2, 97.0);
        QCOMPARE(r.boxes[0].y2, 55.0);
        QCOMPARE(r.boxes[0].angleDegrees, 58.0);
        QVERIFY(r.boxes[0].hasAngle);
        QCOMPARE(r.boxes[1].x1, 50.0);
        QCOMPARE(r.boxes[1].y2, 28.0);
        QCOMPARE(r.boxes[2].angleDegrees, 0.0);
        QCOMPARE(r.boxes[0].answerOffset, answer.find("{<89>"));
        QCOMPARE(r.boxes[1].answerOffset, answer.find("{<50>"));
        // The phrases point into the cleaned text.
        QCOMPARE(r.phrases.size(), std::size_t(2));
        QCOMPARE(r.phrases[0].textOffset, r.text.find("two airplanes"));
        QCOMPARE(r.phrases[1].textOffset, r.text.find("a terminal building"));
        VERIFY_INVARIANTS(answer, r);
    }

    void boxesWithoutAngle()
    {
        const BoxParseResult r = parseBoxes("<p>storage tanks</p> {<8><26><22><37>}{<30><26><40><37>|<12>}");
        QCOMPARE(r.boxes.size(), std::size_t(2));
        QVERIFY(!r.boxes[0].hasAngle);
        QCOMPARE(r.boxes[0].angleDegrees, 0.0);
        QCOMPARE(r.boxes[0].x1, 8.0);
        QCOMPARE(r.boxes[0].y2, 37.0);
        QVERIFY(r.boxes[1].hasAngle);
        QCOMPARE(r.boxes[1].angleDegrees, 12.0);
        QCOMPARE(r.boxes[1].label, std::string("storage tanks"));
        QCOMPARE(r.text, std::string("storage tanks"));
        QVERIFY(r.issues.empty());
    }

    void phrasesWithoutBoxes()
    {
        const std::string answer = "There is <p>a road</p> running along <p> a river </p>.";
        const BoxParseResult r = parseBoxes(answer);
        QVERIFY(r.boxes.empty());
        QVERIFY(r.issues.empty());
        QCOMPARE(r.text, std::string("There is a road running along a river."));
        QCOMPARE(r.phrases.size(), std::size_t(2));
        QCOMPARE(r.phrases[1].text, std::string("a river"));
        QCOMPARE(r.phrases[1].textOffset, std::size_t(30));
        VERIFY_INVARIANTS(answer, r);
    }

    void referAnswersThatAreOnlyBoxes()
    {
        const BoxParseResult one = parseBoxes("{<16><55><24><63>|<11>}");
        QCOMPARE(one.boxes.size(), std::size_t(1));
        QVERIFY(one.boxes[0].label.empty());
        QCOMPARE(one.boxes[0].phraseIndex, -1);
        QCOMPARE(one.boxes[0].angleDegrees, 11.0);
        QVERIFY(one.text.empty());
        QVERIFY(one.issues.empty());

        const BoxParseResult two = parseBoxes(" {<1><2><3><4>|<90>}{<5><6><7><8>|<-45>}\n");
        QCOMPARE(two.boxes.size(), std::size_t(2));
        QCOMPARE(two.boxes[1].angleDegrees, -45.0);
        QVERIFY(two.text.empty());

        // A phrase then its boxes, as GeoChat answers [refer] questions too.
        const BoxParseResult labelled = parseBoxes("<p>silver airplane</p>{<16><55><24><63>|<11>}");
        QCOMPARE(labelled.boxes.size(), std::size_t(1));
        QCOMPARE(labelled.boxes[0].label, std::string("silver airplane"));
    }

    void identifyPrompt()
    {
        const BoxParseResult r =
            parseBoxes("[identify] What is the object present at {<51><23><63><35>|<15>}");
        QCOMPARE(r.boxes.size(), std::size_t(1));
        QCOMPARE(r.boxes[0].x1, 51.0);
        QCOMPARE(r.boxes[0].angleDegrees, 15.0);
        QCOMPARE(r.text, std::string("[identify] What is the object present at"));
    }

    void spacesAndStrayBrackets()
    {
        const BoxParseResult spaced = parseBoxes("{< 12 ><13 > < 40> <50 > | < 30 >}");
        QCOMPARE(spaced.boxes.size(), std::size_t(1));
        QCOMPARE(spaced.boxes[0].x1, 12.0);
        QCOMPARE(spaced.boxes[0].y1, 13.0);
        QCOMPARE(spaced.boxes[0].x2, 40.0);
        QCOMPARE(spaced.boxes[0].y2, 50.0);
        QCOMPARE(spaced.boxes[0].angleDegrees, 30.0);
        QVERIFY(spaced.issues.empty());

        const std::string answer = "a < b and c > d: <p>x</p>{<<1>><2><3>><4>}";
        const BoxParseResult stray = parseBoxes(answer);
        QCOMPARE(stray.boxes.size(), std::size_t(1));
        QCOMPARE(stray.boxes[0].x1, 1.0);
        QCOMPARE(stray.boxes[0].x2, 3.0);
        QCOMPARE(stray.boxes[0].label, std::string("x"));
        QCOMPARE(stray.text, std::string("a < b and c > d: x"));
        QVERIFY(stray.issues.empty());

        // A '{' not followed by '<' is text.
        const BoxParseResult braces = parseBoxes("the set {a, b} and {} stay");
        QCOMPARE(braces.text, std::string("the set {a, b} and {} stay"));
        QVERIFY(braces.boxes.empty());
        QVERIFY(braces.issues.empty());
    }

    void delimiterAndDecimals()
    {
        const BoxParseResult r = parseBoxes("<p>cars</p> {<1><2><3><4>|<0>}<delim>{<5.5><6><7><8.25>|<0>}");
        QCOMPARE(r.boxes.size(), std::size_t(2));
        QCOMPARE(r.boxes[1].label, std::string("cars"));
        QCOMPARE(r.boxes[1].x1, 5.5);
        QCOMPARE(r.boxes[1].y2, 8.25);
        QCOMPARE(r.text, std::string("cars"));
    }

    void clampsAndReportsOutOfRange()
    {
        const BoxParseResult r = parseBoxes("{<-5><10><120><50>|<0>}");
        QCOMPARE(r.boxes.size(), std::size_t(1));
        QCOMPARE(r.boxes[0].x1, 0.0);
        QCOMPARE(r.boxes[0].x2, 100.0);
        QCOMPARE(r.boxes[0].y1, 10.0);
        QCOMPARE(countIssues(r, BoxIssueKind::OutOfRange, false), 1);

        const BoxParseResult outside = parseBoxes("a {<120><130><150><160>} b");
        QVERIFY(outside.boxes.empty());
        QCOMPARE(countIssues(outside, BoxIssueKind::OutOfRange, true), 1);
        QCOMPARE(outside.text, std::string("a b"));
        QCOMPARE(outside.issues[0].markup, std::string("{<120><130><150><160>}"));
        QCOMPARE(outside.issues[0].answerOffset, std::size_t(2));
    }

    void swapsReversedCorners()
    {
        const BoxParseResult r = parseBoxes("{<40><20><10><50>|<5>}");
        QCOMPARE(r.boxes.size(), std::size_t(1));
        QCOMPARE(r.boxes[0].x1, 10.0);
        QCOMPARE(r.boxes[0].x2, 40.0);
        QCOMPARE(r.boxes[0].y1, 20.0);
        QCOMPARE(r.boxes[0].y2, 50.0);
        QCOMPARE(countIssues(r, BoxIssueKind::ReversedCorners, false), 1);
    }

    void normalisesAngles()
    {
        const auto angleOf = [](const char *answer) { return parseBoxes(answer).boxes.at(0).angleDegrees; };
        QCOMPARE(angleOf("{<1><2><3><4>|<270>}"), -90.0);
        QCOMPARE(angleOf("{<1><2><3><4>|<-180>}"), 180.0);
        QCOMPARE(angleOf("{<1><2><3><4>|<540>}"), 180.0);
        QCOMPARE(angleOf("{<1><2><3><4>|<-360>}"), 0.0);
        QCOMPARE(angleOf("{<1><2><3><4>|<179>}"), 179.0);
        QCOMPARE(angleOf("{<1><2><3><4>|<+45>}"), 45.0);
    }

    void dropsWhatIsMalformed()
    {
        const BoxParseResult nonNumeric = parseBoxes("x {<a><1><2><3>} y");
        QVERIFY(nonNumeric.boxes.empty());
        QCOMPARE(countIssues(nonNumeric, BoxIssueKind::NonNumeric, true), 1);
        QCOMPARE(nonNumeric.text, std::string("x y"));

        const BoxParseResult emptyField = parseBoxes("{<1><2><3><4>|<>}");
        QVERIFY(emptyField.boxes.empty());
        QCOMPARE(countIssues(emptyField, BoxIssueKind::NonNumeric, true), 1);

        const BoxParseResult exponent = parseBoxes("{<1e1><2><3><4>}");
        QCOMPARE(countIssues(exponent, BoxIssueKind::NonNumeric, true), 1);

        const BoxParseResult three = parseBoxes("{<1><2><3>}");
        QVERIFY(three.boxes.empty());
        QCOMPARE(countIssues(three, BoxIssueKind::Malformed, true), 1);

        const BoxParseResult twoAngles = parseBoxes("{<1><2><3><4>|<5><6>}");
        QCOMPARE(countIssues(twoAngles, BoxIssueKind::Malformed, true), 1);

        const BoxParseResult bareAngle = parseBoxes("{<1><2><3><4>|45} after");
        QVERIFY(bareAngle.boxes.empty());
        QCOMPARE(countIssues(bareAngle, BoxIssueKind::Malformed, true), 1);
        QCOMPARE(bareAngle.text, std::string("after"));

        // The good boxes around a bad one stay.
        const BoxParseResult mixed = parseBoxes("<p>ships</p> {<1><2><3><4>}{<x><2><3><4>}{<5><6><7><8>}");
        QCOMPARE(mixed.boxes.size(), std::size_t(2));
        QCOMPARE(mixed.boxes[1].x1, 5.0);
        QCOMPARE(mixed.boxes[1].label, std::string("ships"));
        QCOMPARE(mixed.issues.size(), std::size_t(1));

        // A field that never closes ends the box where it went wrong; the words after it stay.
        const BoxParseResult runOn = parseBoxes("{<12><3 The image shows a plane.");
        QVERIFY(runOn.boxes.empty());
        QCOMPARE(countIssues(runOn, BoxIssueKind::Malformed, true), 1);
        QCOMPARE(runOn.text, std::string("The image shows a plane."));
    }

    void truncatedAnswers()
    {
        const BoxParseResult r = parseBoxes("There is <p>a plane</p> {<12><3");
        QVERIFY(r.boxes.empty());
        QCOMPARE(countIssues(r, BoxIssueKind::Truncated, true), 1);
        QCOMPARE(r.text, std::string("There is a plane"));
        QCOMPARE(r.phrases.size(), std::size_t(1));

        const BoxParseResult lastOfTwo = parseBoxes("{<1><2><3><4>|<5>}{<6><7><8><9>|");
        QCOMPARE(lastOfTwo.boxes.size(), std::size_t(1));
        QCOMPARE(countIssues(lastOfTwo, BoxIssueKind::Truncated, true), 1);

        const BoxParseResult phrase = parseBoxes("The <p>large white");
        QCOMPARE(phrase.text, std::string("The large white"));
        QCOMPARE(countIssues(phrase, BoxIssueKind::UnclosedPhrase, false), 1);
    }

    void labelsFollowAdjacency()
    {
        // Words between the phrase and the box: the box has no phrase of its own.
        const BoxParseResult apart = parseBoxes("<p>plane</p> is at {<1><2><3><4>}");
        QCOMPARE(apart.boxes.size(), std::size_t(1));
        QVERIFY(apart.boxes[0].label.empty());
        QCOMPARE(apart.text, std::string("plane is at"));

        // A phrase that runs into its box is closed there and reported.
        const BoxParseResult unclosed = parseBoxes("<p>plane {<1><2><3><4>} on the runway");
        QCOMPARE(unclosed.boxes.size(), std::size_t(1));
        QCOMPARE(unclosed.boxes[0].label, std::string("plane"));
        QCOMPARE(countIssues(unclosed, BoxIssueKind::UnclosedPhrase, false), 1);
        QCOMPARE(unclosed.text, std::string("plane on the runway"));

        // Words that markup separated do not run together.
        const BoxParseResult joined = parseBoxes("ships{<1><2><3><4>}docked");
        QCOMPARE(joined.text, std::string("ships docked"));
    }

    void formatsIdentifyBoxes()
    {
        QCOMPARE(formatBox(8, 26, 22, 37), std::string("{<8><26><22><37>|<0>}"));
        QCOMPARE(formatBox(51.4, 22.6, 63.5, 35.0, 15.2), std::string("{<51><23><64><35>|<15>}"));
        QCOMPARE(formatBox(60, 70, 10, 20, 90), std::string("{<10><20><60><70>|<90>}"));
        QCOMPARE(formatBox(-3, 20, 130, 50, 270), std::string("{<0><20><100><50>|<-90>}"));
        QCOMPARE(formatBox(1, 2, 3, 4, -179.6), std::string("{<1><2><3><4>|<180>}"));
        QCOMPARE(formatBox(1, 2, 3, 4, std::nan("")), std::string("{<1><2><3><4>|<0>}"));
        QCOMPARE(formatBox(RotatedBox{50, 40, 20, 10, -30}), std::string("{<40><35><60><45>|<-30>}"));

        // What formatBox writes, parseBoxes reads back.
        const BoxParseResult r =
            parseBoxes("[identify] What is the object present at " + formatBox(10, 20, 30, 40, -45));
        QCOMPARE(r.boxes.size(), std::size_t(1));
        QCOMPARE(r.boxes[0].x1, 10.0);
        QCOMPARE(r.boxes[0].y2, 40.0);
        QCOMPARE(r.boxes[0].angleDegrees, -45.0);
        QVERIFY(r.issues.empty());
    }

    void everyTruncationOfValidAnswers()
    {
        const std::vector<std::string> answers = {
            "The image shows <p>two airplanes</p> {<89><47><97><55>|<58>}{<50><24><54><28>|<58>} parked.",
            "<p>storage tanks</p> {<8><26><22><37>}{<30><26><40><37>|<12>} and <p>a road</p>",
            "{<16><55><24><63>|<11>}",
            "{< 12 ><13 > < 40> <50 > | < -30 >}<delim>{<1.5><2><3><4>}",
            "There are <p>ships</p> {<1><2><3><4>|<0>} near <p>the pier</p>{<50><60><70><80>|<-90>}.",
        };
        for (const std::string &answer : answers) {
            const BoxParseResult full = parseBoxes(answer);
            QVERIFY(full.issues.empty());
            for (std::size_t length = 0; length <= answer.size(); ++length) {
                const std::string prefix = answer.substr(0, length);
                const BoxParseResult r = parseBoxes(prefix);
                VERIFY_INVARIANTS(prefix, r);
                // Cutting an answer short only loses boxes at its end; it never changes one.
                QVERIFY(r.boxes.size() <= full.boxes.size());
                for (std::size_t i = 0; i < r.boxes.size(); ++i)
                    QVERIFY2(sameBox(r.boxes[i], full.boxes[i]), prefix.c_str());
            }
        }
    }

    void fuzzRandomStrings()
    {
        std::mt19937 random(20240611u);
        const std::vector<std::string> pieces = {
            "<p>", "</p>", "{", "}", "<", ">", "|", "<delim>", " ", "\n", "-", ".", "+", "0", "7", "12",
            "100",
            "999", "-45", "plane", "a", "\xC3\xA9", "\xff", std::string(1, '\0'), "<12>", "{<", "}{",
            "|<", "< 3 >", "e", "1e400", "00000000000000000000000000000000000009",
        };
        std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
        std::uniform_int_distribution<int> length(0, 60);
        std::uniform_int_distribution<int> byte(0, 255);
        for (int round = 0; round < 5000; ++round) {
            std::string answer;
            const int n = length(random);
            for (int i = 0; i < n; ++i)
                answer += pieces[pick(random)];
            VERIFY_INVARIANTS(answer, parseBoxes(answer));

            std::string bytes;
            for (int i = 0; i < n; ++i)
                bytes.push_back(static_cast<char>(byte(random)));
            VERIFY_INVARIANTS(bytes, parseBoxes(bytes));
        }
    }

    void fuzzMutatedAnswers()
    {
        std::mt19937 random(7u);
        const std::string base =
            "The image shows <p>two airplanes</p> {<89><47><97><55>|<58>}{<50><24><54><28>|<58>} parked "
            "near <p>a terminal</p> {<10><10><30><40>}.";
        const std::string alphabet = "<>{}|p/ -.0123456789x\n";
        std::uniform_int_distribution<int> edits(1, 6);
        std::uniform_int_distribution<std::size_t> symbol(0, alphabet.size() - 1);
        std::uniform_int_distribution<int> kind(0, 2);
        for (int round = 0; round < 5000; ++round) {
            std::string answer = base;
            const int n = edits(random);
            for (int i = 0; i < n && !answer.empty(); ++i) {
                std::uniform_int_distribution<std::size_t> at(0, answer.size() - 1);
                const std::size_t where = at(random);
                switch (kind(random)) {
                case 0: answer.erase(where, 1); break;
                case 1: answer.insert(where, 1, alphabet[symbol(random)]); break;
                default: answer[where] = alphabet[symbol(random)]; break;
                }
            }
            VERIFY_INVARIANTS(answer, parseBoxes(answer));
        }
    }

    void longInputsStayLinear()
    {
        // Pathological repetitions parse quickly (a quadratic parser would take minutes here).
        const std::vector<std::string> units = {"{<", "<p>", "{ ", "{<1", "{<1><2><3><4>}", "<", "{<1><2>x"};
        for (const std::string &unit : units) {
            std::string answer;
            while (answer.size() < 400000)
                answer += unit;
            QElapsedTimer timer;
            timer.start();
            const BoxParseResult r = parseBoxes(answer);
            VERIFY_INVARIANTS(answer, r);
            QVERIFY2(timer.elapsed() < 5000, unit.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(BoxParserTest)
#include "tst_box_parser.moc"
