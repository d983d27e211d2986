#include "common/Error.h"
#include "common/JsonIo.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace geolens;

namespace {

QString messageOf(const std::string &text, const std::string &source = std::string())
{
    try {
        parseJson(text, source);
    } catch (const JsonError &e) {
        return QString::fromStdString(e.what());
    }
    return QString();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
}

} // namespace

// The JSON reading and writing of common/JsonIo: what GeoLens asks of JSON beyond what
// nlohmann-json does by itself (duplicate keys, positions in characters, a nesting bound, no
// NaN or infinity written as null, invalid UTF-8 written as U+FFFD).
class JsonTest : public QObject {
    Q_OBJECT

private slots:
    void parsesValues()
    {
        QVERIFY(parseJson("null").is_null());
        QCOMPARE(parseJson(" true ").get<bool>(), true);
        QCOMPARE(parseJson("\tfalse\r\n").get<bool>(), false);
        QCOMPARE(parseJson("2.5").get<double>(), 2.5);
        QCOMPARE(parseJson("-1.25e-2").get<double>(), -0.0125);
        QCOMPARE(parseJson("\"caf\\u00e9 \\ud83d\\ude00\"").get<std::string>(), std::string("caf\xC3\xA9 \xF0\x9F\x98\x80"));
        QCOMPARE(parseJson("\xEF\xBB\xBF[1]").size(), std::size_t(1)); // byte order mark skipped
        // Members keep the order of the text.
        const Json object = parseJson(R"({"zeta": 1, "alpha": [true, null], "mid": {"x": "y"}})");
        QCOMPARE(object.begin().key(), std::string("zeta"));
        QCOMPARE(std::next(object.begin()).key(), std::string("alpha"));
        QCOMPARE(dumpJson(object), std::string(R"({"zeta":1,"alpha":[true,null],"mid":{"x":"y"}})"));
    }

    void keepsIntegersExact()
    {
        // 2^53 + 1: a double would read it as 2^53.
        const Json big = parseJson("9007199254740993");
        QCOMPARE(exactInt64(big), std::optional<std::int64_t>(9007199254740993));
        QCOMPARE(dumpJson(big), std::string("9007199254740993"));
        QCOMPARE(exactInt64(parseJson("9223372036854775807")), std::optional<std::int64_t>(INT64_MAX));
        QCOMPARE(exactInt64(parseJson("-9223372036854775808")), std::optional<std::int64_t>(INT64_MIN));
        QCOMPARE(dumpJson(parseJson("-9223372036854775808")), std::string("-9223372036854775808"));

        // One past int64 is still a number, but not an int64.
        const Json beyond = parseJson("9223372036854775808");
        QVERIFY(beyond.is_number());
        QVERIFY(!exactInt64(beyond));
        QVERIFY_THROWS_EXCEPTION(JsonError, jsonToInt64(beyond));

        // Written with a fraction or exponent: not an exact integer, though a whole one converts.
        QVERIFY(!exactInt64(parseJson("1.0")));
        QVERIFY(!exactInt64(parseJson("1e3")));
        QCOMPARE(jsonToInt64(parseJson("1e3")), std::int64_t(1000));
        QVERIFY(!exactInt64(parseJson("\"5\"")));
        try {
            jsonToInt64(parseJson("1.5"));
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            QVERIFY2(QString(e.what()).contains("found the number 1.5"), e.what());
        }
        try {
            jsonToInt64(parseJson("\"5\""));
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            QVERIFY2(QString(e.what()).contains("found a string"), e.what());
        }
    }

    void keepsLargeCheckpointOffsetsExact()
    {
        // A safetensors header of a checkpoint beyond 2^53 bytes: offsets must survive a round trip.
        const std::string text = R"({"w": {"dtype": "BF16", "shape": [4096, 4096],)"
                                 R"( "data_offsets": [18014398509481984, 18014398509481985]}})";
        const Json header = parseJson(text);
        const Json &offsets = header.at("w").at("data_offsets");
        QCOMPARE(exactInt64(offsets[0]), std::optional<std::int64_t>(18014398509481984));
        QCOMPARE(exactInt64(offsets[1]), std::optional<std::int64_t>(18014398509481985));
        QCOMPARE(parseJson(dumpJson(header)), header);
        QVERIFY(parseJson(dumpJson(header)) != parseJson(R"({"w": {"dtype": "BF16", "shape": [4096, 4096],)"
                                                         R"( "data_offsets": [18014398509481984, 18014398509481984]}})"));
    }

