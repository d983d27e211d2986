#include "common/Json.h"

#include "common/MappedFile.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <unordered_set>

namespace geolens {

namespace {

std::string describeByte(unsigned char c)
{
    if (c >= 0x20 && c < 0x7f)
        return std::string("'") + static_cast<char>(c) + "'";
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "byte 0x%02X", c);
    return buffer;
}

bool isContinuationByte(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

// Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8SequenceLength(const unsigned char *p, const unsigned char *end)
{
    const unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char secondMin = 0x80, secondMax = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        if (c == 0xE0)
            secondMin = 0xA0; // overlong below U+0800
        else if (c == 0xED)
            secondMax = 0x9F; // U+D800..U+DFFF are surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        if (c == 0xF0)
            secondMin = 0x90; // overlong below U+10000
        else if (c == 0xF4)
            secondMax = 0x8F; // above U+10FFFF
    } else {
        return 0;
    }
    if (static_cast<std::size_t>(end - p) < length || p[1] < secondMin || p[1] > secondMax)
        return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (!isContinuationByte(p[i]))
            return 0;
    return length;
}

void appendUtf8(std::string &out, std::uint32_t codePoint)
{
    if (codePoint < 0x80) {
        out += static_cast<char>(codePoint);
    } else if (codePoint < 0x800) {
        out += static_cast<char>(0xC0 | (codePoint >> 6));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
        out += static_cast<char>(0xE0 | (codePoint >> 12));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (codePoint >> 18));
        out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    }
}

// Recursive descent over the text; depth is bounded by JsonValue::MaxDepth, so the recursion is.
class JsonParser {
public:
    JsonParser(const char *text, std::size_t size)
        : begin_(reinterpret_cast<const unsigned char *>(text)), end_(begin_ + size), pos_(begin_)
    {
    }

    JsonValue parseDocument()
    {
        if (end_ - pos_ >= 3 && pos_[0] == 0xEF && pos_[1] == 0xBB && pos_[2] == 0xBF)
            pos_ += 3;
        JsonValue value = parseValue(0);
        skipWhitespace();
        if (pos_ != end_)
            fail("unexpected " + describeByte(*pos_) + " after the JSON value.", pos_);
        return value;
    }

private:
    [[noreturn]] void fail(const std::string &problem, const unsigned char *where) const
    {
        int line = 1;
        const unsigned char *lineStart = begin_;
        for (const unsigned char *p = begin_; p < where; ++p) {
            if (*p == '\n') {
                ++line;
                lineStart = p + 1;
            }
        }
        // Columns count characters, not bytes, so they match what an editor shows.
        int column = 1;
        for (const unsigned char *p = lineStart; p < where; ++p)
            if (!isContinuationByte(*p))
                ++column;
        throw JsonError(problem, line, column);
    }

    void skipWhitespace()
    {
        while (pos_ != end_ && (*pos_ == ' ' || *pos_ == '\t' || *pos_ == '\n' || *pos_ == '\r'))
            ++pos_;
    }

    JsonValue parseValue(int depth)
    {
        skipWhitespace();
        if (pos_ == end_)
            fail("unexpected end of the text, expected a value.", pos_);
        switch (*pos_) {
        case '{':
            return parseObject(depth + 1);
        case '[':
            return parseArray(depth + 1);
        case '"':
            return JsonValue(parseString());
        case 't':
            parseLiteral("true");
            return JsonValue(true);
        case 'f':
            parseLiteral("false");
            return JsonValue(false);
        case 'n':
            parseLiteral("null");
            return JsonValue();
        default:
            if (*pos_ == '-' || (*pos_ >= '0' && *pos_ <= '9'))
                return parseNumber();
            fail("expected a value, found " + describeByte(*pos_) + ".", pos_);
        }
    }

    void parseLiteral(const char *literal)
    {
        const std::size_t length = std::strlen(literal);
        if (static_cast<std::size_t>(end_ - pos_) < length || std::memcmp(pos_, literal, length) != 0)
            fail(std::string("invalid literal, expected '") + literal + "'.", pos_);
        pos_ += length;
    }

    void checkDepth(int depth) const
    {
        if (depth > JsonValue::MaxDepth)
            fail("arrays and objects are nested deeper than " + std::to_string(JsonValue::MaxDepth) + " levels.",
                 pos_);
    }

