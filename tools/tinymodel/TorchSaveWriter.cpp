#include "TorchSaveWriter.h"

#include "common/AtomicFile.h"
#include "common/Error.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <set>

#include <unistd.h>

namespace geolens::test {

namespace {

void putLe(std::string &out, std::uint64_t value, int byteCount)
{
    for (int i = 0; i < byteCount; ++i)
        out.push_back(char((value >> (8 * i)) & 0xFF));
}

// ---------------------------------------------------------------------------------------------
// Zip

class Crc32 {
public:
    Crc32()
    {
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int bit = 0; bit < 8; ++bit)
                c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
            table_[i] = c;
        }
    }

    std::uint32_t of(const std::string &data) const
    {
        std::uint32_t crc = 0xFFFFFFFFu;
        for (char c : data)
            crc = (crc >> 8) ^ table_[(crc ^ std::uint8_t(c)) & 0xFFu];
        return ~crc;
    }

private:
    std::array<std::uint32_t, 256> table_{};
};

// ---------------------------------------------------------------------------------------------
// Pickle

namespace op {
constexpr std::uint8_t Mark = '(', Stop = '.', BinInt = 'J', BinInt1 = 'K', BinInt2 = 'M', BinPersId = 'Q',
                       Reduce = 'R', BinUnicode = 'X', Build = 'b', Global = 'c', EmptyDict = '}', BinGet = 'h',
                       LongBinGet = 'j', BinPut = 'q', LongBinPut = 'r', SetItem = 's', Tuple = 't',
                       EmptyTuple = ')', SetItems = 'u', Proto = 0x80, Tuple1 = 0x85, Tuple3 = 0x87,
                       NewTrue = 0x88, NewFalse = 0x89, Long1 = 0x8a;
}

// CPython's pickler writes dict items in batches of this many, each batch between MARK and
// SETITEMS (a lone item with SETITEM).
constexpr std::size_t PickleBatchSize = 1000;

// Writes single opcodes. Its memo mirrors CPython's, which stores every string, tuple, global and
// reduced object once (BINPUT) and fetches the same Python object again with BINGET.
class PickleWriter {
public:
    PickleWriter()
    {
        opcode(op::Proto);
        bytes_.push_back(char(2)); // torch.save's default protocol
    }

    void opcode(std::uint8_t code) { bytes_.push_back(char(code)); }

    // As CPython's save_long chooses the opcode.
    void integer(std::int64_t value)
    {
        if (value >= 0 && value < 256) {
            opcode(op::BinInt1);
            putLe(bytes_, std::uint64_t(value), 1);
        } else if (value >= 0 && value < 65536) {
            opcode(op::BinInt2);
            putLe(bytes_, std::uint64_t(value), 2);
        } else if (value >= -2147483648LL && value < 2147483648LL) {
            opcode(op::BinInt);
            putLe(bytes_, std::uint64_t(value), 4);
        } else {
            // the shortest little-endian two's complement form, as CPython's encode_long
            const auto bits = std::uint64_t(value);
            int byteCount = 8;
            while (byteCount > 1) {
                const auto top = std::uint8_t(bits >> (8 * (byteCount - 1)));
                const bool signBelow = (bits >> (8 * (byteCount - 1) - 1)) & 1;
                if (!((top == 0x00 && !signBelow) || (top == 0xFF && signBelow)))
                    break;
                --byteCount;
            }
            opcode(op::Long1);
            opcode(std::uint8_t(byteCount));
            putLe(bytes_, bits, byteCount);
        }
    }

    void unicode(const std::string &text)
    {
        opcode(op::BinUnicode);
        putLe(bytes_, text.size(), 4);
        bytes_ += text;
    }

    void global(const std::string &module, const std::string &name)
    {
        opcode(op::Global);
        bytes_ += module + "\n" + name + "\n";
    }

    // Memoizes the object just written.
    void put()
    {
        const std::uint64_t index = nextMemo_++;
        if (index < 256) {
            opcode(op::BinPut);
            putLe(bytes_, index, 1);
        } else {
            opcode(op::LongBinPut);
            putLe(bytes_, index, 4);
        }
    }

