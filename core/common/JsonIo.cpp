#include "common/JsonIo.h"

#include "common/MappedFile.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <unordered_set>
#include <vector>

namespace geolens {

namespace {

// Walks the text for nlohmann's parser and remembers how far it has read, so that the parser
// callback, which nlohmann gives no position, can still say where a duplicate key or too deep a
// nesting is.
class TrackedIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char *;
    using reference = const char &;

    TrackedIterator(const char *position, const char **furthest) : position_(position), furthest_(furthest) {}

    reference operator*() const { return *position_; }
    TrackedIterator &operator++()
    {
        ++position_;
        *furthest_ = position_;
        return *this;
    }
    TrackedIterator operator++(int)
    {
        TrackedIterator before = *this;
        ++*this;
        return before;
    }
    bool operator==(const TrackedIterator &other) const { return position_ == other.position_; }
    bool operator!=(const TrackedIterator &other) const { return position_ != other.position_; }

private:
    const char *position_;
    const char **furthest_;
};

bool isContinuationByte(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

struct TextPosition {
    int line = 1;
    int column = 1;
};

// Columns count characters, not bytes, so they match what an editor shows.
TextPosition positionOf(std::string_view text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    TextPosition position;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++position.line;
            lineStart = i + 1;
        }
    }
    for (std::size_t i = lineStart; i < offset; ++i)
        if (!isContinuationByte(text[i]))
            ++position.column;
    return position;
}

// Offset of the quote that opens the string whose closing quote is at closing.
std::size_t openingQuoteOf(std::string_view text, std::size_t closing)
{
    for (std::size_t i = closing; i-- > 0;) {
        if (text[i] != '"')
            continue;
        std::size_t backslashes = 0;
        while (backslashes < i && text[i - 1 - backslashes] == '\\')
            ++backslashes;
        if (backslashes % 2 == 0)
            return i;
    }
    return 0;
}

