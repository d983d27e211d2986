#pragma once

#include "common/MappedFile.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace geolens {

// Element types a checkpoint may store. The names are safetensors' (F16, BF16, F32...).
enum class DType { F16, BF16, F32, F64, I64, I32, I16, I8, U8, Bool };

std::size_t dtypeSize(DType type);
const char *dtypeName(DType type);
// Parses a safetensors dtype name ("F16", "BF16", ...); nothing for an unknown one.
std::optional<DType> dtypeFromName(const std::string &name);

// One tensor of a checkpoint, described without LibTorch: its element type, shape and strides (in
// elements) and where its first element lies in a memory-mapped file. The model engine wraps it
// in a torch tensor (from_blob, then a copy to the wanted device and dtype); tests read it directly.
struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::vector<std::int64_t> strides; // contiguous row-major unless the pickle says otherwise
    std::shared_ptr<const MappedFile> file;
    std::uint64_t offset = 0; // byte offset of element [0, 0, ...] in file

    std::int64_t numel() const;
    const std::uint8_t *data() const { return file->data() + offset; }
    // Bytes from offset to one past the last element reachable through shape and strides.
    std::uint64_t extentBytes() const;
};

// All tensors of a checkpoint (every shard), by name.
using TensorMap = std::map<std::string, TensorInfo>;

std::vector<std::int64_t> contiguousStrides(const std::vector<std::int64_t> &shape);

} // namespace geolens