    // Writes an object once and memoizes it; the same identity later comes from the memo, as
    // CPython does for the same Python object ('cpu', a global, a storage key).
    void shared(const std::string &identity, const std::function<void()> &write)
    {
        const auto found = memo_.find(identity);
        if (found != memo_.end()) {
            if (found->second < 256) {
                opcode(op::BinGet);
                putLe(bytes_, found->second, 1);
            } else {
                opcode(op::LongBinGet);
                putLe(bytes_, found->second, 4);
            }
            return;
        }
        write();
        memo_[identity] = nextMemo_;
        put();
    }

    std::string finish()
    {
        opcode(op::Stop);
        return std::move(bytes_);
    }

private:
    std::string bytes_;
    std::uint64_t nextMemo_ = 0;
    std::map<std::string, std::uint64_t> memo_;
};

const char *storageClass(TorchDType type)
{
    switch (type) {
    case TorchDType::F16:
        return "HalfStorage";
    case TorchDType::BF16:
        return "BFloat16Storage";
    case TorchDType::F32:
        return "FloatStorage";
    case TorchDType::F64:
        return "DoubleStorage";
    case TorchDType::I64:
        return "LongStorage";
    case TorchDType::I32:
        return "IntStorage";
    case TorchDType::I16:
        return "ShortStorage";
    case TorchDType::I8:
        return "CharStorage";
    case TorchDType::U8:
        return "ByteStorage";
    case TorchDType::Bool:
        return "BoolStorage";
    }
    throw InvalidArgument("Unknown tensor element type.");
}

void emitEmptyOrderedDict(PickleWriter &w)
{
    w.shared("collections.OrderedDict", [&] { w.global("collections", "OrderedDict"); });
    w.opcode(op::EmptyTuple);
    w.opcode(op::Reduce);
    w.put();
}

// A tuple of ints as CPython writes one with protocol 2.
void emitIntTuple(PickleWriter &w, const std::vector<std::int64_t> &items)
{
    if (items.empty()) {
        w.opcode(op::EmptyTuple); // the empty tuple is a singleton and never memoized
        return;
    }
    if (items.size() > 3)
        w.opcode(op::Mark);
    for (std::int64_t item : items)
        w.integer(item);
    w.opcode(items.size() > 3 ? op::Tuple : std::uint8_t(op::Tuple1 + items.size() - 1));
    w.put();
}

// Tensor.__reduce_ex__: _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks),
// the storage as the persistent id ('storage', torch.XStorage, key, 'cpu', numel).
void emitTensor(PickleWriter &w, const TorchStorage &storage, const TorchTensorView &tensor)
{
    const std::string type = storageClass(storage.dtype);
    w.shared("torch._utils._rebuild_tensor_v2", [&] { w.global("torch._utils", "_rebuild_tensor_v2"); });
    w.opcode(op::Mark);
    w.opcode(op::Mark);
    w.shared("'storage'", [&] { w.unicode("storage"); });
    w.shared("torch." + type, [&] { w.global("torch", type); });
    w.shared("key " + storage.key, [&] { w.unicode(storage.key); });
    w.shared("'cpu'", [&] { w.unicode("cpu"); });
    w.integer(storage.numel);
    w.opcode(op::Tuple);
    w.put();
    w.opcode(op::BinPersId);
    w.integer(tensor.storageOffset);
    emitIntTuple(w, tensor.shape);
    emitIntTuple(w, tensor.stride);
    w.opcode(op::NewFalse);
    emitEmptyOrderedDict(w);
    w.opcode(op::Tuple);
    w.put();
    w.opcode(op::Reduce);
    w.put();
}

// Parameter.__reduce_ex__: _rebuild_parameter(data, requires_grad, OrderedDict()).
void emitParameter(PickleWriter &w, const TorchStorage &storage, const TorchTensorView &tensor)
{
    w.shared("torch._utils._rebuild_parameter", [&] { w.global("torch._utils", "_rebuild_parameter"); });
    emitTensor(w, storage, tensor);
    w.opcode(op::NewTrue);
    emitEmptyOrderedDict(w);
    w.opcode(op::Tuple3);
    w.put();
    w.opcode(op::Reduce);
    w.put();
}

