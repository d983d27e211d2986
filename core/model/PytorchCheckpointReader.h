#pragma once

#include "model/TensorInfo.h"

#include <string>

namespace geolens {

// Reads a checkpoint written by torch.save (the zip format of PyTorch 1.6 and later): a dict of
// tensors, such as one shard of a Hugging Face pytorch_model-0000N-of-0000M.bin. The tensors point
// into the memory-mapped file; nothing is copied.
//
// The pickle inside is interpreted by a restricted unpickler that never runs code: it builds only
// dicts, lists, tuples, numbers, strings and tensors, and refuses any global outside a short
// allowlist (OrderedDict, torch's tensor and parameter rebuild functions, the typed storage
// classes) before building anything. Entries of the top-level dict that are not tensors are
// skipped.
//
// Throws FileError naming the file for anything it cannot read: a legacy (pre-zip) torch.save
// file, a damaged or truncated archive, a compressed entry, big-endian data, a missing or too
// small storage, or a pickle that asks for something outside the allowlist.
TensorMap readPytorchCheckpoint(const std::string &path);

} // namespace geolens
