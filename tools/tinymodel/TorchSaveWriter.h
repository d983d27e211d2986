#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace geolens::test {

// Writes checkpoints exactly as torch.save writes them (the zip format of PyTorch 1.6 and later),
// so tests and tiny models need no Python: an archive with FOLDER/data.pkl (a protocol 2 pickle,
// byte for byte what CPython's pickler produces with torch's persistent ids), FOLDER/byteorder,
// one FOLDER/data/KEY entry per storage, FOLDER/version and FOLDER/.data/serialization_id.

// Element types of a storage, by the torch storage class that holds them (torch.HalfStorage...).
enum class TorchDType { F16, BF16, F32, F64, I64, I32, I16, I8, U8, Bool };

std::size_t torchDTypeSize(TorchDType type);

// One tensor of a state dict: contiguous, row-major, its elements as raw little-endian bytes.
struct TorchSaveTensor {
    std::string name;
    TorchDType dtype = TorchDType::F32;
    std::vector<std::int64_t> shape; // empty for a 0-dim tensor
    std::string bytes;
};

struct TorchSaveOptions {
    // The folder all entries lie in: "archive" now; older torch.save named it after the file.
    std::string folder = "archive";
    // The content of the byteorder record; empty writes none, as PyTorch before 2.1 did.
    std::string byteorder = "little";
    // The content of the .data/serialization_id record; empty writes none, as older versions did.
    std::string serializationId = "1234567890123456789012345678901234567890";
    // Pads every entry so its data starts at a multiple of 64 bytes, as torch.save does, so the
    // storages can be memory-mapped and used in place.
    bool alignData = true;
    // ZIP64 records and extra fields even for a small archive; torch.save writes them only when
    // an archive passes 4 GB, which a test cannot afford to write.
    bool zip64 = false;
    std::string comment; // the archive comment
};

// Writes torch.save(OrderedDict(tensors)) to path, one storage per tensor with keys "0", "1"...
// in order, atomically: the archive is written under a temporary name and renamed into place.
// Throws InvalidArgument when a tensor's bytes do not match its dtype and shape or a name
// repeats, FileError when the file cannot be written.
void writeTorchSave(const std::string &path, const std::vector<TorchSaveTensor> &tensors,
                    const TorchSaveOptions &options = {});

// ---------------------------------------------------------------------------------------------
// The pieces writeTorchSave is made of, for tests that need a checkpoint no writer of the state
// dict above produces: views sharing a storage, strides, parameters, storages that disagree with
// the pickle, hand-written pickles, damaged archives.

// A storage: the entry data/KEY. numel is what the pickle claims and may disagree with the bytes.
struct TorchStorage {
    std::string key;
    TorchDType dtype = TorchDType::F32;
    std::int64_t numel = 0;
    std::string bytes;
};

// A tensor of the state dict as a view of a storage. A storage key that no TorchStorage has is
// written as a one-element FloatStorage that the archive lacks.
struct TorchTensorView {
    std::string name;
    std::string storageKey;
    std::int64_t storageOffset = 0; // in elements
    std::vector<std::int64_t> shape;
    std::vector<std::int64_t> stride; // in elements
    bool parameter = false;           // an nn.Parameter, wrapped by torch._utils._rebuild_parameter
};

struct TorchStateDict {
    std::vector<TorchStorage> storages; // in the order torch.save first meets them
    std::vector<TorchTensorView> tensors;
    // The _metadata attribute that Module.state_dict() sets, written by BUILD as
    // {'_metadata': OrderedDict([('', {'version': 1}), ('layer', {'version': 1})])}.
    bool moduleMetadata = false;
};

// The data.pkl torch.save writes for the state dict.
std::string torchSavePickle(const TorchStateDict &stateDict);

// The archive torch.save writes around a pickle (normally torchSavePickle(stateDict)), with the
// storages of stateDict as its data entries.
std::string torchSaveArchive(const TorchStateDict &stateDict, const std::string &pickle,
                             const TorchSaveOptions &options = {});

// A zip entry, stored uncompressed whatever method says: a test can claim a compression method
// to check that a reader refuses it.
struct ZipMember {
    static constexpr std::uint16_t StoredMethod = 0;
    static constexpr std::uint16_t DeflateMethod = 8;

    std::string name;
    std::string data;
    std::uint16_t method = StoredMethod;
};

struct ZipWriteOptions {
    bool zip64 = false;     // as TorchSaveOptions::zip64
    bool alignData = false; // as TorchSaveOptions::alignData, by a padding field in the local header only
    std::string comment;
};

// A zip archive as PyTorch's writer lays one out: local headers and data in order, then the
// central directory (and with zip64 the ZIP64 end records), then the end record.
std::string zipArchive(const std::vector<ZipMember> &members, const ZipWriteOptions &options = {});

// The same archive handed to sink piece by piece, entry after entry, so that an archive larger
// than memory can be written.
class ZipStreamWriter {
public:
    ZipStreamWriter(std::function<void(const std::string &)> sink, ZipWriteOptions options);
    void add(const std::string &name, const std::string &data, std::uint16_t method = ZipMember::StoredMethod);
    // The central directory and end records; nothing may be added after.
    void finish();

private:
    struct Entry {
        std::string name;
        std::uint16_t method;
        std::uint32_t crc;
        std::uint64_t size;
        std::uint64_t localOffset;
    };
    void emit(const std::string &bytes);

    std::function<void(const std::string &)> sink_;
    ZipWriteOptions options_;
    std::vector<Entry> entries_;
    std::uint64_t offset_ = 0;
};

// writeTorchSave for a checkpoint too large to hold in memory (a 7B model's shard): the tensors
// (without their bytes) are declared up front, as the pickle comes first in the archive, then
// their bytes are appended one tensor at a time, in order. finish() renames the file into place;
// a stream destroyed before it leaves nothing behind.
class TorchSaveStream {
public:
    TorchSaveStream(const std::string &path, const std::vector<TorchSaveTensor> &declared, TorchSaveOptions options = {});
    ~TorchSaveStream();
    void append(const std::string &bytes);
    void finish();

private:
    std::string path_, temporaryPath_;
    std::FILE *file_ = nullptr;
    std::string prefix_;
    TorchSaveOptions options_;
    std::vector<std::uint64_t> sizes_;
    std::size_t next_ = 0;
    std::unique_ptr<ZipStreamWriter> zip_;
};

} // namespace geolens::test