void emitModuleMetadata(PickleWriter &w)
{
    w.opcode(op::EmptyDict);
    w.put();
    w.unicode("_metadata");
    w.put();
    emitEmptyOrderedDict(w);
    w.opcode(op::Mark);
    for (const char *module : {"", "layer"}) {
        w.unicode(module);
        w.put();
        w.opcode(op::EmptyDict);
        w.put();
        w.shared("'version'", [&] { w.unicode("version"); });
        w.integer(1);
        w.opcode(op::SetItem);
    }
    w.opcode(op::SetItems);
    w.opcode(op::SetItem);
    w.opcode(op::Build);
}

std::int64_t elementCount(const std::vector<std::int64_t> &shape)
{
    std::int64_t n = 1;
    for (std::int64_t d : shape)
        n *= d;
    return n;
}

std::vector<std::int64_t> rowMajorStrides(const std::vector<std::int64_t> &shape)
{
    std::vector<std::int64_t> strides(shape.size(), 1);
    for (std::size_t i = shape.size(); i > 1; --i)
        strides[i - 2] = strides[i - 1] * shape[i - 1];
    return strides;
}

} // namespace

std::size_t torchDTypeSize(TorchDType type)
{
    switch (type) {
    case TorchDType::F64:
    case TorchDType::I64:
        return 8;
    case TorchDType::F32:
    case TorchDType::I32:
        return 4;
    case TorchDType::F16:
    case TorchDType::BF16:
    case TorchDType::I16:
        return 2;
    case TorchDType::I8:
    case TorchDType::U8:
    case TorchDType::Bool:
        return 1;
    }
    throw InvalidArgument("Unknown tensor element type.");
}

ZipStreamWriter::ZipStreamWriter(std::function<void(const std::string &)> sink, ZipWriteOptions options)
    : sink_(std::move(sink)), options_(std::move(options))
{
}

void ZipStreamWriter::emit(const std::string &bytes)
{
    sink_(bytes);
    offset_ += bytes.size();
}

void ZipStreamWriter::add(const std::string &name, const std::string &data, std::uint16_t method)
{
    const std::uint32_t Max32 = 0xFFFFFFFFu;
    const std::uint16_t version = options_.zip64 ? 45 : 20; // the version ZIP64 records need, or 2.0
    Entry entry{name, method, Crc32().of(data), data.size(), offset_};
    std::string extra;
    if (options_.zip64) {
        putLe(extra, 0x0001, 2);
        putLe(extra, 16, 2);
        putLe(extra, data.size(), 8);
        putLe(extra, data.size(), 8);
    }
    if (options_.alignData) {
        // PyTorch's padding field: id "FB", then 'Z's up to the next multiple of 64.
        const std::uint64_t unpadded = offset_ + 30 + name.size() + extra.size() + 4;
        const std::uint64_t padding = (64 - unpadded % 64) % 64;
        putLe(extra, 0x4246, 2);
        putLe(extra, padding, 2);
        extra.append(padding, 'Z');
    }
    std::string header;
    putLe(header, 0x04034b50, 4);
    putLe(header, version, 2);
    putLe(header, 0, 2); // flags
    putLe(header, method, 2);
    putLe(header, 0, 4); // time, date
    putLe(header, entry.crc, 4);
    putLe(header, options_.zip64 ? Max32 : data.size(), 4);
    putLe(header, options_.zip64 ? Max32 : data.size(), 4);
    putLe(header, name.size(), 2);
    putLe(header, extra.size(), 2);
    header += name;
    header += extra;
    emit(header);
    emit(data);
    entries_.push_back(std::move(entry));
}

