#pragma once

// LibTorch archives on disk, written so that a full disk or a crash never leaves half a file in
// place. Internal to the distillation engine (includes LibTorch).

#include <torch/serialize/output-archive.h>

#include <string>

namespace geolens {

// Writes archive to path (replaced). LibTorch's own file writer threw again from its destructor on
// a full disk, which ended the process; this writer remembers the first failed write and throws
// FileError naming the file once LibTorch is done with it. The data is synced before it returns.
void saveArchive(torch::serialize::OutputArchive &archive, const std::string &path);
// The same under a temporary name beside path, renamed onto it once complete.
void saveArchiveAtomically(torch::serialize::OutputArchive &archive, const std::string &path);

} // namespace geolens
