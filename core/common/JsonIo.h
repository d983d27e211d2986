#pragma once

#include "common/Error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace geolens {

// The one JSON value type. Objects keep their members in the order they were read or set, so
// what GeoLens writes reads in a stable, meaningful order. Numbers written without fraction or
// exponent are exact integers (tensor offsets in large checkpoints exceed what a double holds).
using Json = nlohmann::ordered_json;

// Malformed JSON text, or a JSON value that cannot be written. Syntax errors carry the 1-based
// line and column (in characters) where the text went wrong; the other errors carry 0 for both.
class JsonError : public Error {
public:
    explicit JsonError(const std::string &message);
    // source names the text ("the review page"); empty for none.
    JsonError(const std::string &source, const std::string &problem, int line, int column);
    JsonError(const std::string &problem, int line, int column) : JsonError(std::string(), problem, line, column) {}

    int line() const { return line_; }
    int column() const { return column_; }
    // The message without the source and the position, for callers that add their own context.
    const std::string &problem() const { return problem_; }

private:
    std::string problem_;
    int line_ = 0;
    int column_ = 0;
};

// Deepest nesting of arrays and objects parseJson accepts; a bound on what a reader must hold.
constexpr int MaxJsonDepth = 512;

// Strict RFC 8259: one value, nothing after it but whitespace, no comments (a leading UTF-8 byte
// order mark is skipped). Refuses duplicate keys, so a member lookup never has two answers, and
// nesting deeper than MaxJsonDepth. Throws JsonError with the line and column of the first
// problem; its message starts with source when that is not empty.
Json parseJson(std::string_view text, const std::string &source = std::string());

// Throws FileError naming the file when it cannot be read or does not hold valid JSON (with the
// line and column of the problem).
Json readJsonFile(const std::string &path);

// Compact with indent -1, otherwise one member or item per line indented by that many spaces.
// Doubles are written in the shortest form that reads back to the same double. Bytes of a string
// that are not valid UTF-8 are written as U+FFFD, so the output always is valid JSON. Throws
// JsonError naming where it is for a NaN or infinite double, which JSON cannot represent (nlohmann
// alone would write null).
std::string dumpJson(const Json &value, int indent = -1);

// "null", "a boolean", "a number", "a string", "an array" or "an object", for messages.
const char *jsonTypeName(const Json &value);

// The member with this key, or nullptr when there is none or value is not an object.
const Json *jsonMember(const Json &value, const std::string &key);

// The value when it is a number written as an integer (no fraction, no exponent) that fits in
// int64; nullopt for anything else, including 1.0 and integers beyond the int64 range.
std::optional<std::int64_t> exactInt64(const Json &value);

// The number as an int64: an integer in range, or a double holding a whole number such as 1e3.
// Throws JsonError naming what it found otherwise.
std::int64_t jsonToInt64(const Json &value);

} // namespace geolens