void ZipStreamWriter::finish()
{
    const std::uint32_t Max32 = 0xFFFFFFFFu;
    const std::uint16_t version = options_.zip64 ? 45 : 20;
    std::string out;
    const std::uint64_t directoryOffset = offset_;
    for (const Entry &e : entries_) {
        std::string extra;
        if (options_.zip64) {
            putLe(extra, 0x0001, 2);
            putLe(extra, 24, 2);
            putLe(extra, e.size, 8);
            putLe(extra, e.size, 8);
            putLe(extra, e.localOffset, 8);
        }
        putLe(out, 0x02014b50, 4);
        putLe(out, version, 2); // made by
        putLe(out, version, 2); // needed to extract
        putLe(out, 0, 2);
        putLe(out, e.method, 2);
        putLe(out, 0, 4);
        putLe(out, e.crc, 4);
        putLe(out, options_.zip64 ? Max32 : e.size, 4);
        putLe(out, options_.zip64 ? Max32 : e.size, 4);
        putLe(out, e.name.size(), 2);
        putLe(out, extra.size(), 2);
        putLe(out, 0, 2); // comment
        putLe(out, 0, 2); // disk
        putLe(out, 0, 2); // internal attributes
        putLe(out, 0, 4); // external attributes
        putLe(out, options_.zip64 ? Max32 : e.localOffset, 4);
        out += e.name;
        out += extra;
    }
    const std::uint64_t directorySize = out.size();

    if (options_.zip64) {
        const std::uint64_t recordOffset = directoryOffset + out.size();
        putLe(out, 0x06064b50, 4);
        putLe(out, 44, 8); // size of the rest of the record
        putLe(out, 45, 2);
        putLe(out, 45, 2);
        putLe(out, 0, 4);
        putLe(out, 0, 4);
        putLe(out, entries_.size(), 8);
        putLe(out, entries_.size(), 8);
        putLe(out, directorySize, 8);
        putLe(out, directoryOffset, 8);
        putLe(out, 0x07064b50, 4); // the locator of the record above
        putLe(out, 0, 4);
        putLe(out, recordOffset, 8);
        putLe(out, 1, 4);
    }
    putLe(out, 0x06054b50, 4);
    putLe(out, 0, 2);
    putLe(out, 0, 2);
    putLe(out, options_.zip64 ? 0xFFFF : entries_.size(), 2);
    putLe(out, options_.zip64 ? 0xFFFF : entries_.size(), 2);
    putLe(out, options_.zip64 ? Max32 : directorySize, 4);
    putLe(out, options_.zip64 ? Max32 : directoryOffset, 4);
    putLe(out, options_.comment.size(), 2);
    out += options_.comment;
    emit(out);
}

std::string zipArchive(const std::vector<ZipMember> &members, const ZipWriteOptions &options)
{
    std::string out;
    ZipStreamWriter writer([&out](const std::string &bytes) { out += bytes; }, options);
    for (const ZipMember &m : members)
        writer.add(m.name, m.data, m.method);
    writer.finish();
    return out;
}

// torch.save (protocol 2) pickles an OrderedDict of tensors as OrderedDict() by REDUCE, its items
// by SETITEMS, then the instance state by BUILD.
std::string torchSavePickle(const TorchStateDict &stateDict)
{
    std::map<std::string, const TorchStorage *> storages;
    for (const TorchStorage &storage : stateDict.storages)
        storages.emplace(storage.key, &storage);
    PickleWriter w;
    emitEmptyOrderedDict(w);
    const std::vector<TorchTensorView> &tensors = stateDict.tensors;
    for (std::size_t begin = 0; begin < tensors.size(); begin += PickleBatchSize) {
        const std::size_t end = std::min(tensors.size(), begin + PickleBatchSize);
        if (end - begin > 1)
            w.opcode(op::Mark);
        for (std::size_t i = begin; i < end; ++i) {
            const TorchTensorView &tensor = tensors[i];
            const auto found = storages.find(tensor.storageKey);
            const TorchStorage missing{tensor.storageKey, TorchDType::F32, 1, {}};
            const TorchStorage &storage = found != storages.end() ? *found->second : missing;
            w.unicode(tensor.name);
            w.put();
            if (tensor.parameter)
                emitParameter(w, storage, tensor);
            else
                emitTensor(w, storage, tensor);
        }
        w.opcode(end - begin > 1 ? op::SetItems : op::SetItem);
    }
    if (stateDict.moduleMetadata)
        emitModuleMetadata(w);
    return w.finish();
}

std::string torchSaveArchive(const TorchStateDict &stateDict, const std::string &pickle,
                             const TorchSaveOptions &options)
{
    const std::string prefix = options.folder + "/";
    std::vector<ZipMember> members{{prefix + "data.pkl", pickle}};
    if (!options.byteorder.empty())
        members.push_back({prefix + "byteorder", options.byteorder});
    for (const TorchStorage &storage : stateDict.storages)
        members.push_back({prefix + "data/" + storage.key, storage.bytes});
    members.push_back({prefix + "version", "3\n"});
    if (!options.serializationId.empty())
        members.push_back({prefix + ".data/serialization_id", options.serializationId});
    ZipWriteOptions zip;
    zip.zip64 = options.zip64;
    zip.alignData = options.alignData;
    zip.comment = options.comment;
    return zipArchive(members, zip);
}

