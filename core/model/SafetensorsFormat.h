#pragma once

// What the safetensors reader and writer agree on.

#include <cstdint>
#include <string>
#include <vector>

namespace geolens::safetensors {

// A real header is a few hundred kilobytes even for the largest models: anything larger means the
// first 8 bytes are not a header length, so the reader refuses it and the writer never makes one.
constexpr std::uint64_t MaxHeaderBytes = 100ull * 1024 * 1024;

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