    JsonValue parseObject(int depth)
    {
        checkDepth(depth);
        ++pos_; // '{'
        JsonValue::Object members;
        std::unordered_set<std::string> keys;
        skipWhitespace();
        if (pos_ != end_ && *pos_ == '}') {
            ++pos_;
            return JsonValue(std::move(members));
        }
        for (;;) {
            skipWhitespace();
            if (pos_ == end_)
                fail("unexpected end of the text, expected a string key.", pos_);
            if (*pos_ != '"')
                fail("expected a string key, found " + describeByte(*pos_) + ".", pos_);
            const unsigned char *keyStart = pos_;
            std::string key = parseString();
            if (!keys.insert(key).second)
                fail("duplicate key \"" + key + "\".", keyStart);
            skipWhitespace();
            if (pos_ == end_)
                fail("unexpected end of the text, expected ':' after the key.", pos_);
            if (*pos_ != ':')
                fail("expected ':' after the key, found " + describeByte(*pos_) + ".", pos_);
            ++pos_;
            JsonValue value = parseValue(depth);
            members.emplace_back(std::move(key), std::move(value));
            skipWhitespace();
            if (pos_ == end_)
                fail("unexpected end of the text, expected ',' or '}'.", pos_);
            if (*pos_ == '}') {
                ++pos_;
                return JsonValue(std::move(members));
            }
            if (*pos_ != ',')
                fail("expected ',' or '}' after an object member, found " + describeByte(*pos_) + ".", pos_);
            ++pos_;
        }
    }

    JsonValue parseArray(int depth)
    {
        checkDepth(depth);
        ++pos_; // '['
        JsonValue::Array items;
        skipWhitespace();
        if (pos_ != end_ && *pos_ == ']') {
            ++pos_;
            return JsonValue(std::move(items));
        }
        for (;;) {
            items.push_back(parseValue(depth));
            skipWhitespace();
            if (pos_ == end_)
                fail("unexpected end of the text, expected ',' or ']'.", pos_);
            if (*pos_ == ']') {
                ++pos_;
                return JsonValue(std::move(items));
            }
            if (*pos_ != ',')
                fail("expected ',' or ']' after an array item, found " + describeByte(*pos_) + ".", pos_);
            ++pos_;
        }
    }

    bool atDigit() const { return pos_ != end_ && *pos_ >= '0' && *pos_ <= '9'; }

    void skipDigits()
    {
        while (atDigit())
            ++pos_;
    }

    JsonValue parseNumber()
    {
        const unsigned char *start = pos_;
        if (*pos_ == '-')
            ++pos_;
        if (!atDigit())
            fail("expected a digit after '-'.", pos_);
        const unsigned char *integerStart = pos_;
        if (*pos_ == '0') {
            ++pos_;
            if (atDigit())
                fail("numbers must not have leading zeros.", start);
        } else {
            skipDigits();
        }
        const unsigned char *integerEnd = pos_;
        const unsigned char *fractionStart = pos_;
        if (pos_ != end_ && *pos_ == '.') {
            ++pos_;
            fractionStart = pos_;
            if (!atDigit())
                fail("expected a digit after the decimal point.", pos_);
            skipDigits();
        }
        const unsigned char *fractionEnd = pos_;
        const unsigned char *exponentStart = pos_;
        bool negativeExponent = false;
        if (pos_ != end_ && (*pos_ == 'e' || *pos_ == 'E')) {
            ++pos_;
            if (pos_ != end_ && (*pos_ == '+' || *pos_ == '-'))
                negativeExponent = *pos_++ == '-';
            exponentStart = pos_;
            if (!atDigit())
                fail("expected a digit in the exponent.", pos_);
            skipDigits();
        }
        const bool integral = fractionEnd == integerEnd && exponentStart == fractionEnd;
        const bool negativeZero = *start == '-' && *integerStart == '0' && integerEnd - integerStart == 1;
        const char *first = reinterpret_cast<const char *>(start);
        const char *last = reinterpret_cast<const char *>(pos_);
        // "-0" stays a double so that its sign survives a round trip.
        if (integral && !negativeZero) {
            std::int64_t integer = 0;
            const auto result = std::from_chars(first, last, integer);
            if (result.ec == std::errc() && result.ptr == last)
                return JsonValue(integer);
            // too large for int64: read as a double below
        }
        double number = 0;
        const auto result = std::from_chars(first, last, number);
        if (result.ec == std::errc::result_out_of_range) {
            // Out of range either way; the sign of the decimal exponent tells which way.
            long long exponent = 0;
            for (const unsigned char *p = exponentStart; p < pos_; ++p)
                exponent = std::min(exponent * 10 + (*p - '0'), 1000000000LL);
            if (negativeExponent)
                exponent = -exponent;
            if (*integerStart != '0') {
                exponent += integerEnd - integerStart;
            } else {
                const unsigned char *p = fractionStart;
                while (p < fractionEnd && *p == '0')
                    ++p;
                exponent -= p - fractionStart;
            }
            if (exponent > 0)
                fail("the number is too large for a double.", start);
            number = *start == '-' ? -0.0 : 0.0;
        } else if (result.ec != std::errc() || result.ptr != last) {
            fail("invalid number.", start);
        }
        return JsonValue(number);
    }