TorchSaveStream::TorchSaveStream(const std::string &path, const std::vector<TorchSaveTensor> &declared,
                                 TorchSaveOptions options)
    : path_(path), temporaryPath_(path + ".tmp-" + std::to_string(::getpid())), prefix_(options.folder + "/"),
      options_(std::move(options))
{
    file_ = std::fopen(temporaryPath_.c_str(), "wb");
    if (!file_)
        throw FileError(path_, std::string("cannot create file: ") + std::strerror(errno));
    TorchStateDict stateDict;
    std::uint64_t total = 0;
    for (const TorchSaveTensor &tensor : declared) {
        const std::int64_t numel = elementCount(tensor.shape);
        const std::string key = std::to_string(stateDict.storages.size());
        stateDict.storages.push_back({key, tensor.dtype, numel, {}});
        stateDict.tensors.push_back({tensor.name, key, 0, tensor.shape, rowMajorStrides(tensor.shape)});
        sizes_.push_back(static_cast<std::uint64_t>(numel) * torchDTypeSize(tensor.dtype));
        total += sizes_.back();
    }
    ZipWriteOptions zip;
    // As torch.save: ZIP64 records once the archive passes what 32-bit offsets reach.
    zip.zip64 = options_.zip64 || total >= 0xFFFFFFFFull;
    zip.alignData = options_.alignData;
    zip.comment = options_.comment;
    zip_ = std::make_unique<ZipStreamWriter>(
        [this](const std::string &bytes) {
            if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
                throw FileError(path_, std::string("cannot write file: ") + std::strerror(errno));
        },
        zip);
    zip_->add(prefix_ + "data.pkl", torchSavePickle(stateDict));
    if (!options_.byteorder.empty())
        zip_->add(prefix_ + "byteorder", options_.byteorder);
}

TorchSaveStream::~TorchSaveStream()
{
    if (file_) {
        std::fclose(file_);
        std::remove(temporaryPath_.c_str());
    }
}

void TorchSaveStream::append(const std::string &bytes)
{
    if (next_ >= sizes_.size() || bytes.size() != sizes_[next_])
        throw InvalidArgument("The bytes given for tensor " + std::to_string(next_) + " do not match what was declared.");
    zip_->add(prefix_ + "data/" + std::to_string(next_), bytes);
    ++next_;
}

void TorchSaveStream::finish()
{
    if (next_ != sizes_.size())
        throw InvalidArgument("Only " + std::to_string(next_) + " of " + std::to_string(sizes_.size()) +
                              " tensors were written.");
    zip_->add(prefix_ + "version", "3\n");
    if (!options_.serializationId.empty())
        zip_->add(prefix_ + ".data/serialization_id", options_.serializationId);
    zip_->finish();
    const bool closed = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0 && std::fclose(file_) == 0;
    file_ = nullptr;
    if (!closed || std::rename(temporaryPath_.c_str(), path_.c_str()) != 0) {
        std::remove(temporaryPath_.c_str());
        throw FileError(path_, std::string("cannot write file: ") + std::strerror(errno));
    }
}

void writeTorchSave(const std::string &path, const std::vector<TorchSaveTensor> &tensors,
                    const TorchSaveOptions &options)
{
    TorchStateDict stateDict;
    std::set<std::string> names;
    for (const TorchSaveTensor &tensor : tensors) {
        if (!names.insert(tensor.name).second)
            throw InvalidArgument("The tensor name \"" + tensor.name + "\" appears twice in one checkpoint.");
        const std::int64_t numel = elementCount(tensor.shape);
        if (numel < 0 || tensor.bytes.size() != std::uint64_t(numel) * torchDTypeSize(tensor.dtype))
            throw InvalidArgument("The tensor \"" + tensor.name + "\" has " + std::to_string(tensor.bytes.size()) +
                                  " bytes of data, which do not match its element type and shape.");
        const std::string key = std::to_string(stateDict.storages.size());
        stateDict.storages.push_back({key, tensor.dtype, numel, tensor.bytes});
        stateDict.tensors.push_back({tensor.name, key, 0, tensor.shape, rowMajorStrides(tensor.shape)});
    }
    writeFileAtomically(path, torchSaveArchive(stateDict, torchSavePickle(stateDict), options));
}

} // namespace geolens::test
