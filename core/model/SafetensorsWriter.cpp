#include "model/SafetensorsWriter.h"

#include "model/SafetensorsFormat.h"
#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonIo.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

#include <unistd.h>

namespace geolens {

namespace fs = std::filesystem;

namespace {

using safetensors::MaxHeaderBytes;
using safetensors::byteCount;
using safetensors::describeShape;
using safetensors::quoted;

std::string littleEndian64(std::uint64_t value)
{
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
    return bytes;
}

// Checked before a byte is written, so a bad tensor near the end of a multi-gigabyte export does
// not cost the whole write first.
void checkTensors(const std::vector<TensorBytes> &tensors)
{
    std::set<std::string> names;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const TensorBytes &t = tensors[i];
        if (t.name.empty())
            throw InvalidArgument("Tensor " + std::to_string(i + 1) + " of " + std::to_string(tensors.size())
                                  + " to write has an empty name; every tensor of a safetensors file needs one.");
        if (t.name == "__metadata__")
            throw InvalidArgument("A tensor cannot be named \"__metadata__\": safetensors reserves that name for "
                                  "the file's metadata.");
        if (!names.insert(t.name).second)
            throw InvalidArgument("Tensor " + quoted(t.name)
                                  + " is given twice; the names in a safetensors file must be unique.");
        for (std::int64_t dim : t.shape)
            if (dim < 0)
                throw InvalidArgument("Tensor " + quoted(t.name) + " has the shape " + describeShape(t.shape)
                                      + ", which has a negative dimension.");
        // The reader's own count, so that what is written reads back.
        const std::optional<std::uint64_t> bytes = byteCount(dtypeSize(t.dtype), t.shape);
        if (!bytes)
            throw InvalidArgument("Tensor " + quoted(t.name) + " has the shape " + describeShape(t.shape)
                                  + ", more elements than any file holds.");
        const std::uint64_t needed = *bytes;
        if (t.size != needed)
            throw InvalidArgument("Tensor " + quoted(t.name) + " has " + std::to_string(t.size)
                                  + " bytes, but its shape " + describeShape(t.shape) + " of " + dtypeName(t.dtype)
                                  + " needs " + std::to_string(needed) + " bytes.");
        if (t.size > 0 && !t.data)
            throw InvalidArgument("Tensor " + quoted(t.name) + " has " + std::to_string(t.size)
                                  + " bytes but no data to write.");
    }
}

// The header text, padded so that the data region starts 8-byte aligned as the format asks.
std::string headerFor(const std::vector<TensorBytes> &tensors, const std::map<std::string, std::string> &metadata)
{
    Json header = Json::object();
    if (!metadata.empty()) {
        Json strings = Json::object();
        for (const auto &item : metadata)
            strings[item.first] = item.second;
        header["__metadata__"] = std::move(strings);
    }
    std::uint64_t offset = 0;
    for (const TensorBytes &t : tensors) {
        Json entry = Json::object();
        entry["dtype"] = dtypeName(t.dtype);
        entry["shape"] = t.shape;
        entry["data_offsets"] = {offset, offset + t.size};
        header[t.name] = std::move(entry);
        offset += t.size;
    }
    std::string text = dumpJson(header);
    text.append((8 - text.size() % 8) % 8, ' ');
    if (text.size() > MaxHeaderBytes)
        throw InvalidArgument("The safetensors header for these " + std::to_string(tensors.size()) + " tensors takes "
                              + std::to_string(text.size()) + " bytes, more than the 100 MB a reader accepts.");
    return text;
}

// Appends the tensors' bytes to the file AtomicFile has begun, one tensor at a time, so that
// memory holds no more than the tensors the caller already has.
void appendTensors(const AtomicFile &file, const std::vector<TensorBytes> &tensors)
{
    std::FILE *stream = std::fopen(file.temporaryPath().c_str(), "ab");
    if (!stream)
        throw FileError(file.path(), std::string("cannot write file: ") + std::strerror(errno));
    bool ok = true;
    for (const TensorBytes &t : tensors) {
        if (t.size > 0 && std::fwrite(t.data, 1, t.size, stream) != t.size) {
            ok = false;
            break;
        }
    }
    // A full disk may only show when the buffered tail is flushed or synced.
    ok = ok && std::fflush(stream) == 0 && ::fsync(::fileno(stream)) == 0;
    const int writeErrno = errno;
    const bool closed = std::fclose(stream) == 0;
    if (!ok || !closed)
        throw FileError(file.path(), std::string("cannot write file: ") + std::strerror(ok ? errno : writeErrno));
}

void writeChecked(const std::string &path, const std::vector<TensorBytes> &tensors,
                  const std::map<std::string, std::string> &metadata)
{
    const std::string header = headerFor(tensors, metadata);
    AtomicFile file(path);
    file.write(littleEndian64(header.size()) + header);
    appendTensors(file, tensors);
    file.commit();
}

std::string shardName(const std::string &baseName, std::size_t index, std::size_t count)
{
    char numbers[64];
    std::snprintf(numbers, sizeof numbers, "-%05zu-of-%05zu", index, count);
    return baseName + numbers + ".safetensors";
}

} // namespace