    void refusesMalformedText_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("problem");

        QTest::newRow("empty") << QByteArray("") << 1 << 1 << "unexpected end of input";
        QTest::newRow("unclosed array") << QByteArray("[1, 2") << 1 << 6 << "unexpected end of input";
        QTest::newRow("trailing comma in array") << QByteArray("[1,]") << 1 << 4 << "unexpected ']'";
        QTest::newRow("trailing comma in object") << QByteArray("{\"a\":1,}") << 1 << 8 << "expected string literal";
        QTest::newRow("missing colon") << QByteArray("{\"a\" 1}") << 1 << 6 << "expected ':'";
        QTest::newRow("single quotes") << QByteArray("'x'") << 1 << 1 << "invalid literal";
        QTest::newRow("comment") << QByteArray("// note\n1") << 1 << 1 << "invalid literal";
        QTest::newRow("NaN") << QByteArray("[NaN]") << 1 << 2 << "invalid literal";
        QTest::newRow("leading zero") << QByteArray("[01]") << 1 << 3 << "expected ']'";
        QTest::newRow("trailing value") << QByteArray("1 2") << 1 << 3 << "expected end of input";
        QTest::newRow("raw tab in string") << QByteArray("\"a\tb\"") << 1 << 3 << "control character U+0009";
        QTest::newRow("lone surrogate") << QByteArray("\"\\uD800\"") << 1 << 8 << "surrogate";
        QTest::newRow("invalid UTF-8") << QByteArray("\"\xC0\xAF\"") << 1 << 2 << "ill-formed UTF-8";
        QTest::newRow("too large a number") << QByteArray("[1e400]") << 1 << 2 << "number overflow";
        // Columns count characters: the two-byte é before the error is one column.
        QTest::newRow("column counts characters") << QByteArray("[\"\xC3\xA9\", x]") << 1 << 7 << "invalid literal";
        QTest::newRow("error on a later line")
            << QByteArray("{\n  \"a\": 1,\n  \"b\": ?\n}") << 3 << 8 << "invalid literal";
    }

    void refusesMalformedText()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, problem);
        try {
            parseJson(text.toStdString());
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(problem), qPrintable(message));
            QVERIFY2(QString::fromStdString(e.problem()).contains(problem), qPrintable(message));
            QVERIFY2(!message.contains("json.exception"), qPrintable(message)); // nlohmann's own id is left out
            QCOMPARE(e.line(), line);
            QCOMPARE(e.column(), column);
            QVERIFY2(message.startsWith(QString("Invalid JSON at line %1, column %2: ").arg(line).arg(column)),
                     qPrintable(message));
        }
    }

    void refusesDuplicateKeys()
    {
        // nlohmann alone would keep the last value; a config read twice must not have two answers.
        try {
            parseJson("{\"a\":1, \"a\":2}");
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            QVERIFY2(QString(e.what()).contains("duplicate key \"a\""), e.what());
            QCOMPARE(e.line(), 1);
            QCOMPARE(e.column(), 9); // where the second key starts
        }
        try {
            parseJson("{\n  \"q\\\"x\": [{\"k\": 1}, {\"k\": 2}],\n  \"q\\\"x\": 3\n}");
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            QVERIFY2(QString(e.what()).contains("duplicate key \"q\"x\""), e.what());
            QCOMPARE(e.line(), 3);
            QCOMPARE(e.column(), 3);
        }
        QVERIFY(messageOf(R"({"x": [{"k": 1, "k": 2}]})").contains("duplicate key \"k\""));
        // The same key in different objects, or a key equal to a string value, is fine.
        const Json fine = parseJson(R"({"a": {"a": 1, "b": "a"}, "b": [{"a": 2}, {"a": 3}], "c": {}})");
        QCOMPARE(fine.at("b")[1].at("a").get<int>(), 3);
        QVERIFY(messageOf(R"({"a": {"x": 1}, "b": {"x": 2}, "a": 3})").contains("duplicate key \"a\""));
    }

    void limitsNestingDepth()
    {
        const std::string deepest = std::string(MaxJsonDepth, '[') + std::string(MaxJsonDepth, ']');
        QCOMPARE(parseJson(deepest).size(), std::size_t(1));
        try {
            parseJson(std::string(MaxJsonDepth + 1, '[') + std::string(MaxJsonDepth + 1, ']'));
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            QCOMPARE(e.column(), MaxJsonDepth + 1);
            QVERIFY(QString(e.what()).contains("nested deeper than 512"));
        }
        QVERIFY_THROWS_EXCEPTION(JsonError, parseJson(std::string(100000, '[')));
        std::string objects;
        for (int i = 0; i <= MaxJsonDepth; ++i)
            objects += "{\"a\":";
        QVERIFY(messageOf(objects).contains("nested deeper"));
    }

    void namesTheSource()
    {
        const QString message = messageOf("[1,", "the review page");
        QVERIFY2(message.startsWith("the review page: invalid JSON at line 1, column 4: "), qPrintable(message));
        const QString duplicate = messageOf("{\"a\": 1, \"a\": 1}", "run.json");
        QVERIFY2(duplicate.startsWith("run.json: invalid JSON at line 1, column 10: duplicate key"), qPrintable(duplicate));
    }

    void findsMembersAndNamesTypes()
    {
        const Json value = parseJson(R"({"a": 1, "b": [2]})");
        QCOMPARE(jsonMember(value, "a")->get<int>(), 1);
        QVERIFY(jsonMember(value, "missing") == nullptr);
        QVERIFY(jsonMember(value.at("b"), "a") == nullptr); // not an object: no members, no exception
        QCOMPARE(QString(jsonTypeName(parseJson("null"))), QString("null"));
        QCOMPARE(QString(jsonTypeName(parseJson("true"))), QString("a boolean"));
        QCOMPARE(QString(jsonTypeName(parseJson("-3"))), QString("a number"));
        QCOMPARE(QString(jsonTypeName(parseJson("3"))), QString("a number"));
        QCOMPARE(QString(jsonTypeName(parseJson("0.5"))), QString("a number"));
        QCOMPARE(QString(jsonTypeName(parseJson("\"\""))), QString("a string"));
        QCOMPARE(QString(jsonTypeName(parseJson("[]"))), QString("an array"));
        QCOMPARE(QString(jsonTypeName(parseJson("{}"))), QString("an object"));
    }

    void dumpsCompactAndIndented()
    {
        const Json value = parseJson(R"( {"a": [1, 2.5, {"b": null}], "c": {}, "d": [], "e": "x"} )");
        QCOMPARE(dumpJson(value), std::string(R"({"a":[1,2.5,{"b":null}],"c":{},"d":[],"e":"x"})"));
        QCOMPARE(dumpJson(value, 2), std::string("{\n"
                                                 "  \"a\": [\n"
                                                 "    1,\n"
                                                 "    2.5,\n"
                                                 "    {\n"
                                                 "      \"b\": null\n"
                                                 "    }\n"
                                                 "  ],\n"
                                                 "  \"c\": {},\n"
                                                 "  \"d\": [],\n"
                                                 "  \"e\": \"x\"\n"
                                                 "}"));
    }

    void dumpsDoublesRoundTrippably_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("tenth") << 0.1 << "0.1";
        QTest::newRow("third") << 1.0 / 3.0 << "0.3333333333333333";
        QTest::newRow("whole") << 1.0 << "1.0";
        QTest::newRow("negative zero") << -0.0 << "-0.0";
        QTest::newRow("large") << 1e300 << "1e+300";
        QTest::newRow("denormal") << 5e-324 << "5e-324";
        QTest::newRow("max") << std::numeric_limits<double>::max() << "1.7976931348623157e+308";
        QTest::newRow("fractional") << -123456.789 << "-123456.789";
    }

    void dumpsDoublesRoundTrippably()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        const std::string dumped = dumpJson(Json(value));
        QCOMPARE(QString::fromStdString(dumped), text);
        const Json back = parseJson(dumped);
        QVERIFY(back.is_number_float()); // a double stays a double
        QCOMPARE(back.get<double>(), value);
        QCOMPARE(std::signbit(back.get<double>()), std::signbit(value));
    }

    void refusesNonFiniteDoubles()
    {
        // nlohmann alone would write null, which reads back as "no value" rather than failing.
        QVERIFY_THROWS_EXCEPTION(JsonError, dumpJson(Json(std::numeric_limits<double>::quiet_NaN())));
        QVERIFY_THROWS_EXCEPTION(JsonError, dumpJson(Json(std::numeric_limits<double>::infinity())));
        Json report = Json::object();
        report["ok"] = 1;
        report["bad"] = Json::array({0.5, -std::numeric_limits<double>::infinity()});
        try {
            dumpJson(report, 2);
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            QVERIFY2(QString(e.what()).contains("infinity"), e.what());
            QVERIFY2(QString(e.what()).contains("\"/bad/1\""), e.what());
        }
        Json nested = Json::object();
        nested["loss"] = Json::object({{"ce", std::nan("")}});
        QVERIFY(QString::fromStdString([&] {
                    try {
                        dumpJson(nested);
                    } catch (const JsonError &e) {
                        return std::string(e.what());
                    }
                    return std::string();
                }())
                    .contains("NaN, found at \"/loss/ce\""));
    }

    void dumpWritesValidUtf8()
    {
        QCOMPARE(dumpJson(Json(std::string("q\"b\\\n\x01", 6))), std::string("\"q\\\"b\\\\\\n\\u0001\""));
        const std::string withNul("a\0b", 3);
        QCOMPARE(parseJson(dumpJson(Json(withNul))).get<std::string>(), withNul);
        QCOMPARE(dumpJson(Json("\xF0\x9F\x98\x80 caf\xC3\xA9")), std::string("\"\xF0\x9F\x98\x80 caf\xC3\xA9\""));
        // Bytes that are not UTF-8 (a Latin-1 file name, say) still make valid JSON.
        const std::string latin1 = dumpJson(Json("caf\xE9.tif"));
        QCOMPARE(parseJson(latin1).get<std::string>(), std::string("caf\xEF\xBF\xBD.tif"));
        Json keyed = Json::object();
        keyed["caf\xE9"] = 1;
        QCOMPARE(parseJson(dumpJson(keyed)).begin().key(), std::string("caf\xEF\xBF\xBD"));
    }

    void readsFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString good = dir.filePath("config.json");
        writeFile(good, "{\n  \"hidden_size\": 4096,\n  \"rope_theta\": 10000.0\n}\n");
        const Json config = readJsonFile(good.toStdString());
        QCOMPARE(exactInt64(config.at("hidden_size")), std::optional<std::int64_t>(4096));
        QCOMPARE(config.at("rope_theta").get<double>(), 10000.0);

        const std::string bad = dir.filePath("bad.json").toStdString();
        writeFile(QString::fromStdString(bad), "{\n  \"hidden_size\": 4096,\n  \"vocab\": 32000 32001\n}\n");
        try {
            readJsonFile(bad);
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QCOMPARE(e.path(), bad);
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.startsWith(QString::fromStdString(bad + ": invalid JSON at line 3, column ")),
                     qPrintable(message));
            QVERIFY2(message.contains("expected '}'"), qPrintable(message));
        }

        const std::string duplicate = dir.filePath("duplicate.json").toStdString();
        writeFile(QString::fromStdString(duplicate), "{\"seed\": 1,\n \"seed\": 2}");
        try {
            readJsonFile(duplicate);
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QVERIFY2(QString(e.what()).contains("line 2, column 2: duplicate key \"seed\""), e.what());
        }

        const std::string empty = dir.filePath("empty.json").toStdString();
        writeFile(QString::fromStdString(empty), "");
        QVERIFY_THROWS_EXCEPTION(FileError, readJsonFile(empty));

        const std::string missing = dir.filePath("missing.json").toStdString();
        try {
            readJsonFile(missing);
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QCOMPARE(e.path(), missing);
            QVERIFY(QString(e.what()).contains("missing.json"));
        }
        QVERIFY_THROWS_EXCEPTION(FileError, readJsonFile(dir.path().toStdString())); // a folder
    }
};

QTEST_APPLESS_MAIN(JsonTest)
#include "tst_json.moc"
