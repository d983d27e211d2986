#include "model/SafetensorsReader.h"

#include "model/SafetensorsFormat.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "common/MappedFile.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <vector>

namespace geolens {

namespace {

using safetensors::MaxHeaderBytes;
using safetensors::byteCount;
using safetensors::describeShape;
using safetensors::quoted;

std::uint64_t readLittleEndian64(const std::uint8_t *bytes)
{
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8) | bytes[i];
    return value;
}

// Where one tensor's bytes lie in the data region, for the overlap check.
struct ByteRange {
    std::uint64_t begin;
    std::uint64_t end;
    const std::string *name;
};

class HeaderReader {
public:
    HeaderReader(const std::string &path, std::uint64_t dataSize) : path_(path), dataSize_(dataSize) {}

    [[noreturn]] void fail(const std::string &problem) const { throw FileError(path_, problem); }

    [[noreturn]] void failTensor(const std::string &name, const std::string &problem) const
    {
        fail("tensor " + quoted(name) + " " + problem);
    }

    DType readDType(const std::string &name, const Json &entry) const
    {
        const Json *dtype = jsonMember(entry, "dtype");
        if (!dtype || !dtype->is_string())
            failTensor(name, "has no \"dtype\" string in the header.");
        const std::string &dtypeText = dtype->get_ref<const std::string &>();
        const std::optional<DType> type = dtypeFromName(dtypeText);
        if (!type)
            failTensor(name, "has the unknown dtype " + quoted(dtypeText) + ".");
        return *type;
    }

    std::vector<std::int64_t> readShape(const std::string &name, const Json &entry) const
    {
        const Json *shape = jsonMember(entry, "shape");
        if (!shape || !shape->is_array())
            failTensor(name, "has no \"shape\" list of non-negative integers in the header.");
        std::vector<std::int64_t> dims;
        for (const Json &dim : *shape) {
            const std::optional<std::int64_t> size = exactInt64(dim);
            if (!size || *size < 0)
                failTensor(name, "has a \"shape\" that is not a list of non-negative integers: " + dumpJson(*shape)
                                     + ".");
            dims.push_back(*size);
        }
        return dims;
    }

    ByteRange readOffsets(const std::string &name, const Json &entry) const
    {
        const Json *offsets = jsonMember(entry, "data_offsets");
        std::optional<std::int64_t> first, last;
        if (offsets && offsets->is_array() && offsets->size() == 2) {
            first = exactInt64((*offsets)[0]);
            last = exactInt64((*offsets)[1]);
        }
        const bool wellFormed = first && last && *first >= 0 && *first <= *last;
        if (!wellFormed)
            failTensor(name, "needs \"data_offsets\" of two integers [begin, end] with 0 <= begin <= end; found "
                                 + (offsets ? dumpJson(*offsets) : std::string("none")) + ".");
        const auto begin = static_cast<std::uint64_t>(*first);
        const auto end = static_cast<std::uint64_t>(*last);
        if (end > dataSize_)
            failTensor(name, "ends at byte " + std::to_string(end) + " of the data region, which holds only "
                                 + std::to_string(dataSize_) + " bytes; the file is truncated.");
        return {begin, end, &name};
    }

    void checkByteCount(const std::string &name, DType dtype, const std::vector<std::int64_t> &shape,
                        const ByteRange &range) const
    {
        const std::optional<std::uint64_t> bytes = byteCount(dtypeSize(dtype), shape);
        if (!bytes)
            failTensor(name, "has the shape " + describeShape(shape) + ", more elements than any file holds.");
        if (range.end - range.begin != *bytes)
            failTensor(name, "has " + std::to_string(range.end - range.begin) + " bytes of data, but its shape "
                                 + describeShape(shape) + " of " + dtypeName(dtype) + " needs "
                                 + std::to_string(*bytes) + " bytes.");
    }

    void checkNoOverlap(std::vector<ByteRange> ranges) const
    {
        std::sort(ranges.begin(), ranges.end(), [](const ByteRange &a, const ByteRange &b) {
            return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
        });
        const ByteRange *furthest = nullptr; // of the ranges so far, the one reaching furthest
        for (const ByteRange &range : ranges) {
            if (range.begin == range.end)
                continue; // an empty tensor occupies no bytes
            if (furthest && range.begin < furthest->end)
                fail("tensors " + quoted(*furthest->name) + " and " + quoted(*range.name)
                     + " overlap in the data region.");
            if (!furthest || range.end > furthest->end)
                furthest = &range;
        }
    }

private:
    const std::string &path_;
    std::uint64_t dataSize_;
};

} // namespace