bool isNumberCharacter(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

std::size_t startOfNumberBefore(std::string_view text, std::size_t end)
{
    end = std::min(end, text.size());
    if (end > 0 && !isNumberCharacter(text[end - 1]))
        --end;
    while (end > 0 && isNumberCharacter(text[end - 1]))
        --end;
    return end;
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
// column 2: " prefix, which names its own id and counts columns in bytes.
std::string problemOf(const nlohmann::json::exception &e)
{
    std::string message = e.what();
    if (!message.empty() && message.front() == '[') {
        const std::size_t close = message.find("] ");
        if (close != std::string::npos)
            message.erase(0, close + 2);
    }
    if (message.rfind("parse error", 0) == 0) {
        const std::size_t colon = message.find(": ");
        if (colon != std::string::npos)
            message.erase(0, colon + 2);
    }
    if (!message.empty() && message.back() != '.')
        message += '.';
    return message;
}

// Refuses what nlohmann's parser accepts but GeoLens does not: a key twice in one object (nlohmann
// would keep the last) and nesting deeper than MaxJsonDepth.
class StrictnessCheck {
public:
    StrictnessCheck(std::string_view text, const std::string &source, const char *const *furthest)
        : text_(text), source_(source), furthest_(furthest)
    {
    }

    bool operator()(int depth, nlohmann::json::parse_event_t event, Json &parsed)
    {
        using Event = nlohmann::json::parse_event_t;
        switch (event) {
        case Event::object_start:
        case Event::array_start:
            // depth counts the arrays and objects around this one.
            if (depth >= MaxJsonDepth)
                fail("arrays and objects are nested deeper than " + std::to_string(MaxJsonDepth) + " levels.",
                     readSoFar() - 1);
            if (event == Event::object_start)
                keysOfOpenObjects_.emplace_back();
            break;
        case Event::object_end:
            keysOfOpenObjects_.pop_back();
            break;
        case Event::key: {
            const std::string &key = parsed.get_ref<const std::string &>();
            if (!keysOfOpenObjects_.back().insert(key).second)
                fail("duplicate key \"" + key + "\".", openingQuoteOf(text_, readSoFar() - 1));
            break;
        }
        case Event::array_end:
        case Event::value:
            break;
        }
        return true;
    }

private:
    std::size_t readSoFar() const { return static_cast<std::size_t>(*furthest_ - text_.data()); }

    [[noreturn]] void fail(const std::string &problem, std::size_t offset) const
    {
        const TextPosition position = positionOf(text_, offset);
        throw JsonError(source_, problem, position.line, position.column);
    }

    std::string_view text_;
    const std::string &source_;
    const char *const *furthest_;
    std::vector<std::unordered_set<std::string>> keysOfOpenObjects_;
};

std::string pointerText(const std::string &pointer)
{
    return pointer.empty() ? "the top-level value" : "\"" + pointer + "\"";
}

void checkFinite(const Json &value, std::string &pointer)
{
    if (value.is_number_float()) {
        const double number = value.get<double>();
        if (!std::isfinite(number))
            throw JsonError("JSON cannot represent the number " + std::string(std::isnan(number) ? "NaN" : "infinity")
                            + ", found at " + pointerText(pointer) + ".");
        return;
    }
    const std::size_t length = pointer.size();
    if (value.is_array()) {
        std::size_t index = 0;
        for (const Json &item : value) {
            pointer += "/" + std::to_string(index++);
            checkFinite(item, pointer);
            pointer.resize(length);
        }
    } else if (value.is_object()) {
        for (const auto &member : value.items()) {
            pointer += "/" + member.key();
            checkFinite(member.value(), pointer);
            pointer.resize(length);
        }
    }
}

std::string withPosition(const std::string &source, const std::string &problem, int line, int column)
{
    const std::string where = "nvalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
    return source.empty() ? "I" + where + problem : source + ": i" + where + problem;
}

} // namespace

JsonError::JsonError(const std::string &message) : Error(message), problem_(message) {}

JsonError::JsonError(const std::string &source, const std::string &problem, int line, int column)
    : Error(withPosition(source, problem, line, column)), problem_(problem), line_(line), column_(column)
{
}

Json parseJson(std::string_view text, const std::string &source)
{
    const char *furthest = text.data();
    const TrackedIterator begin(text.data(), &furthest);
    const TrackedIterator end(text.data() + text.size(), &furthest);
    try {
        return Json::parse(begin, end, StrictnessCheck(text, source, &furthest));
    } catch (const nlohmann::json::parse_error &e) {
        // byte is the 1-based position of the character that stopped the parser.
        const TextPosition position = positionOf(text, e.byte > 0 ? e.byte - 1 : 0);
        throw JsonError(source, problemOf(e), position.line, position.column);
    } catch (const nlohmann::json::exception &e) {
        // A number too large for a double, which nlohmann reports without a position: the number
        // ends where the parser stopped reading, give or take the one character it looked ahead.
        const std::size_t read = static_cast<std::size_t>(furthest - text.data());
        const TextPosition position = positionOf(text, startOfNumberBefore(text, read));
        throw JsonError(source, problemOf(e), position.line, position.column);
    }
}

Json readJsonFile(const std::string &path)
{
    const auto file = MappedFile::open(path);
    try {
        return parseJson(std::string_view(reinterpret_cast<const char *>(file->data()), file->size()));
    } catch (const JsonError &e) {
        throw FileError(path, "invalid JSON at line " + std::to_string(e.line()) + ", column " + std::to_string(e.column())
                                  + ": " + e.problem());
    }
}

std::string dumpJson(const Json &value, int indent)
{
    std::string pointer;
    checkFinite(value, pointer);
    return value.dump(indent < 0 ? -1 : indent, ' ', false, Json::error_handler_t::replace);
}

const char *jsonTypeName(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "a number";
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    case Json::value_t::binary: return "binary data";
    case Json::value_t::discarded: return "nothing";
    }
    return "nothing";
}

const Json *jsonMember(const Json &value, const std::string &key)
{
    if (!value.is_object())
        return nullptr;
    const auto it = value.find(key);
    return it == value.end() ? nullptr : &*it;
}

std::optional<std::int64_t> exactInt64(const Json &value)
{
    if (value.is_number_unsigned()) {
        const auto number = value.get<std::uint64_t>();
        if (number > static_cast<std::uint64_t>(INT64_MAX))
            return std::nullopt;
        return static_cast<std::int64_t>(number);
    }
    if (value.is_number_integer())
        return value.get<std::int64_t>();
    return std::nullopt;
}

std::int64_t jsonToInt64(const Json &value)
{
    if (const auto integer = exactInt64(value))
        return *integer;
    if (value.is_number_float()) {
        const double number = value.get<double>();
        // -2^63 is exact as a double, 2^63 is the first value past the range.
        constexpr double limit = 9223372036854775808.0;
        if (std::trunc(number) == number && number >= -limit && number < limit)
            return static_cast<std::int64_t>(number);
    }
    if (value.is_number())
        throw JsonError("Expected an integer JSON value, found the number " + value.dump() + ".");
    throw JsonError(std::string("Expected an integer JSON value, found ") + jsonTypeName(value) + ".");
}

} // namespace geolens
