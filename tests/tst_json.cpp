#include "common/Error.h"
#include "common/Json.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace geolens;

namespace {

QString messageOf(const std::string &text)
{
    try {
        JsonValue::parse(text);
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

class JsonTest : public QObject {
    Q_OBJECT

private slots:
    void parsesScalars()
    {
        QVERIFY(JsonValue::parse("null").isNull());
        QCOMPARE(JsonValue::parse(" true ").asBool(), true);
        QCOMPARE(JsonValue::parse("\tfalse\r\n").asBool(), false);
        QCOMPARE(JsonValue::parse("-17").asInt64(), std::int64_t(-17));
        QCOMPARE(JsonValue::parse("0").asInt64(), std::int64_t(0));
        QCOMPARE(JsonValue::parse("2.5").asDouble(), 2.5);
        QCOMPARE(JsonValue::parse("-1.25e-2").asDouble(), -0.0125);
        QCOMPARE(JsonValue::parse("1E2").asDouble(), 100.0);
        QCOMPARE(JsonValue::parse("\"text\"").asString(), std::string("text"));
        QCOMPARE(JsonValue::parse("\xEF\xBB\xBF[1]").size(), std::size_t(1)); // byte order mark skipped
        QCOMPARE(JsonValue::parse("1").type(), JsonType::Number);
        QCOMPARE(JsonValue::parse("\"\"").type(), JsonType::String);
        QCOMPARE(JsonValue::parse("[]").type(), JsonType::Array);
        QCOMPARE(JsonValue::parse("{}").type(), JsonType::Object);
    }

    void keepsIntegersExact()
    {
        // 2^53 + 1: a double would read it as 2^53.
        const JsonValue big = JsonValue::parse("9007199254740993");
        QVERIFY(big.isInteger());
        QCOMPARE(big.asInt64(), std::int64_t(9007199254740993));
        QCOMPARE(big.dump(), std::string("9007199254740993"));
        QVERIFY(big != JsonValue::parse("9007199254740992"));

        const JsonValue max = JsonValue::parse("9223372036854775807");
        QCOMPARE(max.asInt64(), std::numeric_limits<std::int64_t>::max());
        const JsonValue min = JsonValue::parse("-9223372036854775808");
        QCOMPARE(min.asInt64(), std::numeric_limits<std::int64_t>::min());
        QCOMPARE(min.dump(), std::string("-9223372036854775808"));

        // One past int64 is still a number, held as a double.
        const JsonValue beyond = JsonValue::parse("9223372036854775808");
        QVERIFY(beyond.isNumber());
        QVERIFY(!beyond.isInteger());
        QCOMPARE(beyond.asDouble(), 9223372036854775808.0);
        QVERIFY_THROWS_EXCEPTION(JsonError, beyond.asInt64());

        QVERIFY(!JsonValue::parse("1.0").isInteger());
        QVERIFY(!JsonValue::parse("1e3").isInteger());
        QCOMPARE(JsonValue::parse("1e3").asInt64(), std::int64_t(1000)); // a whole double converts
        QCOMPARE(JsonValue::parse("12").asDouble(), 12.0);
        const JsonValue negativeZero = JsonValue::parse("-0");
        QVERIFY(!negativeZero.isInteger());
        QVERIFY(std::signbit(negativeZero.asDouble()));
        QCOMPARE(JsonValue::parse("-5").asInt64(), std::int64_t(-5));

        QCOMPARE(JsonValue(std::int64_t(1) << 40).dump(), std::string("1099511627776"));
        QCOMPARE(JsonValue(std::uint64_t(1) << 62).asInt64(), std::int64_t(1) << 62);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, JsonValue(std::numeric_limits<std::uint64_t>::max()));
    }

    void handlesNumberRangeLimits()
    {
        QCOMPARE(JsonValue::parse("1e-400").asDouble(), 0.0); // underflows to zero
        QVERIFY(std::signbit(JsonValue::parse("-1e-400").asDouble()));
        QCOMPARE(JsonValue::parse("5e-324").asDouble(), 5e-324);
        QCOMPARE(JsonValue::parse("1.7976931348623157e308").asDouble(), std::numeric_limits<double>::max());
        QVERIFY(messageOf("1e400").contains("too large"));
        QVERIFY(messageOf("-1e400").contains("too large"));
        QVERIFY(messageOf("0.5e400").contains("too large"));
    }

    void decodesEscapesAndSurrogates()
    {
        QCOMPARE(JsonValue::parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"").asString(), std::string("\"\\/\b\f\n\r\t"));
        QCOMPARE(JsonValue::parse(R"("\u0041\u00e9\u20AC")").asString(), std::string("A\xC3\xA9\xE2\x82\xAC"));
        // U+1F600 as a UTF-16 surrogate pair, in either hex case.
        QCOMPARE(JsonValue::parse(R"("\uD83D\uDE00")").asString(), std::string("\xF0\x9F\x98\x80"));
        QCOMPARE(JsonValue::parse(R"("\ud83d\ude00")").asString(), std::string("\xF0\x9F\x98\x80"));
        QCOMPARE(JsonValue::parse(R"("\uDBFF\uDFFF")").asString(), std::string("\xF4\x8F\xBF\xBF"));
        const std::string withNul = JsonValue::parse(R"("a\u0000b")").asString();
        QCOMPARE(withNul.size(), std::size_t(3));
        QCOMPARE(withNul[1], '\0');
        // Raw UTF-8 passes through unchanged.
        QCOMPARE(JsonValue::parse("\"caf\xC3\xA9 \xF0\x9F\x98\x80\"").asString(),
                 std::string("caf\xC3\xA9 \xF0\x9F\x98\x80"));
    }

    void rejectsMalformedText_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("problem");

        QTest::newRow("empty") << QByteArray("") << 1 << 1 << "unexpected end of the text";
        QTest::newRow("only whitespace") << QByteArray("   ") << 1 << 4 << "unexpected end of the text";
        QTest::newRow("unclosed array") << QByteArray("[1, 2") << 1 << 6 << "expected ',' or ']'";
        QTest::newRow("unclosed object") << QByteArray("{\"a\": 1") << 1 << 8 << "expected ',' or '}'";
        QTest::newRow("trailing comma in array") << QByteArray("[1,]") << 1 << 4 << "expected a value, found ']'";
        QTest::newRow("trailing comma in object") << QByteArray("{\"a\":1,}") << 1 << 8 << "expected a string key";
        QTest::newRow("empty array slot") << QByteArray("[1,,2]") << 1 << 4 << "expected a value, found ','";
        QTest::newRow("missing colon") << QByteArray("{\"a\" 1}") << 1 << 6 << "expected ':'";
        QTest::newRow("missing comma") << QByteArray("[1 2]") << 1 << 4 << "expected ',' or ']'";
        QTest::newRow("unquoted key") << QByteArray("{a:1}") << 1 << 2 << "expected a string key";
        QTest::newRow("duplicate key") << QByteArray("{\"a\":1, \"a\":2}") << 1 << 9 << "duplicate key \"a\"";
        QTest::newRow("leading zero") << QByteArray("[01]") << 1 << 2 << "leading zeros";
        QTest::newRow("negative leading zero") << QByteArray("-01") << 1 << 1 << "leading zeros";
        QTest::newRow("bare minus") << QByteArray("-") << 1 << 2 << "digit after '-'";
        QTest::newRow("plus sign") << QByteArray("+1") << 1 << 1 << "found '+'";
        QTest::newRow("no integer part") << QByteArray(".5") << 1 << 1 << "found '.'";
        QTest::newRow("no fraction digits") << QByteArray("1.") << 1 << 3 << "after the decimal point";
        QTest::newRow("no exponent digits") << QByteArray("1e+") << 1 << 4 << "in the exponent";
        QTest::newRow("NaN") << QByteArray("NaN") << 1 << 1 << "found 'N'";
        QTest::newRow("Infinity") << QByteArray("[Infinity]") << 1 << 2 << "found 'I'";
        QTest::newRow("truncated literal") << QByteArray("[tru]") << 1 << 2 << "expected 'true'";
        QTest::newRow("capitalised literal") << QByteArray("True") << 1 << 1 << "found 'T'";
        QTest::newRow("single quotes") << QByteArray("'x'") << 1 << 1 << "found '''";
        QTest::newRow("comment") << QByteArray("// note\n1") << 1 << 1 << "found '/'";
        QTest::newRow("trailing value") << QByteArray("1 2") << 1 << 3 << "after the JSON value";
        QTest::newRow("trailing bracket") << QByteArray("[]]") << 1 << 3 << "after the JSON value";
        QTest::newRow("trailing garbage") << QByteArray("{} x") << 1 << 4 << "unexpected 'x'";
        QTest::newRow("unterminated string") << QByteArray("[\"abc") << 1 << 2 << "unterminated string";
        QTest::newRow("raw tab in string") << QByteArray("\"a\tb\"") << 1 << 3 << "control character U+0009";
        QTest::newRow("raw newline in string") << QByteArray("\"a\nb\"") << 1 << 3 << "control character U+000A";
        QTest::newRow("unknown escape") << QByteArray("\"ab\\x\"") << 1 << 4 << "invalid escape sequence \\x";
        QTest::newRow("short unicode escape") << QByteArray("\"\\u12\"") << 1 << 2 << "four hex digits";
        QTest::newRow("non-hex unicode escape") << QByteArray("\"\\u12G4\"") << 1 << 2 << "four hex digits";
        QTest::newRow("lone high surrogate") << QByteArray("\"\\uD800\"") << 1 << 2 << "without a low surrogate";
        QTest::newRow("lone low surrogate") << QByteArray("\"x\\uDC00\"") << 1 << 3 << "without a high surrogate";
        QTest::newRow("high surrogate then BMP")
            << QByteArray("\"\\uD800\\u0041\"") << 1 << 2 << "without a low surrogate";
        QTest::newRow("two high surrogates")
            << QByteArray("\"\\uD800\\uD800\"") << 1 << 2 << "without a low surrogate";
        QTest::newRow("truncated UTF-8") << QByteArray("\"\xC3\"") << 1 << 2 << "invalid UTF-8";
        QTest::newRow("overlong UTF-8") << QByteArray("\"\xC0\xAF\"") << 1 << 2 << "invalid UTF-8";
        QTest::newRow("UTF-8 surrogate") << QByteArray("\"\xED\xA0\x80\"") << 1 << 2 << "invalid UTF-8";
        // Columns count characters: the two-byte é before the error is one column.
        QTest::newRow("column counts characters") << QByteArray("[\"\xC3\xA9\", x]") << 1 << 7 << "found 'x'";
        QTest::newRow("error on a later line")
            << QByteArray("{\n  \"a\": 1,\n  \"b\": ?\n}") << 3 << 8 << "expected a value, found '?'";
    }