TensorBytes TensorBytes::view(std::string name, DType dtype, std::vector<std::int64_t> shape, const void *data,
                              std::uint64_t size, std::shared_ptr<const void> owner)
{
    TensorBytes t;
    t.name = std::move(name);
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.data = data;
    t.size = size;
    t.owner = std::move(owner);
    return t;
}

TensorBytes TensorBytes::owning(std::string name, DType dtype, std::vector<std::int64_t> shape, std::string bytes)
{
    auto held = std::make_shared<const std::string>(std::move(bytes));
    return view(std::move(name), dtype, std::move(shape), held->data(), held->size(), held);
}

void writeSafetensors(const std::string &path, const std::vector<TensorBytes> &tensors,
                      const std::map<std::string, std::string> &metadata)
{
    checkTensors(tensors);
    writeChecked(path, tensors, metadata);
}

std::vector<std::string> writeShardedSafetensors(const std::string &folder, const std::vector<TensorBytes> &tensors,
                                                 std::uint64_t maxShardBytes, const std::string &baseName)
{
    if (maxShardBytes == 0)
        throw InvalidArgument("The largest shard size must be at least one byte.");
    if (baseName.empty() || baseName.find('/') != std::string::npos)
        throw InvalidArgument("The checkpoint file name " + quoted(baseName)
                              + " must be a plain, non-empty file name.");
    checkTensors(tensors);

    std::error_code error;
    fs::create_directories(folder, error);
    if (error || !fs::is_directory(folder))
        throw FileError(folder, "cannot create the model folder: "
                                    + (error ? error.message() : std::string("a file of that name exists")));

    // Greedy, in order, as transformers shards: a tensor that would overflow the current shard
    // starts the next one.
    std::vector<std::vector<TensorBytes>> shards(1);
    std::uint64_t shardBytes = 0;
    std::uint64_t totalBytes = 0;
    for (const TensorBytes &t : tensors) {
        if (!shards.back().empty() && shardBytes + t.size > maxShardBytes) {
            shards.emplace_back();
            shardBytes = 0;
        }
        shards.back().push_back(t);
        shardBytes += t.size;
        totalBytes += t.size;
    }

    // transformers refuses to load a safetensors file whose metadata does not name its framework.
    const std::map<std::string, std::string> metadata = {{"format", "pt"}};
    const fs::path dir(folder);
    const std::string indexPath = (dir / (baseName + ".safetensors.index.json")).string();
    if (shards.size() == 1) {
        const std::string path = (dir / (baseName + ".safetensors")).string();
        writeChecked(path, tensors, metadata);
        // The loader prefers an index to the single file, so one left from an earlier export
        // would load the old model in place of this one.
        fs::remove(indexPath, error);
        if (error)
            throw FileError(indexPath, "cannot remove the index of an earlier checkpoint, which would be loaded "
                                       "in place of "
                                           + path + ": " + error.message());
        return {path};
    }

    std::vector<std::string> written;
    std::vector<std::pair<std::string, std::string>> shardOfTensor;
    for (std::size_t i = 0; i < shards.size(); ++i) {
        const std::string name = shardName(baseName, i + 1, shards.size());
        const std::string path = (dir / name).string();
        writeChecked(path, shards[i], metadata);
        written.push_back(path);
        for (const TensorBytes &t : shards[i])
            shardOfTensor.emplace_back(t.name, name);
    }
    // Sorted like transformers' index, so exports of the same model compare equal.
    std::sort(shardOfTensor.begin(), shardOfTensor.end());
    Json weightMap = Json::object();
    for (auto &[tensor, shard] : shardOfTensor)
        weightMap[tensor] = std::move(shard);
    Json index = Json::object();
    index["metadata"] = {{"total_size", totalBytes}};
    index["weight_map"] = std::move(weightMap);
    // Written last, so the index never names a shard that is not complete.
    writeFileAtomically(indexPath, dumpJson(index, 2) + "\n");
    written.push_back(indexPath);
    return written;
}

} // namespace geolens
