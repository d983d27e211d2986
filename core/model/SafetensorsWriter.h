#pragma once

#include "model/TensorInfo.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace geolens {

// One tensor to write: its name, element type, shape and its elements as contiguous row-major
// bytes in native (little-endian) order. The bytes are referenced, not copied, because a trained
// model is gigabytes; owner keeps them alive for as long as the descriptor lives, so a caller can
// hand over e.g. a CPU copy of a LibTorch tensor without a second copy.
struct TensorBytes {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape; // empty for a 0-d scalar
    const void *data = nullptr;
    std::uint64_t size = 0; // in bytes
    std::shared_ptr<const void> owner;

    // Bytes that live elsewhere; owner (may be empty) keeps them alive.
    static TensorBytes view(std::string name, DType dtype, std::vector<std::int64_t> shape, const void *data,
                            std::uint64_t size, std::shared_ptr<const void> owner = {});
    // Takes the bytes over, for small tensors built in memory.
    static TensorBytes owning(std::string name, DType dtype, std::vector<std::int64_t> shape, std::string bytes);
};

// Writes a .safetensors file: an 8-byte little-endian header length, a JSON header giving each
// tensor's dtype, shape and data_offsets [begin, end) in the data region, plus "__metadata__"
// when metadata is not empty, padded with spaces to a multiple of 8 bytes, then the tensors'
// bytes back to back in the order given. The bytes are streamed to a temporary file in the same
// folder that is renamed onto path only once complete, so path never holds a partial file.
// Throws InvalidArgument naming the tensor for an empty, reserved or repeated name, a negative
// dimension, or a byte count that does not match the shape; FileError naming path when the file
// cannot be written (the temporary file is removed).
void writeSafetensors(const std::string &path, const std::vector<TensorBytes> &tensors,
                      const std::map<std::string, std::string> &metadata = {});

// Writes tensors as a model folder that readCheckpointFolder reads back. When the tensors' bytes
// fit in maxShardBytes, one file <baseName>.safetensors, and a stale <baseName>.safetensors.index.json
// is removed (the loader would prefer it). Otherwise shards <baseName>-00001-of-0000N.safetensors...
// filled in order, a new one started when the next tensor would take the current one past
// maxShardBytes (a tensor larger than the limit gets a shard of its own), and then
// <baseName>.safetensors.index.json with "metadata": {"total_size": bytes of all tensors} and a
// "weight_map" from each tensor to its shard, as transformers writes it. Sizes count tensor bytes
// only, as transformers' max_shard_size does. Creates folder if needed. Every tensor is checked
// before anything is written. Returns the paths written, the index last. Throws as
// writeSafetensors does, InvalidArgument for a limit of 0, and FileError naming the folder when
// it cannot be created.
std::vector<std::string> writeShardedSafetensors(const std::string &folder, const std::vector<TensorBytes> &tensors,
                                                 std::uint64_t maxShardBytes, const std::string &baseName = "model");

} // namespace geolens
