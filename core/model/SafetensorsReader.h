#pragma once

#include "model/TensorInfo.h"

#include <filesystem>
#include <string>

namespace geolens {

// Reads a .safetensors file: an 8-byte little-endian header length, a JSON header describing each
// tensor, then the raw tensor bytes. The file is memory-mapped and the returned tensors point into
// the mapping, which they keep alive. The data of a tensor need not be aligned to its element size.
// Throws FileError naming the file, and the tensor where one is at fault, when the file is not a
// well-formed safetensors file (truncated, unknown dtype, sizes that do not add up, overlapping
// tensors...).
TensorMap readSafetensors(const std::string &path);

// Reads a sharded checkpoint through its model.safetensors.index.json, whose "weight_map" maps
// each tensor name to the shard file holding it (relative to the index's folder). Each shard is
// mapped once; only the tensors the weight_map lists are returned. Throws FileError naming the
// index, a missing shard, or a tensor its shard does not contain.
TensorMap readSafetensorsIndex(const std::string &indexPath);

// The path of a shard an index names for a tensor (safetensors' and pytorch_model.bin's indexes
// alike): a file in the index's folder or below it. Throws FileError for an empty, absolute or
// ".."-climbing name, so that an index never reads files outside its model folder.
std::filesystem::path shardBesideIndex(const std::string &indexPath, const std::string &tensor,
                                       const std::string &shardName);

} // namespace geolens