    void rejectsMalformedText()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, problem);
        try {
            JsonValue::parse(text.toStdString());
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(problem), qPrintable(message));
            QCOMPARE(e.line(), line);
            QCOMPARE(e.column(), column);
            QVERIFY2(message.contains(QString("line %1, column %2").arg(line).arg(column)), qPrintable(message));
        }
    }

    void limitsNestingDepth()
    {
        const int depth = JsonValue::MaxDepth;
        const std::string deepest = std::string(depth, '[') + std::string(depth, ']');
        QCOMPARE(JsonValue::parse(deepest).size(), std::size_t(1));
        try {
            JsonValue::parse(std::string(depth + 1, '[') + std::string(depth + 1, ']'));
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            QCOMPARE(e.column(), depth + 1);
            QVERIFY(QString(e.what()).contains("nested deeper than 512"));
        }
        // Far deeper than the limit: refused, not a stack overflow.
        QVERIFY_THROWS_EXCEPTION(JsonError, JsonValue::parse(std::string(100000, '[')));
        std::string objects;
        for (int i = 0; i <= depth; ++i)
            objects += "{\"a\":";
        QVERIFY(messageOf(objects).contains("nested deeper"));
    }

    void keepsObjectOrderAndFindsMembers()
    {
        const JsonValue value = JsonValue::parse(R"({"zeta": 1, "alpha": [true, null], "mid": {"x": "y"}})");
        QCOMPARE(value.size(), std::size_t(3));
        const JsonValue::Object &members = value.members();
        QCOMPARE(members[0].first, std::string("zeta"));
        QCOMPARE(members[1].first, std::string("alpha"));
        QCOMPARE(members[2].first, std::string("mid"));
        QCOMPARE(value.at("zeta").asInt64(), std::int64_t(1));
        QCOMPARE(value.at("alpha").items().size(), std::size_t(2));
        QVERIFY(value.at("alpha").at(1).isNull());
        QCOMPARE(value.at("mid").at("x").asString(), std::string("y"));
        QVERIFY(value.find("missing") == nullptr);
        QVERIFY(value.find("mid") == &members[2].second);
        try {
            value.at("missing_key");
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            QVERIFY(QString(e.what()).contains("\"missing_key\""));
        }
        QVERIFY_THROWS_EXCEPTION(JsonError, value.at("alpha").at(2));
    }

    void typedAccessorsNameBothTypes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("accessor");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("found");
        QTest::newRow("string as int") << QByteArray("\"5\"") << "int" << "an integer" << "a string";
        QTest::newRow("fraction as int") << QByteArray("1.5") << "int" << "an integer" << "the number 1.5";
        QTest::newRow("null as bool") << QByteArray("null") << "bool" << "a boolean" << "null";
        QTest::newRow("bool as double") << QByteArray("true") << "double" << "a number" << "a boolean";
        QTest::newRow("number as string") << QByteArray("7") << "string" << "a string" << "a number";
        QTest::newRow("object as array") << QByteArray("{}") << "items" << "an array" << "an object";
        QTest::newRow("array as object") << QByteArray("[]") << "members" << "an object" << "an array";
        QTest::newRow("array find") << QByteArray("[]") << "find" << "an object" << "an array";
        QTest::newRow("string size") << QByteArray("\"ab\"") << "size" << "an array or an object" << "a string";
    }

    void typedAccessorsNameBothTypes()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, accessor);
        QFETCH(QString, expected);
        QFETCH(QString, found);
        const JsonValue value = JsonValue::parse(text.toStdString());
        try {
            if (accessor == "int")
                value.asInt64();
            else if (accessor == "bool")
                value.asBool();
            else if (accessor == "double")
                value.asDouble();
            else if (accessor == "string")
                value.asString();
            else if (accessor == "items")
                value.items();
            else if (accessor == "members")
                value.members();
            else if (accessor == "find")
                value.find("x");
            else
                value.size();
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains("Expected " + expected), qPrintable(message));
            QVERIFY2(message.contains("found " + found), qPrintable(message));
            QCOMPARE(e.line(), 0);
        }
    }

    void dumpsCompactAndIndented()
    {
        const JsonValue value = JsonValue::parse(R"( {"a": [1, 2.5, {"b": null}], "c": {}, "d": [], "e": "x"} )");
        QCOMPARE(value.dump(), std::string(R"({"a":[1,2.5,{"b":null}],"c":{},"d":[],"e":"x"})"));
        QCOMPARE(value.dump(2), std::string("{\n"
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
        QCOMPARE(JsonValue::parse("[true,false]").dump(0), std::string("[\ntrue,\nfalse\n]"));
    }

    void dumpEscapesStrings()
    {
        QCOMPARE(JsonValue(std::string("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f", 14)).dump(),
                 std::string("\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\""));
        const std::string withNul("a\0b", 3);
        QCOMPARE(JsonValue(withNul).dump(), std::string(R"("a\u0000b")"));
        QCOMPARE(JsonValue::parse(JsonValue(withNul).dump()).asString(), withNul);
        QCOMPARE(JsonValue("\xF0\x9F\x98\x80 caf\xC3\xA9").dump(), std::string("\"\xF0\x9F\x98\x80 caf\xC3\xA9\""));
        // Bytes that are not UTF-8 (a Latin-1 file name, say) still make valid JSON.
        const std::string latin1 = JsonValue("caf\xE9.tif").dump();
        QCOMPARE(latin1, std::string(R"("caf\ufffd.tif")"));
        QCOMPARE(JsonValue::parse(latin1).asString(), std::string("caf\xEF\xBF\xBD.tif"));
        QCOMPARE(JsonValue::object().set("k\"ey", 1).dump(), std::string("{\"k\\\"ey\":1}"));
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
        QTest::newRow("2^53 + 2") << 9007199254740994.0 << "9007199254740994.0";
    }

    void dumpsDoublesRoundTrippably()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        const std::string dumped = JsonValue(value).dump();
        QCOMPARE(QString::fromStdString(dumped), text);
        const JsonValue back = JsonValue::parse(dumped);
        QVERIFY(!back.isInteger()); // a double stays a double
        QCOMPARE(back.asDouble(), value);
        QCOMPARE(std::signbit(back.asDouble()), std::signbit(value));
    }

    void refusesNonFiniteDoubles()
    {
        QVERIFY_THROWS_EXCEPTION(JsonError, JsonValue(std::numeric_limits<double>::quiet_NaN()).dump());
        QVERIFY_THROWS_EXCEPTION(JsonError, JsonValue(std::numeric_limits<double>::infinity()).dump());
        JsonValue report = JsonValue::object();
        report.set("ok", 1).set("bad", JsonValue::array().push(-std::numeric_limits<double>::infinity()));
        try {
            report.dump(2);
            QFAIL("expected JsonError");
        } catch (const JsonError &e) {
            QVERIFY(QString(e.what()).contains("infinity"));
        }
    }

    void roundTripsDocuments()
    {
        const std::string text = R"({"name": "GeoChat \u2603", "layers": 32, "eps": 1e-05, "offsets": [0, 4294967296,
            18014398509481985], "flags": {"bf16": true, "tie": false, "none": null}, "nested": [[[]], [{}], "\u0000"],
            "neg": -7, "pi": 3.141592653589793, "emoji": "\ud83c\udf0d"})";
        const JsonValue value = JsonValue::parse(text);
        QCOMPARE(value.at("offsets").at(2).asInt64(), std::int64_t(18014398509481985));
        QCOMPARE(value.at("eps").asDouble(), 1e-05);
        for (int indent : {-1, 0, 2, 4}) {
            const std::string dumped = value.dump(indent);
            const JsonValue back = JsonValue::parse(dumped);
            QVERIFY(back == value);
            QCOMPARE(back.dump(indent), dumped); // stable: member order and number forms survive
        }
        QVERIFY(value != JsonValue::parse(R"({"name": "GeoChat"})"));
    }

    void comparesValues()
    {
        QVERIFY(JsonValue::parse(R"({"a": 1, "b": [2]})") == JsonValue::parse(R"({"b": [2], "a": 1})"));
        QVERIFY(JsonValue::parse(R"({"a": 1})") != JsonValue::parse(R"({"a": 1, "b": 2})"));
        QVERIFY(JsonValue::parse("[1, 2]") != JsonValue::parse("[2, 1]"));
        QVERIFY(JsonValue::parse("2") == JsonValue::parse("2.0"));
        QVERIFY(JsonValue::parse("9007199254740993") != JsonValue(9007199254740992.0));
        QVERIFY(JsonValue::parse("\"1\"") != JsonValue::parse("1"));
        QVERIFY(JsonValue() == JsonValue::parse("null"));
        QVERIFY(JsonValue(false) != JsonValue(0));
    }

    void buildsValues()
    {
        JsonValue report = JsonValue::object();
        report.set("file", "scene.tif")
            .set("bands", 4)
            .set("bytes", std::uint64_t(5000000000))
            .set("nodata", nullptr)
            .set("scale", 0.5)
            .set("valid", true)
            .set("tags", JsonValue::array().push("a").push(std::string("b")));
        report.set("bands", 3); // replaces in place, keeps the position
        QCOMPARE(report.dump(), std::string(R"({"file":"scene.tif","bands":3,"bytes":5000000000,"nodata":null,)"
                                            R"("scale":0.5,"valid":true,"tags":["a","b"]})"));
        QVERIFY(report.at("bytes").isInteger());
        QVERIFY(report.at("valid").isBool()); // a string literal or bool is not taken for the other
        QVERIFY(report.at("file").isString());
        QVERIFY_THROWS_EXCEPTION(JsonError, JsonValue::array().set("k", 1));
        QVERIFY_THROWS_EXCEPTION(JsonError, JsonValue::object().push(1));
        QVERIFY_THROWS_EXCEPTION(JsonError, JsonValue().set("k", 1));
    }

    void parsesFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString good = dir.filePath("config.json");
        writeFile(good, "{\n  \"hidden_size\": 4096,\n  \"rope_theta\": 10000.0\n}\n");
        const JsonValue config = JsonValue::parseFile(good.toStdString());
        QCOMPARE(config.at("hidden_size").asInt64(), std::int64_t(4096));
        QCOMPARE(config.at("rope_theta").asDouble(), 10000.0);

        const std::string bad = dir.filePath("bad.json").toStdString();
        writeFile(QString::fromStdString(bad), "{\n  \"hidden_size\": 4096,\n  \"vocab\": 32000 32001\n}\n");
        try {
            JsonValue::parseFile(bad);
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QCOMPARE(e.path(), bad);
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.startsWith(QString::fromStdString(bad + ": ")), qPrintable(message));
            QVERIFY2(message.contains("line 3, column 18"), qPrintable(message));
            QVERIFY2(message.contains("expected ',' or '}'"), qPrintable(message));
        }

        const std::string empty = dir.filePath("empty.json").toStdString();
        writeFile(QString::fromStdString(empty), "");
        QVERIFY_THROWS_EXCEPTION(FileError, JsonValue::parseFile(empty));

        const std::string missing = dir.filePath("missing.json").toStdString();
        try {
            JsonValue::parseFile(missing);
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QCOMPARE(e.path(), missing);
            QVERIFY(QString(e.what()).contains("missing.json"));
        }
        QVERIFY_THROWS_EXCEPTION(FileError, JsonValue::parseFile(dir.path().toStdString())); // a folder
    }
};

QTEST_APPLESS_MAIN(JsonTest)
#include "tst_json.moc"