    std::uint32_t parseHex4(const unsigned char *escapeStart)
    {
        if (end_ - pos_ < 4)
            fail("expected four hex digits after \\u.", escapeStart);
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            const unsigned char c = *pos_++;
            value <<= 4;
            if (c >= '0' && c <= '9')
                value |= c - '0';
            else if (c >= 'a' && c <= 'f')
                value |= c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                value |= c - 'A' + 10;
            else
                fail("expected four hex digits after \\u.", escapeStart);
        }
        return value;
    }

    std::string parseString()
    {
        const unsigned char *opening = pos_;
        ++pos_; // '"'
        std::string out;
        for (;;) {
            const unsigned char *runStart = pos_;
            while (pos_ != end_ && *pos_ >= 0x20 && *pos_ < 0x80 && *pos_ != '"' && *pos_ != '\\')
                ++pos_;
            out.append(reinterpret_cast<const char *>(runStart), pos_ - runStart);
            if (pos_ == end_)
                fail("unterminated string.", opening);
            const unsigned char c = *pos_;
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (c < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "%04X", c);
                fail(std::string("control character U+") + buffer + " must be escaped in a string.", pos_);
            }
            if (c >= 0x80) {
                const std::size_t length = utf8SequenceLength(pos_, end_);
                if (length == 0)
                    fail("invalid UTF-8 in a string.", pos_);
                out.append(reinterpret_cast<const char *>(pos_), length);
                pos_ += length;
                continue;
            }
            parseEscape(out);
        }
    }

    void parseEscape(std::string &out)
    {
        const unsigned char *escapeStart = pos_;
        ++pos_; // '\\'
        if (pos_ == end_)
            fail("unterminated escape sequence.", escapeStart);
        const unsigned char c = *pos_++;
        switch (c) {
        case '"': out += '"'; return;
        case '\\': out += '\\'; return;
        case '/': out += '/'; return;
        case 'b': out += '\b'; return;
        case 'f': out += '\f'; return;
        case 'n': out += '\n'; return;
        case 'r': out += '\r'; return;
        case 't': out += '\t'; return;
        case 'u': break;
        default:
            fail("invalid escape sequence \\" + std::string(1, static_cast<char>(c)) + " in a string.", escapeStart);
        }
        std::uint32_t codePoint = parseHex4(escapeStart);
        if (codePoint >= 0xDC00 && codePoint <= 0xDFFF)
            fail("a low surrogate \\u escape without a high surrogate before it.", escapeStart);
        if (codePoint >= 0xD800 && codePoint <= 0xDBFF) {
            // Characters beyond the Basic Multilingual Plane are escaped as a UTF-16 pair.
            const unsigned char *lowStart = pos_;
            if (end_ - pos_ < 2 || pos_[0] != '\\' || pos_[1] != 'u')
                fail("a high surrogate \\u escape without a low surrogate after it.", escapeStart);
            pos_ += 2;
            const std::uint32_t low = parseHex4(lowStart);
            if (low < 0xDC00 || low > 0xDFFF)
                fail("a high surrogate \\u escape without a low surrogate after it.", escapeStart);
            codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, codePoint);
    }

    const unsigned char *begin_;
    const unsigned char *end_;
    const unsigned char *pos_;
};