TensorMap readSafetensors(const std::string &path)
{
    const std::shared_ptr<const MappedFile> file = MappedFile::open(path);
    if (file->size() < 8)
        throw FileError(path, "is too short to be a safetensors file (" + std::to_string(file->size())
                                  + " bytes); it must start with an 8-byte header length.");
    const std::uint64_t headerSize = readLittleEndian64(file->data());
    if (headerSize > MaxHeaderBytes)
        throw FileError(path, "is not a safetensors file: its header length of " + std::to_string(headerSize)
                                  + " bytes exceeds the limit of 100 MB.");
    if (headerSize > file->size() - 8)
        throw FileError(path, "is truncated or not a safetensors file: its header length of "
                                  + std::to_string(headerSize) + " bytes exceeds the "
                                  + std::to_string(file->size() - 8) + " bytes that follow it.");

    Json header;
    try {
        header = parseJson(std::string_view(reinterpret_cast<const char *>(file->data() + 8), headerSize));
    } catch (const JsonError &e) {
        throw FileError(path, "the safetensors header is not valid JSON (line " + std::to_string(e.line())
                                  + ", column " + std::to_string(e.column()) + "): " + e.problem());
    }
    if (!header.is_object())
        throw FileError(path, std::string("the safetensors header is ") + jsonTypeName(header)
                                  + ", not a JSON object.");

    const std::uint64_t dataStart = 8 + headerSize;
    const HeaderReader reader(path, file->size() - dataStart);
    TensorMap tensors;
    std::vector<ByteRange> ranges;
    for (const auto &[name, description] : header.items()) {
        if (name == "__metadata__")
            continue; // free-form strings about the checkpoint, nothing the tensors depend on
        if (!description.is_object())
            reader.failTensor(name, std::string("is described by ") + jsonTypeName(description)
                                        + " in the header, not an object.");
        TensorInfo tensor;
        tensor.name = name;
        tensor.dtype = reader.readDType(name, description);
        tensor.shape = reader.readShape(name, description);
        const ByteRange range = reader.readOffsets(name, description);
        reader.checkByteCount(name, tensor.dtype, tensor.shape, range);
        tensor.strides = contiguousStrides(tensor.shape);
        tensor.file = file;
        tensor.offset = dataStart + range.begin;
        ranges.push_back(range);
        tensors.emplace(name, std::move(tensor));
    }
    reader.checkNoOverlap(std::move(ranges));
    return tensors;
}

std::filesystem::path shardBesideIndex(const std::string &indexPath, const std::string &tensor,
                                       const std::string &shardName)
{
    // A shard is a file beside the index; a name reaching elsewhere is not a checkpoint's.
    const std::filesystem::path relative(shardName);
    const bool outside = shardName.empty() || relative.is_absolute() ||
                         std::any_of(relative.begin(), relative.end(),
                                     [](const std::filesystem::path &part) { return part == ".."; });
    if (outside)
        throw FileError(indexPath, "the weight_map puts tensor " + quoted(tensor) + " in the shard " + quoted(shardName) +
                                       ", which is not a file in the index's folder.");
    return std::filesystem::path(indexPath).parent_path() / relative;
}

TensorMap readSafetensorsIndex(const std::string &indexPath)
{
    const Json index = readJsonFile(indexPath);
    const Json *weightMap = jsonMember(index, "weight_map");
    if (!weightMap || !weightMap->is_object())
        throw FileError(indexPath, "has no \"weight_map\" object naming the shard of each tensor.");

    std::map<std::string, TensorMap> shards; // by shard file name, each read once
    TensorMap tensors;
    for (const auto &[name, entry] : weightMap->items()) {
        if (!entry.is_string())
            throw FileError(indexPath, "the weight_map entry of tensor " + quoted(name) + " is "
                                           + jsonTypeName(entry) + ", not a shard file name.");
        const std::string &shardName = entry.get_ref<const std::string &>();
        const std::filesystem::path shardPath = shardBesideIndex(indexPath, name, shardName);
        auto shard = shards.find(shardName);
        if (shard == shards.end())
            shard = shards.emplace(shardName, readSafetensors(shardPath.string())).first;
        const auto tensor = shard->second.find(name);
        if (tensor == shard->second.end())
            throw FileError(shardPath.string(),
                            "does not contain tensor " + quoted(name) + ", which the weight_map of " + indexPath
                                + " says it holds.");
        tensors.emplace(name, tensor->second);
    }
    return tensors;
}

} // namespace geolens
