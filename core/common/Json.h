#pragma once

#include "common/Error.h"
#include "common/JsonIo.h" // JsonError

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace geolens {

enum class JsonType { Null, Bool, Number, String, Array, Object };

// One JSON value, from before nlohmann-json served the engine too. Superseded by Json and the
// functions of common/JsonIo.h; kept only while the distillation loop still uses it.
//
// Numbers written without a fraction or exponent that fit in int64 are kept as exact integers
// (tensor offsets in large checkpoints exceed what a double holds exactly); every other number
// is a double. Objects keep their members in the order they were read or set, and the parser
// refuses duplicate keys, so a member lookup never has two answers.
class JsonValue {
public:
    using Array = std::vector<JsonValue>;
    using Member = std::pair<std::string, JsonValue>;
    using Object = std::vector<Member>;

    // Deepest nesting of arrays and objects the parser accepts; bounds its recursion.
    static constexpr int MaxDepth = 512;

    JsonValue() = default;
    JsonValue(std::nullptr_t) {}
    JsonValue(bool value) : value_(value) {}
    JsonValue(double value) : value_(value) {}
    JsonValue(const char *value) : value_(std::string(value)) {}
    JsonValue(std::string value) : value_(std::move(value)) {}
    JsonValue(Array items) : value_(std::move(items)) {}
    JsonValue(Object members) : value_(std::move(members)) {}
    // Every integer type, so that JsonValue(3) is neither ambiguous nor a double. Throws
    // InvalidArgument for an unsigned value above the int64 range.
    template <typename Integer,
              std::enable_if_t<std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>, int> = 0>
    JsonValue(Integer value) : value_(checkedInt64(value))
    {
    }

    static JsonValue array() { return JsonValue(Array()); }
    static JsonValue object() { return JsonValue(Object()); }

    // Strict RFC 8259: one value, nothing after it but whitespace (a leading UTF-8 byte order
    // mark is skipped). Throws JsonError with the line and column of the first problem.
    static JsonValue parse(const std::string &text);
    static JsonValue parse(const char *text, std::size_t size);
    // Throws FileError naming the file when it cannot be read or does not hold valid JSON.
    static JsonValue parseFile(const std::string &path);

    JsonType type() const;
    // "null", "a boolean", "a number", "a string", "an array" or "an object", for messages.
    const char *typeName() const;
    bool isNull() const { return type() == JsonType::Null; }
    bool isBool() const { return type() == JsonType::Bool; }
    bool isNumber() const { return type() == JsonType::Number; }
    // A number held exactly as an int64 (written without fraction or exponent, or set as one).
    bool isInteger() const { return std::holds_alternative<std::int64_t>(value_); }
    bool isString() const { return type() == JsonType::String; }
    bool isArray() const { return type() == JsonType::Array; }
    bool isObject() const { return type() == JsonType::Object; }

    // Typed access; each throws JsonError naming the expected and the actual type.
    bool asBool() const;
    // Also accepts a double that holds a whole number within the int64 range, such as 1e3.
    std::int64_t asInt64() const;
    double asDouble() const;
    const std::string &asString() const;
    const Array &items() const;
    const Object &members() const;
    // Number of items of an array or members of an object.
    std::size_t size() const;

    // The member with this key, or nullptr when there is none. Throws if this is not an object.
    const JsonValue *find(const std::string &key) const;
    // Throws JsonError naming the key when the object has no such member.
    const JsonValue &at(const std::string &key) const;
    // Throws JsonError when the array has no such item.
    const JsonValue &at(std::size_t index) const;

    // Builders, returning *this so calls chain. set replaces an existing member in place.
    JsonValue &set(const std::string &key, JsonValue value);
    JsonValue &push(JsonValue value);

    // Compact with indent -1, otherwise one member or item per line indented by that many
    // spaces. Integers are written exactly and doubles in the shortest form that reads back to
    // the same double. Bytes of a string that are not valid UTF-8 are written as U+FFFD so the
    // output always is valid JSON. Throws JsonError for a NaN or infinite double.
    std::string dump(int indent = -1) const;

    // Same type and value; numbers compare by value whatever their representation, objects
    // compare without regard to member order.
    friend bool operator==(const JsonValue &a, const JsonValue &b);
    friend bool operator!=(const JsonValue &a, const JsonValue &b) { return !(a == b); }

private:
    template <typename Integer>
    static std::int64_t checkedInt64(Integer value)
    {
        if constexpr (std::is_unsigned_v<Integer> && sizeof(Integer) >= sizeof(std::int64_t)) {
            if (value > static_cast<std::uint64_t>(INT64_MAX))
                throw InvalidArgument("The integer " + std::to_string(value) + " is too large for a JSON value.");
        }
        return static_cast<std::int64_t>(value);
    }

    std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> value_;
};

} // namespace geolens