void appendEscapedString(std::string &out, const std::string &text)
{
    out += '"';
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const auto *end = p + text.size();
    while (p != end) {
        const unsigned char c = *p;
        if (c >= 0x80) {
            const std::size_t length = utf8SequenceLength(p, end);
            if (length == 0) {
                out += "\\ufffd";
                ++p;
            } else {
                out.append(reinterpret_cast<const char *>(p), length);
                p += length;
            }
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                out += buffer;
            } else {
                out += static_cast<char>(c);
            }
        }
        ++p;
    }
    out += '"';
}

void appendDouble(std::string &out, double value)
{
    if (!std::isfinite(value))
        throw JsonError("JSON cannot represent the number " + std::string(std::isnan(value) ? "NaN" : "infinity") + ".");
    // std::to_chars gives the shortest text that reads back to the same double and, unlike
    // printf, never depends on the locale's decimal separator.
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string text(buffer, result.ptr);
    // Keep a whole-valued double a double when the text is read back.
    if (text.find_first_of(".e") == std::string::npos)
        text += ".0";
    out += text;
}

void appendNewline(std::string &out, int indent, int level)
{
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * level, ' ');
}

} // namespace

JsonValue JsonValue::parse(const std::string &text)
{
    return parse(text.data(), text.size());
}

JsonValue JsonValue::parse(const char *text, std::size_t size)
{
    return JsonParser(text, size).parseDocument();
}

JsonValue JsonValue::parseFile(const std::string &path)
{
    const auto file = MappedFile::open(path);
    try {
        return parse(reinterpret_cast<const char *>(file->data()), file->size());
    } catch (const JsonError &e) {
        throw FileError(path, "invalid JSON at line " + std::to_string(e.line()) + ", column "
                                  + std::to_string(e.column()) + ": " + e.problem());
    }
}

JsonType JsonValue::type() const
{
    switch (value_.index()) {
    case 0: return JsonType::Null;
    case 1: return JsonType::Bool;
    case 2:
    case 3: return JsonType::Number;
    case 4: return JsonType::String;
    case 5: return JsonType::Array;
    default: return JsonType::Object;
    }
}

const char *JsonValue::typeName() const
{
    switch (type()) {
    case JsonType::Null: return "null";
    case JsonType::Bool: return "a boolean";
    case JsonType::Number: return "a number";
    case JsonType::String: return "a string";
    case JsonType::Array: return "an array";
    case JsonType::Object: return "an object";
    }
    return "";
}

namespace {

[[noreturn]] void throwWrongType(const char *expected, const JsonValue &found)
{
    throw JsonError(std::string("Expected ") + expected + " JSON value, found " + found.typeName() + ".");
}

} // namespace

bool JsonValue::asBool() const
{
    if (const bool *value = std::get_if<bool>(&value_))
        return *value;
    throwWrongType("a boolean", *this);
}

std::int64_t JsonValue::asInt64() const
{
    if (const std::int64_t *value = std::get_if<std::int64_t>(&value_))
        return *value;
    if (const double *value = std::get_if<double>(&value_)) {
        // -2^63 is exact as a double, 2^63 is the first value past the range.
        constexpr double limit = 9223372036854775808.0;
        if (std::trunc(*value) == *value && *value >= -limit && *value < limit)
            return static_cast<std::int64_t>(*value);
        std::string text;
        appendDouble(text, *value);
        throw JsonError("Expected an integer JSON value, found the number " + text + ".");
    }
    throwWrongType("an integer", *this);
}

double JsonValue::asDouble() const
{
    if (const double *value = std::get_if<double>(&value_))
        return *value;
    if (const std::int64_t *value = std::get_if<std::int64_t>(&value_))
        return static_cast<double>(*value);
    throwWrongType("a number", *this);
}

const std::string &JsonValue::asString() const
{
    if (const std::string *value = std::get_if<std::string>(&value_))
        return *value;
    throwWrongType("a string", *this);
}

const JsonValue::Array &JsonValue::items() const
{
    if (const Array *value = std::get_if<Array>(&value_))
        return *value;
    throwWrongType("an array", *this);
}

const JsonValue::Object &JsonValue::members() const
{
    if (const Object *value = std::get_if<Object>(&value_))
        return *value;
    throwWrongType("an object", *this);
}

