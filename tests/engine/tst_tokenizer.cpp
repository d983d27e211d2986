#include "common/Error.h"
#include "model/StreamingDecoder.h"
#include "model/Tokenizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

using namespace geolens;

namespace {

const char *const ModelPath = GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model";
const char *const GoldenPath = GEOLENS_SOURCE_DIR "/tests/data/llama_tokenizer_golden.json";

const std::string SystemPrompt = "A chat between a curious human and an artificial intelligence assistant. "
                                 "The assistant gives helpful, detailed, and polite answers to the human's "
                                 "questions.";

struct GoldenCase {
    std::string text;
    std::vector<int> ids;
};

QList<int> toList(const std::vector<int> &ids)
{
    return QList<int>(ids.begin(), ids.end());
}

std::vector<int> concat(std::initializer_list<std::vector<int>> parts)
{
    std::vector<int> all;
    for (const auto &part : parts)
        all.insert(all.end(), part.begin(), part.end());
    return all;
}

// Strict UTF-8 check (no overlong forms, surrogates or code points past U+10FFFF).
bool isValidUtf8(const std::string &text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        int extra = 0;
        std::uint32_t cp = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if ((lead & 0xE0) == 0xC0) {
            extra = 1;
            cp = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            extra = 2;
            cp = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            extra = 3;
            cp = lead & 0x07;
        } else {
            return false;
        }
        if (i + extra >= text.size())
            return false;
        for (int k = 1; k <= extra; ++k) {
            const auto byte = static_cast<unsigned char>(text[i + k]);
            if ((byte & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (byte & 0x3F);
        }
        static const std::uint32_t minimum[] = {0, 0x80, 0x800, 0x10000};
        if (cp < minimum[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

std::string readProcessMaps()
{
    std::ifstream maps("/proc/self/maps");
    std::stringstream content;
    content << maps.rdbuf();
    return content.str();
}

// Sets an environment variable for one scope and puts the old value back afterwards.
class ScopedEnvironment {
public:
    ScopedEnvironment(const char *name, const QByteArray &value)
        : name_(name), hadValue_(qEnvironmentVariableIsSet(name)), oldValue_(qgetenv(name))
    {
        qputenv(name, value);
    }
    ~ScopedEnvironment()
    {
        if (hadValue_)
            qputenv(name_, oldValue_);
        else
            qunsetenv(name_);
    }

private:
    const char *name_;
    bool hadValue_;
    QByteArray oldValue_;
};

} // namespace

// Tests that need the real model skip, saying how to get it, when it is missing.
#define REQUIRE_MODEL()                                                                                    \
    do {                                                                                                   \
        if (!tokenizer_)                                                                                   \
            QSKIP("The LLaMA tokenizer model data/llama-tokenizer.model is missing; "                      \
                  "scripts/fetch-llama-tokenizer.sh fetches it.");                                         \
    } while (false)

class TokenizerTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<Tokenizer> tokenizer_;
    std::vector<GoldenCase> golden_;

    // The text pieces a StreamingDecoder returns for ids fed one at a time, finish() last.
    std::vector<std::string> stream(const std::vector<int> &ids)
    {
        StreamingDecoder decoder(*tokenizer_);
        std::vector<std::string> pieces;
        for (const int id : ids)
            pieces.push_back(decoder.push(id));
        pieces.push_back(decoder.finish());
        return pieces;
    }

    static std::string join(const std::vector<std::string> &pieces)
    {
        std::string all;
        for (const auto &piece : pieces)
            all += piece;
        return all;
    }

    std::vector<int> goldenIds(const std::string &text) const
    {
        for (const auto &c : golden_) {
            if (c.text == text)
                return c.ids;
        }
        qFatal("no golden case for the text");
        return {};
    }

private slots:
    void initTestCase()
    {
        // The program must not link SentencePiece: it is loaded on demand, isolated, by the tokenizer.
        QVERIFY2(!QString::fromStdString(readProcessMaps()).contains("libsentencepiece"),
                 "SentencePiece is loaded before any tokenizer was created");

        QFile goldenFile(GoldenPath);
        QVERIFY2(goldenFile.open(QIODevice::ReadOnly), GoldenPath);
        const auto cases = QJsonDocument::fromJson(goldenFile.readAll()).object().value("cases").toArray();
        QVERIFY(cases.size() >= 10);
        for (const auto &value : cases) {
            GoldenCase c;
            c.text = value.toObject().value("text").toString().toStdString();
            for (const auto &id : value.toObject().value("ids").toArray())
                c.ids.push_back(id.toInt());
            golden_.push_back(c);
        }

        if (QFile::exists(ModelPath))
            tokenizer_ = Tokenizer::load(ModelPath);
    }

    void vocabularyAndSpecialIds()
    {
        REQUIRE_MODEL();
        QCOMPARE(tokenizer_->vocabSize(), 32000);
        QCOMPARE(tokenizer_->bos(), 1);
        QCOMPARE(tokenizer_->eos(), 2);
        QCOMPARE(tokenizer_->unk(), 0);
        QCOMPARE(tokenizer_->idToPiece(1), std::string("<s>"));
        QCOMPARE(tokenizer_->idToPiece(2), std::string("</s>"));
        QCOMPARE(tokenizer_->pieceToId("\xE2\x96\x81Hello"), 15043);
        QCOMPARE(tokenizer_->idToPiece(15043), std::string("\xE2\x96\x81Hello"));
        QCOMPARE(tokenizer_->pieceToId("<0x0A>"), 13);
        QCOMPARE(tokenizer_->pieceToId("no such piece"), tokenizer_->unk());
        QVERIFY(tokenizer_->isBytePiece(13));
        QVERIFY(tokenizer_->isBytePiece(3));   // <0x00>
        QVERIFY(tokenizer_->isBytePiece(258)); // <0xFF>
        QVERIFY(!tokenizer_->isBytePiece(259));
        QVERIFY(!tokenizer_->isBytePiece(15043));
        QVERIFY(!tokenizer_->isBytePiece(-1));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, tokenizer_->idToPiece(32000));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, tokenizer_->idToPiece(-1));
    }

    void encodeMatchesGoldenIds()
    {
        REQUIRE_MODEL();
        for (const auto &c : golden_)
            QVERIFY2(toList(tokenizer_->encode(c.text)) == toList(c.ids), c.text.c_str());
        QCOMPARE(toList(tokenizer_->encode("\n")), QList<int>({29871, 13}));
        QCOMPARE(toList(tokenizer_->encode("Hello")), QList<int>({15043}));
    }

    void encodePromptFollowsLlava()
    {
        REQUIRE_MODEL();
        const auto system = goldenIds(SystemPrompt + " USER: ");
        const auto question = goldenIds("\nWhat is this? ASSISTANT:");
        const auto ids = tokenizer_->encodePrompt(SystemPrompt + " USER: <image>\nWhat is this? ASSISTANT:");
        QCOMPARE(toList(ids), toList(concat({{1}, system, {Tokenizer::ImageToken}, question})));
        // The shape every GeoChat prompt has: BOS, "A chat", ..., "USER", ":", " ", image, " ", "\n".
        QCOMPARE(ids[0], 1);
        QCOMPARE(ids[1], 319);
        const auto image = std::find(ids.begin(), ids.end(), Tokenizer::ImageToken);
        QVERIFY(image != ids.end());
        QCOMPARE(toList(std::vector<int>(image - 3, image + 3)), QList<int>({1001, 29901, 29871, -200, 29871, 13}));

        const auto scene = goldenIds(
            "\nClassify the image in the following classes: airport, beach, forest\n"
            "Answer in one word or a short phrase. ASSISTANT:");
        QCOMPARE(toList(tokenizer_->encodePrompt(SystemPrompt + " USER: <image>\nClassify the image in the "
                                                 "following classes: airport, beach, forest\nAnswer in one "
                                                 "word or a short phrase. ASSISTANT:")),
                 toList(concat({{1}, system, {-200}, scene})));
    }

    void encodePromptEdgeCases()
    {
        REQUIRE_MODEL();
        QCOMPARE(toList(tokenizer_->encodePrompt("")), QList<int>({1}));
        QCOMPARE(toList(tokenizer_->encodePrompt("<image>")), QList<int>({1, -200}));
        QCOMPARE(toList(tokenizer_->encodePrompt("<image>\n")), QList<int>({1, -200, 29871, 13}));
        QCOMPARE(toList(tokenizer_->encodePrompt("Hello")), QList<int>({1, 15043}));
        // Every part is encoded on its own, with its own dummy-prefix space.
        QCOMPARE(toList(tokenizer_->encodePrompt("Hello<image>Hello")), QList<int>({1, 15043, -200, 15043}));
        QCOMPARE(toList(tokenizer_->encodePrompt("Hello<image><image>Hello")),
                 QList<int>({1, 15043, -200, -200, 15043}));
        QCOMPARE(toList(tokenizer_->encodePrompt("Hello<image>")), QList<int>({1, 15043, -200}));
        // A finished assistant turn ends with "</s>", which the Hugging Face tokenizer turns into EOS.
        const auto multiTurn = tokenizer_->encodePrompt("ASSISTANT: Hello</s>USER: <image>\nHello");
        QCOMPARE(toList(multiTurn), toList(concat({{1}, tokenizer_->encode("ASSISTANT: Hello"), {2},
                                                   tokenizer_->encode("USER: "), {-200},
                                                   tokenizer_->encode("\nHello")})));
        QCOMPARE(toList(tokenizer_->encodePrompt("<s>Hello")), QList<int>({1, 1, 15043}));
        // Plain encode() is SentencePiece alone: "</s>" stays text there.
        QCOMPARE(toList(tokenizer_->encode("</s>")), toList(goldenIds("</s>")));
    }

    void decodeRoundTripsGoldenStrings()
    {
        REQUIRE_MODEL();
        for (const auto &c : golden_) {
            QCOMPARE(tokenizer_->decode(c.ids), c.text);
            // What generation hands over: BOS in front, EOS at the end, both skipped.
            QCOMPARE(tokenizer_->decode(concat({{1}, c.ids, {2}})), c.text);
        }
    }

    void decodeFollowsHuggingFace()
    {
        REQUIRE_MODEL();
        QCOMPARE(tokenizer_->decode({15043, 3186}), std::string("Hello world"));
        QCOMPARE(tokenizer_->decode({1, 15043, 2}), std::string("Hello"));
        QCOMPARE(tokenizer_->decode({0, 15043}), std::string("Hello")); // unk is special too
        QCOMPARE(tokenizer_->decode({29871, 13}), std::string("\n"));
        QCOMPARE(tokenizer_->decode({-200, 15043}), std::string("Hello"));
        QCOMPARE(tokenizer_->decode({}), std::string());
        // Byte-fallback pieces are joined into UTF-8; a character left unfinished becomes U+FFFD.
        QCOMPARE(tokenizer_->decode({243, 162, 155, 131}), std::string("\xF0\x9F\x98\x80"));
        QCOMPARE(tokenizer_->decode({243, 162}), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, tokenizer_->decode({15043, 32000}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, tokenizer_->decode({-5}));
    }

    void streamingDecoderDeliversWholeCharacters()
    {
        REQUIRE_MODEL();
        const std::vector<std::string> texts = {"Satellite \xF0\x9F\x9B\xB0\xEF\xB8\x8F over the sea "
                                                "\xF0\x9F\x8C\x8A\xF0\x9F\x98\x80",
                                                "\xE9\x81\xA5\xE6\x84\x9F\xE5\x9B\xBE\xE5\x83\x8F\xE4\xB8\xAD"
                                                "\xE6\x9C\x89\xE4\xB8\x80\xE4\xB8\xAA\xE6\x9C\xBA\xE5\x9C\xBA"
                                                "\xE5\x92\x8C\xE4\xB8\xA4\xE6\x9E\xB6\xE9\xA3\x9E\xE6\x9C\xBA"
                                                "\xE3\x80\x82",
                                                SystemPrompt + " USER: ",
                                                "  leading and trailing  "};
        for (const auto &text : texts) {
            const auto ids = tokenizer_->encode(text);
            const auto pieces = stream(ids);
            QCOMPARE(join(pieces), text);
            int heldBack = 0;
            for (const auto &piece : pieces) {
                QVERIFY2(isValidUtf8(piece), text.c_str());
                heldBack += piece.empty() ? 1 : 0;
            }
            // The emoji and the rare Chinese characters arrive as byte pieces over several steps.
            if (text != SystemPrompt + " USER: " && text[0] != ' ')
                QVERIFY2(heldBack > 1, text.c_str());
        }
        // Generation output: BOS and EOS add nothing.
        QCOMPARE(join(stream({1, 15043, 3186, 2})), std::string("Hello world"));
    }

    void streamingDecoderMatchesDecodeOnAnyIds()
    {
        REQUIRE_MODEL();
        // Random mixes of byte pieces (often unfinished or invalid UTF-8), bare "\u2581", words and
        // special ids: the streamed text must always be exactly decode() of all the ids, and no
        // piece may be taken back.
        std::mt19937 random(20240630);
        const std::vector<int> emoji = {243, 162, 155, 131};
        const std::vector<int> chinese = {236, 132, 168}; // U+9065
        std::uniform_int_distribution<int> kind(0, 9);
        std::uniform_int_distribution<int> bytePiece(3, 258);
        std::uniform_int_distribution<int> wordPiece(259, 31999);
        for (int round = 0; round < 300; ++round) {
            std::vector<int> ids;
            const int length = 1 + round % 25;
            while (static_cast<int>(ids.size()) < length) {
                switch (kind(random)) {
                case 0: ids.insert(ids.end(), emoji.begin(), emoji.end() - (round % 4 == 0 ? 1 : 0)); break;
                case 1: ids.insert(ids.end(), chinese.begin(), chinese.end()); break;
                case 2: ids.push_back(bytePiece(random)); break;
                case 3: ids.push_back(29871); break;
                case 4: ids.push_back(round % 3 == 0 ? 2 : 1); break;
                default: ids.push_back(wordPiece(random)); break;
                }
            }
            StreamingDecoder decoder(*tokenizer_);
            const std::string expected = tokenizer_->decode(ids);
            std::string streamed;
            for (const int id : ids) {
                streamed += decoder.push(id);
                QVERIFY(expected.compare(0, streamed.size(), streamed) == 0);
            }
            streamed += decoder.finish();
            QCOMPARE(streamed, expected);
        }
    }

    void streamingDecoderFinishFlushesAndResets()
    {
        REQUIRE_MODEL();
        StreamingDecoder decoder(*tokenizer_);
        QCOMPARE(decoder.push(15043), std::string("Hello"));
        QCOMPARE(decoder.push(29871), std::string(" "));
        QCOMPARE(decoder.push(243), std::string());
        QCOMPARE(decoder.push(162), std::string());
        // An unfinished character comes out as decode() renders it.
        QCOMPARE(decoder.finish(), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
        // A new answer starts afresh: its first word has no leading space.
        QCOMPARE(decoder.push(15043), std::string("Hello"));
        QCOMPARE(decoder.finish(), std::string());
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, decoder.push(40000));
    }

    void missingModelFileIsNamed()
    {
        const std::string path = "/nonexistent-folder/llama-tokenizer.model";
        try {
            Tokenizer::load(path);
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QCOMPARE(e.path(), path);
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
        }
    }

    void nonModelFileIsNamed()
    {
        QTemporaryDir dir;
        const std::string text = dir.filePath("notes.model").toStdString();
        {
            std::ofstream out(text);
            out << "This is a text file, not a SentencePiece model.\n";
        }
        const std::string empty = dir.filePath("empty.model").toStdString();
        std::ofstream(empty).close();
        for (const auto &path : {text, empty, dir.path().toStdString()}) {
            try {
                Tokenizer::load(path);
                QFAIL("expected FileError");
            } catch (const FileError &e) {
                QCOMPARE(e.path(), path);
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
            }
        }
    }

    void libraryFromEnvironment()
    {
        {
            const QByteArray missing = "/nonexistent-folder/libgeolens_spm.so";
            ScopedEnvironment environment("GEOLENS_SPM_LIBRARY", missing);
            try {
                Tokenizer::load(ModelPath);
                QFAIL("expected Error");
            } catch (const FileError &e) {
                QFAIL(e.what()); // the library is the problem, not the model
            } catch (const Error &e) {
                const QString message = e.what();
                QVERIFY2(message.contains(missing) && message.contains("GEOLENS_SPM_LIBRARY"), e.what());
            }
        }
        {
            // A file that exists but is no library: the loader's reason is passed on.
            ScopedEnvironment environment("GEOLENS_SPM_LIBRARY", GoldenPath);
            try {
                Tokenizer::load(ModelPath);
                QFAIL("expected Error");
            } catch (const FileError &e) {
                QFAIL(e.what());
            } catch (const Error &e) {
                QVERIFY2(QString(e.what()).contains(GoldenPath), e.what());
            }
        }
        REQUIRE_MODEL();
        // By default the library is found in ../lib beside the test program's bin/.
        const QString found = QString::fromStdString(tokenizer_->libraryPath());
        QVERIFY2(found.endsWith("/../lib/libgeolens_spm.so"), qPrintable(found));
        ScopedEnvironment environment("GEOLENS_SPM_LIBRARY", found.toUtf8());
        const auto named = Tokenizer::load(ModelPath);
        QCOMPARE(QString::fromStdString(named->libraryPath()), found);
        QCOMPARE(toList(named->encode("Hello")), QList<int>({15043}));
    }
};

QTEST_GUILESS_MAIN(TokenizerTest)
#include "tst_tokenizer.moc"
