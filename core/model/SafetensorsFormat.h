#pragma once

// What the safetensors reader and writer agree on.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace geolens::safetensors {

// A real header is a few hundred kilobytes even for the largest models: anything larger means the
// first 8 bytes are not a header length, so the reader refuses it and the writer never makes one.
constexpr std::uint64_t MaxHeaderBytes = 100ull * 1024 * 1024;

// The bytes a tensor of this shape takes (no dimension may be negative), overflow-checked so that
// a shape claiming 2^70 elements cannot wrap around to a match; nothing when no file could hold it.
inline std::optional<std::uint64_t> byteCount(std::uint64_t elementSize, const std::vector<std::int64_t> &shape)
{
    std::uint64_t bytes = elementSize;
    for (std::int64_t dim : shape) {
        const auto d = static_cast<std::uint64_t>(dim);
        if (d != 0 && bytes > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / d)
            return std::nullopt;
        bytes *= d;
    }
    return bytes;
}

inline std::string quoted(const std::string &name)
{
    return "\"" + name + "\"";
}

inline std::string describeShape(const std::vector<std::int64_t> &shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

} // namespace geolens::safetensors