std::size_t JsonValue::size() const
{
    if (const Array *value = std::get_if<Array>(&value_))
        return value->size();
    if (const Object *value = std::get_if<Object>(&value_))
        return value->size();
    throwWrongType("an array or an object", *this);
}

const JsonValue *JsonValue::find(const std::string &key) const
{
    for (const Member &member : members())
        if (member.first == key)
            return &member.second;
    return nullptr;
}

const JsonValue &JsonValue::at(const std::string &key) const
{
    if (const JsonValue *value = find(key))
        return *value;
    throw JsonError("The JSON object has no member \"" + key + "\".");
}

const JsonValue &JsonValue::at(std::size_t index) const
{
    const Array &array = items();
    if (index >= array.size())
        throw JsonError("The JSON array has no item " + std::to_string(index) + "; it holds "
                        + std::to_string(array.size()) + ".");
    return array[index];
}

JsonValue &JsonValue::set(const std::string &key, JsonValue value)
{
    Object *object = std::get_if<Object>(&value_);
    if (!object)
        throwWrongType("an object", *this);
    for (Member &member : *object) {
        if (member.first == key) {
            member.second = std::move(value);
            return *this;
        }
    }
    object->emplace_back(key, std::move(value));
    return *this;
}

JsonValue &JsonValue::push(JsonValue value)
{
    Array *array = std::get_if<Array>(&value_);
    if (!array)
        throwWrongType("an array", *this);
    array->push_back(std::move(value));
    return *this;
}

namespace {

void appendValue(std::string &out, const JsonValue &value, int indent, int level)
{
    switch (value.type()) {
    case JsonType::Null:
        out += "null";
        return;
    case JsonType::Bool:
        out += value.asBool() ? "true" : "false";
        return;
    case JsonType::Number:
        if (value.isInteger())
            out += std::to_string(value.asInt64());
        else
            appendDouble(out, value.asDouble());
        return;
    case JsonType::String:
        appendEscapedString(out, value.asString());
        return;
    case JsonType::Array: {
        const JsonValue::Array &items = value.items();
        out += '[';
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i > 0)
                out += ',';
            if (indent >= 0)
                appendNewline(out, indent, level + 1);
            appendValue(out, items[i], indent, level + 1);
        }
        if (indent >= 0 && !items.empty())
            appendNewline(out, indent, level);
        out += ']';
        return;
    }
    case JsonType::Object: {
        const JsonValue::Object &members = value.members();
        out += '{';
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i > 0)
                out += ',';
            if (indent >= 0)
                appendNewline(out, indent, level + 1);
            appendEscapedString(out, members[i].first);
            out += indent >= 0 ? ": " : ":";
            appendValue(out, members[i].second, indent, level + 1);
        }
        if (indent >= 0 && !members.empty())
            appendNewline(out, indent, level);
        out += '}';
        return;
    }
    }
}

bool numbersEqual(const JsonValue &a, const JsonValue &b)
{
    if (a.isInteger() && b.isInteger())
        return a.asInt64() == b.asInt64();
    if (!a.isInteger() && !b.isInteger())
        return a.asDouble() == b.asDouble();
    const JsonValue &integer = a.isInteger() ? a : b;
    const double other = (a.isInteger() ? b : a).asDouble();
    // Comparing through double would call 2^53 and 2^53 + 1 equal.
    constexpr double limit = 9223372036854775808.0;
    return std::trunc(other) == other && other >= -limit && other < limit
           && static_cast<std::int64_t>(other) == integer.asInt64();
}

} // namespace

std::string JsonValue::dump(int indent) const
{
    std::string out;
    appendValue(out, *this, indent < 0 ? -1 : indent, 0);
    return out;
}

bool operator==(const JsonValue &a, const JsonValue &b)
{
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case JsonType::Null:
        return true;
    case JsonType::Bool:
        return a.asBool() == b.asBool();
    case JsonType::Number:
        return numbersEqual(a, b);
    case JsonType::String:
        return a.asString() == b.asString();
    case JsonType::Array:
        return a.items() == b.items();
    case JsonType::Object:
        if (a.size() != b.size())
            return false;
        return std::all_of(a.members().begin(), a.members().end(), [&b](const JsonValue::Member &member) {
            const JsonValue *other = b.find(member.first);
            return other && *other == member.second;
        });
    }
    return false;
}

} // namespace geolens
