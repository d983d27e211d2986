#include "common/Error.h"
#include "common/MappedFile.h"
#include "model/PytorchCheckpointReader.h"
#include "model/ZipArchive.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>

using namespace geolens;

namespace {

// ---------------------------------------------------------------------------------------------
// A minimal zip writer: stored entries as torch.save writes them, optionally with ZIP64 records
// and extra fields forced on (a real shard needs them only past 4 GB) and with the data of each
// entry aligned to 64 bytes by a padding field in the local header only, as PyTorch does.

constexpr std::uint16_t DeflateMethod = 8;

struct ZipMember {
    std::string name;
    std::string data;
    std::uint16_t method = ZipArchive::StoredMethod; // the data is written as given either way
};

struct ZipOptions {
    bool zip64 = false;
    bool alignData = false;
    std::string comment;
};

void putLe(std::string &out, std::uint64_t value, int byteCount)
{
    for (int i = 0; i < byteCount; ++i)
        out.push_back(char((value >> (8 * i)) & 0xFF));
}

std::uint32_t crc32Of(const std::string &data)
{
    std::uint32_t crc = 0xFFFFFFFFu;
    for (char c : data) {
        crc ^= std::uint8_t(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

std::string buildZip(const std::vector<ZipMember> &members, const ZipOptions &options = {})
{
    const std::uint32_t Max32 = 0xFFFFFFFFu;
    std::string out;
    std::vector<std::uint64_t> localOffsets;
    for (const ZipMember &m : members) {
        localOffsets.push_back(out.size());
        std::string extra;
        if (options.zip64) {
            putLe(extra, 0x0001, 2);
            putLe(extra, 16, 2);
            putLe(extra, m.data.size(), 8);
            putLe(extra, m.data.size(), 8);
        }
        if (options.alignData) {
            const std::uint64_t unpadded = out.size() + 30 + m.name.size() + extra.size() + 4;
            const std::uint64_t padding = (64 - unpadded % 64) % 64;
            putLe(extra, 0x4246, 2); // "FB"
            putLe(extra, padding, 2);
            extra.append(padding, 'Z');
        }
        putLe(out, 0x04034b50, 4);
        putLe(out, options.zip64 ? 45 : 20, 2);
        putLe(out, 0, 2); // flags
        putLe(out, m.method, 2);
        putLe(out, 0, 4); // time, date
        putLe(out, crc32Of(m.data), 4);
        putLe(out, options.zip64 ? Max32 : m.data.size(), 4);
        putLe(out, options.zip64 ? Max32 : m.data.size(), 4);
        putLe(out, m.name.size(), 2);
        putLe(out, extra.size(), 2);
        out += m.name + extra + m.data;
    }

    const std::uint64_t directoryOffset = out.size();
    for (std::size_t i = 0; i < members.size(); ++i) {
        const ZipMember &m = members[i];
        std::string extra;
        if (options.zip64) {
            putLe(extra, 0x0001, 2);
            putLe(extra, 24, 2);
            putLe(extra, m.data.size(), 8);
            putLe(extra, m.data.size(), 8);
            putLe(extra, localOffsets[i], 8);
        }
        putLe(out, 0x02014b50, 4);
        putLe(out, options.zip64 ? 45 : 20, 2); // version made by
        putLe(out, options.zip64 ? 45 : 20, 2); // version needed
        putLe(out, 0, 2);
        putLe(out, m.method, 2);
        putLe(out, 0, 4);
        putLe(out, crc32Of(m.data), 4);
        putLe(out, options.zip64 ? Max32 : m.data.size(), 4);
        putLe(out, options.zip64 ? Max32 : m.data.size(), 4);
        putLe(out, m.name.size(), 2);
        putLe(out, extra.size(), 2);
        putLe(out, 0, 2); // comment
        putLe(out, 0, 2); // disk
        putLe(out, 0, 2); // internal attributes
        putLe(out, 0, 4); // external attributes
        putLe(out, options.zip64 ? Max32 : localOffsets[i], 4);
        out += m.name + extra;
    }
    const std::uint64_t directorySize = out.size() - directoryOffset;

    if (options.zip64) {
        const std::uint64_t recordOffset = out.size();
        putLe(out, 0x06064b50, 4);
        putLe(out, 44, 8); // size of the rest of the record
        putLe(out, 45, 2);
        putLe(out, 45, 2);
        putLe(out, 0, 4);
        putLe(out, 0, 4);
        putLe(out, members.size(), 8);
        putLe(out, members.size(), 8);
        putLe(out, directorySize, 8);
        putLe(out, directoryOffset, 8);
        putLe(out, 0x07064b50, 4);
        putLe(out, 0, 4);
        putLe(out, recordOffset, 8);
        putLe(out, 1, 4);
    }
    putLe(out, 0x06054b50, 4);
    putLe(out, 0, 2);
    putLe(out, 0, 2);
    putLe(out, options.zip64 ? 0xFFFF : members.size(), 2);
    putLe(out, options.zip64 ? 0xFFFF : members.size(), 2);
    putLe(out, options.zip64 ? Max32 : directorySize, 4);
    putLe(out, options.zip64 ? Max32 : directoryOffset, 4);
    putLe(out, options.comment.size(), 2);
    out += options.comment;
    return out;
}

// ---------------------------------------------------------------------------------------------
// A pickle emitter. PickleWriter writes single opcodes; its memo mirrors CPython's, which stores
// every string, tuple, global and reduced object once (BINPUT) and fetches the same Python
// object again with BINGET.

namespace op {
constexpr std::uint8_t Mark = '(', Stop = '.', Pop = '0', PopMark = '1', Dup = '2', BinInt = 'J', BinInt1 = 'K',
                       BinInt2 = 'M', None = 'N', BinPersId = 'Q', Reduce = 'R', BinString = 'T',
                       ShortBinString = 'U', BinUnicode = 'X', Append = 'a', Build = 'b', Global = 'c',
                       EmptyDict = '}', Appends = 'e', BinGet = 'h', LongBinGet = 'j', EmptyList = ']',
                       BinPut = 'q', LongBinPut = 'r', SetItem = 's', Tuple = 't', EmptyTuple = ')',
                       SetItems = 'u', BinFloat = 'G', Proto = 0x80, NewObj = 0x81, Tuple1 = 0x85, Tuple2 = 0x86,
                       Tuple3 = 0x87, NewTrue = 0x88, NewFalse = 0x89, Long1 = 0x8a, BinBytes = 'B',
                       ShortBinBytes = 'C', ShortBinUnicode = 0x8c, BinUnicode8 = 0x8d, StackGlobal = 0x93,
                       Memoize = 0x94, Frame = 0x95, Inst = 'i';
}

class PickleWriter {
public:
    explicit PickleWriter(int protocol = 2)
    {
        opcode(op::Proto);
        bytes_.push_back(char(protocol));
    }

    void opcode(std::uint8_t code) { bytes_.push_back(char(code)); }
    void raw(const std::string &data) { bytes_ += data; }
    void le(std::uint64_t value, int byteCount) { putLe(bytes_, value, byteCount); }

    // As CPython's save_long chooses the opcode.
    void integer(std::int64_t value)
    {
        if (value >= 0 && value < 256) {
            opcode(op::BinInt1);
            le(std::uint64_t(value), 1);
        } else if (value >= 0 && value < 65536) {
            opcode(op::BinInt2);
            le(std::uint64_t(value), 2);
        } else if (value >= -2147483648LL && value < 2147483648LL) {
            opcode(op::BinInt);
            le(std::uint64_t(value), 4);
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
            le(bits, byteCount);
        }
    }
    void unicode(const std::string &text)
    {
        opcode(op::BinUnicode);
        le(text.size(), 4);
        raw(text);
    }
    void global(const std::string &module, const std::string &name)
    {
        opcode(op::Global);
        raw(module + "\n" + name + "\n");
    }
    void put()
    {
        const std::uint64_t index = nextMemo_++;
        if (index < 256) {
            opcode(op::BinPut);
            le(index, 1);
        } else {
            opcode(op::LongBinPut);
            le(index, 4);
        }
    }
    // Emits an object once and memoizes it; the same identity later comes from the memo, as
    // CPython does for the same Python object ('cpu', a global, a storage key).
    void shared(const std::string &identity, const std::function<void()> &write)
    {
        const auto found = memo_.find(identity);
        if (found != memo_.end()) {
            opcode(op::BinGet);
            le(found->second, 1);
            return;
        }
        write();
        memo_[identity] = nextMemo_;
        put();
    }
    std::string finish()
    {
        opcode(op::Stop);
        return bytes_;
    }

private:
    std::string bytes_;
    std::uint64_t nextMemo_ = 0;
    std::map<std::string, std::uint64_t> memo_;
};

// ---------------------------------------------------------------------------------------------
// Checkpoints as torch.save writes them.

struct StorageSpec {
    std::string key;
    std::string type; // "HalfStorage", ...
    std::int64_t numel = 0;
    std::string bytes;
};

struct TensorSpec {
    std::string name;
    std::string storageKey;
    std::int64_t storageOffset = 0;
    std::vector<std::int64_t> size;
    std::vector<std::int64_t> stride;
    bool parameter = false; // wrapped by torch._utils._rebuild_parameter, as an nn.Parameter is
};

struct CheckpointSpec {
    std::string folder = "archive";
    std::vector<StorageSpec> storages;
    std::vector<TensorSpec> tensors;
    bool moduleMetadata = false;      // state_dict()'s _metadata attribute, written with BUILD
    std::string byteorder = "little"; // empty: no byteorder record (PyTorch before 2.1)
    ZipOptions zip;
};

template <typename T>
std::string bytesOf(const std::vector<T> &values)
{
    return std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T));
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
void emitTensor(PickleWriter &w, const StorageSpec &storage, const TensorSpec &tensor)
{
    w.shared("torch._utils._rebuild_tensor_v2", [&] { w.global("torch._utils", "_rebuild_tensor_v2"); });
    w.opcode(op::Mark);
    w.opcode(op::Mark);
    w.shared("'storage'", [&] { w.unicode("storage"); });
    w.shared("torch." + storage.type, [&] { w.global("torch", storage.type); });
    w.shared("key " + storage.key, [&] { w.unicode(storage.key); });
    w.shared("'cpu'", [&] { w.unicode("cpu"); });
    w.integer(storage.numel);
    w.opcode(op::Tuple);
    w.put();
    w.opcode(op::BinPersId);
    w.integer(tensor.storageOffset);
    emitIntTuple(w, tensor.size);
    emitIntTuple(w, tensor.stride);
    w.opcode(op::NewFalse);
    emitEmptyOrderedDict(w);
    w.opcode(op::Tuple);
    w.put();
    w.opcode(op::Reduce);
    w.put();
}

// Parameter.__reduce_ex__: _rebuild_parameter(data, requires_grad, OrderedDict()).
void emitParameter(PickleWriter &w, const StorageSpec &storage, const TensorSpec &tensor)
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

// The pickle torch.save (protocol 2) writes for an OrderedDict of tensors: OrderedDict() by
// REDUCE, its items by SETITEMS (SETITEM for a single item), then the instance state by BUILD.
std::string torchPickle(const CheckpointSpec &spec)
{
    PickleWriter w(2);
    emitEmptyOrderedDict(w);
    if (spec.tensors.size() > 1)
        w.opcode(op::Mark);
    for (const TensorSpec &tensor : spec.tensors) {
        const auto storage = std::find_if(spec.storages.begin(), spec.storages.end(),
                                          [&](const StorageSpec &s) { return s.key == tensor.storageKey; });
        StorageSpec missing{tensor.storageKey, "FloatStorage", 1, {}};
        w.unicode(tensor.name);
        w.put();
        if (tensor.parameter)
            emitParameter(w, storage != spec.storages.end() ? *storage : missing, tensor);
        else
            emitTensor(w, storage != spec.storages.end() ? *storage : missing, tensor);
    }
    if (!spec.tensors.empty())
        w.opcode(spec.tensors.size() > 1 ? op::SetItems : op::SetItem);
    if (spec.moduleMetadata) {
        // {'_metadata': OrderedDict([('', {'version': 1}), ('layer', {'version': 1})])}
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
    return w.finish();
}

// The archive around a pickle: FOLDER/data.pkl, FOLDER/byteorder, FOLDER/data/KEY..., then
// FOLDER/version and FOLDER/.data/serialization_id, in torch.save's order.
std::string torchArchive(const CheckpointSpec &spec, const std::string &pickle)
{
    const std::string prefix = spec.folder + "/";
    std::vector<ZipMember> members{{prefix + "data.pkl", pickle}};
    if (!spec.byteorder.empty())
        members.push_back({prefix + "byteorder", spec.byteorder});
    for (const StorageSpec &storage : spec.storages)
        members.push_back({prefix + "data/" + storage.key, storage.bytes});
    members.push_back({prefix + "version", "3\n"});
    members.push_back({prefix + ".data/serialization_id", "1234567890123456789012345678901234567890"});
    return buildZip(members, spec.zip);
}

void writeFile(const std::string &path, const std::string &bytes)
{
    QFile file(QString::fromStdString(path));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes.data(), qint64(bytes.size())), qint64(bytes.size()));
}

template <typename T>
std::vector<T> valuesOf(const TensorInfo &tensor)
{
    std::vector<T> values(static_cast<std::size_t>(tensor.numel()));
    if (tensor.extentBytes() != values.size() * sizeof(T)) // only for contiguous tensors
        throw std::logic_error("valuesOf needs a contiguous tensor");
    std::memcpy(values.data(), tensor.data(), values.size() * sizeof(T));
    return values;
}

template <typename T>
T elementAt(const TensorInfo &tensor, const std::vector<std::int64_t> &index)
{
    std::int64_t element = 0;
    for (std::size_t i = 0; i < index.size(); ++i)
        element += index[i] * tensor.strides[i];
    T value{};
    std::memcpy(&value, tensor.data() + element * sizeof(T), sizeof(T));
    return value;
}

float halfToFloat(std::uint16_t bits)
{
    const int exponent = (bits >> 10) & 0x1F;
    const int mantissa = bits & 0x3FF;
    const float magnitude = exponent == 0 ? std::ldexp(float(mantissa), -24)
                                          : std::ldexp(float(mantissa | 0x400), exponent - 25);
    return (bits & 0x8000) ? -magnitude : magnitude;
}

float bfloat16ToFloat(std::uint16_t bits)
{
    const std::uint32_t wide = std::uint32_t(bits) << 16;
    float value = 0;
    std::memcpy(&value, &wide, sizeof value);
    return value;
}

// Reading must fail with a FileError whose message names the file and says what is wrong.
void expectRefused(const std::string &path, const QString &problem)
{
    try {
        readPytorchCheckpoint(path);
        QFAIL(qPrintable("expected a FileError for " + QString::fromStdString(path)));
    } catch (const FileError &e) {
        const QString message = QString::fromStdString(e.what());
        QCOMPARE(e.path(), path);
        QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(message.contains(problem, Qt::CaseInsensitive), qPrintable(message));
    }
}

// A small checkpoint of every storage type the shards use and the shapes torch.save produces.
CheckpointSpec typicalCheckpoint()
{
    CheckpointSpec spec;
    // fp16 1, -2, 0.5, 0, 65504, -0.25
    spec.storages.push_back(
        {"0", "HalfStorage", 6, bytesOf<std::uint16_t>({0x3C00, 0xC000, 0x3800, 0x0000, 0x7BFF, 0xB400})});
    // bf16 1, -1.5, 2, 0.15625
    spec.storages.push_back({"1", "BFloat16Storage", 4, bytesOf<std::uint16_t>({0x3F80, 0xBFC0, 0x4000, 0x3E20})});
    spec.storages.push_back({"2", "FloatStorage", 3, bytesOf<float>({1.0f, 0.1f, -1e-3f})});
    spec.storages.push_back({"3", "LongStorage", 4, bytesOf<std::int64_t>({0, 1, -5, std::int64_t(1) << 40})});
    spec.storages.push_back({"4", "FloatStorage", 8, bytesOf<float>({0, 1, 2, 3, 4, 5, 6, 7})});
    spec.storages.push_back({"5", "FloatStorage", 6, bytesOf<float>({0, 1, 2, 3, 4, 5})});
    spec.storages.push_back({"6", "HalfStorage", 2, bytesOf<std::uint16_t>({0x4200, 0x4400})}); // 3, 4
    spec.storages.push_back({"7", "FloatStorage", 1, bytesOf<float>({42.5f})});

    spec.tensors.push_back({"model.embed_tokens.weight", "0", 0, {2, 3}, {3, 1}});
    spec.tensors.push_back({"model.norm.weight", "1", 0, {4}, {1}});
    spec.tensors.push_back({"model.rotary_emb.inv_freq", "2", 0, {3}, {1}});
    spec.tensors.push_back({"model.position_ids", "3", 0, {1, 4}, {4, 1}});
    // q and k are views of one fused storage
    spec.tensors.push_back({"attn.q", "4", 0, {2, 2}, {2, 1}});
    spec.tensors.push_back({"attn.k", "4", 4, {2, 2}, {2, 1}});
    // a transposed (column-major) view
    spec.tensors.push_back({"transposed", "5", 0, {3, 2}, {1, 3}});
    spec.tensors.push_back({"lm_head.weight", "6", 0, {2}, {1}, true});
    spec.tensors.push_back({"scale", "7", 0, {}, {}});
    return spec;
}

std::string writeCheckpoint(const std::string &path, const CheckpointSpec &spec)
{
    writeFile(path, torchArchive(spec, torchPickle(spec)));
    return path;
}

// The pickle CPython 3 writes (protocol 2) for torch.save of this state dict, with torch's
// persistent_id and __reduce_ex__ in place:
//   sd = OrderedDict(a=half[2, 2] on storage '0', b=half[2] at offset 2 of storage '0',
//                    c=Parameter(float[3] on storage '1'))
//   sd._metadata = OrderedDict([('', {'version': 1}), ('layer', {'version': 1})])
const char *const CPythonPickleHex =
    "800263636f6c6c656374696f6e730a4f726465726564446963740a71002952710128580100000061710263746f726368"
    "2e5f7574696c730a5f72656275696c645f74656e736f725f76320a71032828580700000073746f72616765710463746f"
    "7263680a48616c6653746f726167650a71055801000000307106580300000063707571074b04747108514b004b024b02"
    "8671094b024b0186710a8968002952710b74710c52710d580100000062710e6803282868046805680668074b0474710f"
    "514b024b028571104b0185711189680029527112747113527114580100000063711563746f7263682e5f7574696c730a"
    "5f72656275696c645f706172616d657465720a711668032828680463746f7263680a466c6f617453746f726167650a71"
    "17580100000031711868074b03747119514b004b0385711a4b0185711b8968002952711c74711d52711e886800295271"
    "1f877120527121757d712258090000005f6d65746164617461712368002952712428580000000071257d712658070000"
    "0076657273696f6e71274b017358050000006c6179657271287d712968274b01737573622e";

std::string fromHex(const char *hex)
{
    std::string bytes;
    for (std::size_t i = 0; hex[i] && hex[i + 1]; i += 2)
        bytes.push_back(char(std::stoi(std::string(hex + i, 2), nullptr, 16)));
    return bytes;
}

} // namespace

class PytorchCheckpointTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::string path(const char *name) const { return dir_.filePath(name).toStdString(); }

    // A checkpoint whose data.pkl is the given pickle, with one F32 storage "0" of 4 elements.
    std::string writeWithPickle(const char *name, const std::string &pickle, const std::string &byteorder = "little")
    {
        CheckpointSpec spec;
        spec.storages.push_back({"0", "FloatStorage", 4, bytesOf<float>({10, 20, 30, 40})});
        spec.byteorder = byteorder;
        writeFile(path(name), torchArchive(spec, pickle));
        return path(name);
    }

private slots:
    void readsEveryDtypeAsTorchSaveWritesThem()
    {
        CheckpointSpec spec = typicalCheckpoint();
        spec.moduleMetadata = true;
        spec.zip.alignData = true;
        const TensorMap tensors = readPytorchCheckpoint(writeCheckpoint(path("typical.bin"), spec));
        QCOMPARE(tensors.size(), spec.tensors.size());

        const TensorInfo &embed = tensors.at("model.embed_tokens.weight");
        QCOMPARE(embed.name, std::string("model.embed_tokens.weight"));
        QCOMPARE(embed.dtype, DType::F16);
        QCOMPARE(embed.shape, (std::vector<std::int64_t>{2, 3}));
        QCOMPARE(embed.strides, (std::vector<std::int64_t>{3, 1}));
        std::vector<float> halves;
        for (std::uint16_t bits : valuesOf<std::uint16_t>(embed))
            halves.push_back(halfToFloat(bits));
        QCOMPARE(halves, (std::vector<float>{1.0f, -2.0f, 0.5f, 0.0f, 65504.0f, -0.25f}));
        QCOMPARE(embed.offset % 64, std::uint64_t(0)); // aligned like PyTorch's writer aligns it

        const TensorInfo &norm = tensors.at("model.norm.weight");
        QCOMPARE(norm.dtype, DType::BF16);
        std::vector<float> bf16;
        for (std::uint16_t bits : valuesOf<std::uint16_t>(norm))
            bf16.push_back(bfloat16ToFloat(bits));
        QCOMPARE(bf16, (std::vector<float>{1.0f, -1.5f, 2.0f, 0.15625f}));

        const TensorInfo &invFreq = tensors.at("model.rotary_emb.inv_freq");
        QCOMPARE(invFreq.dtype, DType::F32);
        QCOMPARE(valuesOf<float>(invFreq), (std::vector<float>{1.0f, 0.1f, -1e-3f}));

        const TensorInfo &positions = tensors.at("model.position_ids");
        QCOMPARE(positions.dtype, DType::I64);
        QCOMPARE(positions.shape, (std::vector<std::int64_t>{1, 4}));
        QCOMPARE(valuesOf<std::int64_t>(positions), (std::vector<std::int64_t>{0, 1, -5, std::int64_t(1) << 40}));

        const TensorInfo &scale = tensors.at("scale");
        QVERIFY(scale.shape.empty());
        QCOMPARE(scale.numel(), std::int64_t(1));
        QCOMPARE(valuesOf<float>(scale), std::vector<float>{42.5f});
    }

    void viewsShareOneStorage()
    {
        const TensorMap tensors = readPytorchCheckpoint(writeCheckpoint(path("views.bin"), typicalCheckpoint()));
        const TensorInfo &q = tensors.at("attn.q");
        const TensorInfo &k = tensors.at("attn.k");
        QCOMPARE(valuesOf<float>(q), (std::vector<float>{0, 1, 2, 3}));
        QCOMPARE(valuesOf<float>(k), (std::vector<float>{4, 5, 6, 7}));
        QCOMPARE(k.offset - q.offset, std::uint64_t(4 * sizeof(float)));
        QVERIFY(q.file == k.file); // both point into the one mapping
    }

    void keepsNonContiguousStrides()
    {
        const TensorMap tensors = readPytorchCheckpoint(writeCheckpoint(path("strided.bin"), typicalCheckpoint()));
        const TensorInfo &t = tensors.at("transposed");
        QCOMPARE(t.shape, (std::vector<std::int64_t>{3, 2}));
        QCOMPARE(t.strides, (std::vector<std::int64_t>{1, 3}));
        QCOMPARE(t.extentBytes(), std::uint64_t(6 * sizeof(float)));
        // storage 0..5 seen as the transpose of [[0, 1, 2], [3, 4, 5]]
        QCOMPARE(elementAt<float>(t, {0, 0}), 0.0f);
        QCOMPARE(elementAt<float>(t, {0, 1}), 3.0f);
        QCOMPARE(elementAt<float>(t, {2, 0}), 2.0f);
        QCOMPARE(elementAt<float>(t, {2, 1}), 5.0f);
    }

    void unwrapsParameters()
    {
        const TensorMap tensors = readPytorchCheckpoint(writeCheckpoint(path("param.bin"), typicalCheckpoint()));
        const TensorInfo &head = tensors.at("lm_head.weight");
        QCOMPARE(head.dtype, DType::F16);
        QCOMPARE(head.shape, std::vector<std::int64_t>{2});
        const std::vector<std::uint16_t> bits = valuesOf<std::uint16_t>(head);
        QCOMPARE(halfToFloat(bits[0]), 3.0f);
        QCOMPARE(halfToFloat(bits[1]), 4.0f);
    }

    void readsZip64ArchivesWithCommentAndStemFolder()
    {
        CheckpointSpec spec = typicalCheckpoint();
        spec.folder = "pytorch_model-00001-of-00002"; // older torch.save named the folder after the file
        spec.byteorder.clear();                        // and wrote no byteorder record
        spec.zip.zip64 = true;
        spec.zip.alignData = true;
        spec.zip.comment = "a trailing archive comment";
        const TensorMap tensors = readPytorchCheckpoint(writeCheckpoint(path("zip64.bin"), spec));
        QCOMPARE(tensors.size(), spec.tensors.size());
        QCOMPARE(valuesOf<float>(tensors.at("attn.k")), (std::vector<float>{4, 5, 6, 7}));
        QCOMPARE(valuesOf<std::int64_t>(tensors.at("model.position_ids"))[3], std::int64_t(1) << 40);
    }

    void emitterMatchesCPythonAndItsOutputReads()
    {
        CheckpointSpec spec;
        spec.storages.push_back({"0", "HalfStorage", 4, bytesOf<std::uint16_t>({0x3C00, 0x4000, 0x4200, 0x4400})});
        spec.storages.push_back({"1", "FloatStorage", 3, bytesOf<float>({0.5f, 1.5f, 2.5f})});
        spec.tensors.push_back({"a", "0", 0, {2, 2}, {2, 1}});
        spec.tensors.push_back({"b", "0", 2, {2}, {1}});
        spec.tensors.push_back({"c", "1", 0, {3}, {1}, true});
        spec.moduleMetadata = true;
        const std::string cpython = fromHex(CPythonPickleHex);
        QCOMPARE(QByteArray::fromStdString(torchPickle(spec)), QByteArray::fromStdString(cpython));

        writeFile(path("cpython.bin"), torchArchive(spec, cpython));
        const TensorMap tensors = readPytorchCheckpoint(path("cpython.bin"));
        QCOMPARE(tensors.size(), std::size_t(3));
        QCOMPARE(halfToFloat(valuesOf<std::uint16_t>(tensors.at("b"))[1]), 4.0f);
        QCOMPARE(valuesOf<float>(tensors.at("c")), (std::vector<float>{0.5f, 1.5f, 2.5f}));
    }

    void readsHandWrittenProtocol4Pickles()
    {
        // A plain dict built with protocol 4 opcodes (FRAME, MEMOIZE, STACK_GLOBAL, short strings)
        // and non-tensor values of every kind, which are skipped.
        std::string b;
        auto shortText = [&b](const std::string &text) {
            b.push_back(char(op::ShortBinUnicode));
            b.push_back(char(text.size()));
            b += text;
        };
        auto opc = [&b](std::uint8_t code) { b.push_back(char(code)); };
        auto le = [&b](std::uint64_t value, int count) { putLe(b, value, count); };

        opc(op::EmptyDict);
        opc(op::Memoize); // 0
        opc(op::Mark);
        shortText("weight");
        opc(op::Memoize); // 1
        shortText("torch._utils");
        shortText("_rebuild_tensor_v2");
        opc(op::StackGlobal);
        opc(op::Memoize); // 2
        opc(op::Mark);
        {
            opc(op::Mark);
            shortText("storage");
            shortText("torch");
            shortText("FloatStorage");
            opc(op::StackGlobal);
            shortText("0");
            shortText("cuda:0");
            opc(op::BinInt1);
            le(4, 1);
            opc(op::Tuple);
            opc(op::BinPersId);
        }
        opc(op::Long1); // storage offset 1, as a one-byte LONG1
        opc(1);
        opc(1);
        opc(op::BinInt1); // size (2,)
        le(2, 1);
        opc(op::Tuple1);
        opc(op::BinInt1);
        le(1, 1);
        opc(op::Tuple1); // stride (1,)
        opc(op::NewFalse);
        shortText("collections");
        shortText("OrderedDict");
        opc(op::StackGlobal);
        opc(op::EmptyTuple);
        opc(op::NewObj); // backward hooks by NEWOBJ
        opc(op::EmptyDict); // metadata, the optional 7th argument
        opc(op::Tuple);
        opc(op::Reduce);
        shortText("epoch");
        opc(op::BinInt);
        le(std::uint64_t(-7), 4);
        shortText("lr");
        opc(op::BinFloat);
        {
            const double lr = 2.5e-4;
            std::uint64_t bits = 0;
            std::memcpy(&bits, &lr, sizeof bits);
            for (int i = 7; i >= 0; --i)
                b.push_back(char((bits >> (8 * i)) & 0xFF));
        }
        shortText("flags");
        opc(op::EmptyList);
        opc(op::Mark);
        opc(op::None);
        opc(op::NewTrue);
        opc(op::BinInt2);
        le(1000, 2);
        opc(op::Appends);
        opc(op::BinInt1);
        le(9, 1);
        opc(op::Append);
        shortText("blobs");
        opc(op::Mark);
        opc(op::ShortBinBytes);
        opc(2);
        b += "ab";
        opc(op::BinBytes);
        le(3, 4);
        b += "xyz";
        opc(op::ShortBinString);
        opc(3);
        b += "old";
        opc(op::BinString);
        le(5, 4);
        b += "older";
        opc(op::Tuple);
        shortText("pair");
        opc(op::BinInt1);
        le(1, 1);
        opc(op::BinInt1);
        le(2, 1);
        opc(op::Tuple2);
        shortText("triple");
        opc(op::BinInt1);
        le(1, 1);
        opc(op::Long1);
        opc(8);
        le(std::uint64_t(-3), 8);
        opc(op::BinUnicode8);
        le(4, 8);
        b += "long";
        opc(op::Tuple3);
        shortText("dropped");
        opc(op::Mark);
        opc(op::BinInt1);
        le(1, 1);
        opc(op::PopMark); // discards the 1 and the mark
        opc(op::None);
        opc(op::Dup);
        opc(op::Pop);
        shortText("remembered");
        shortText("value");
        opc(op::LongBinPut);
        le(300, 4);
        opc(op::Pop);
        opc(op::LongBinGet);
        le(300, 4);
        opc(op::SetItems);
        // a second tensor, reusing the memoized global and the storage "0" again
        shortText("weight.view");
        opc(op::BinGet);
        le(2, 1);
        opc(op::Mark);
        opc(op::Mark);
        shortText("storage");
        shortText("torch");
        shortText("FloatStorage");
        opc(op::StackGlobal);
        shortText("0");
        shortText("cpu");
        opc(op::BinInt1);
        le(4, 1);
        opc(op::Tuple);
        opc(op::BinPersId);
        opc(op::BinInt1);
        le(3, 1);
        opc(op::EmptyTuple); // a 0-dim view of element 3
        opc(op::EmptyTuple);
        opc(op::NewFalse);
        opc(op::EmptyDict);
        opc(op::Tuple);
        opc(op::Reduce);
        opc(op::SetItem);
        opc(op::Stop);

        std::string pickle;
        pickle.push_back(char(op::Proto));
        pickle.push_back(4);
        pickle.push_back(char(op::Frame));
        putLe(pickle, b.size(), 8);
        pickle += b;

        const TensorMap tensors = readPytorchCheckpoint(writeWithPickle("protocol4.bin", pickle));
        QCOMPARE(tensors.size(), std::size_t(2));
        const TensorInfo &weight = tensors.at("weight");
        QCOMPARE(weight.shape, std::vector<std::int64_t>{2});
        QCOMPARE(valuesOf<float>(weight), (std::vector<float>{20, 30}));
        QCOMPARE(valuesOf<float>(tensors.at("weight.view")), std::vector<float>{40});
    }

    void zipArchiveFindsEntriesAndRefusesCompressedData()
    {
        for (bool zip64 : {false, true}) {
            ZipOptions options;
            options.zip64 = zip64;
            options.alignData = zip64;
            options.comment = "PK\x05\x06 inside a comment";
            const std::string bytes =
                buildZip({{"dir/a.txt", "hello"}, {"dir/b.bin", "not really deflated", DeflateMethod}}, options);
            writeFile(path("plain.zip"), bytes);
            const ZipArchive archive(MappedFile::open(path("plain.zip")));
            QCOMPARE(archive.names(), (std::vector<std::string>{"dir/a.txt", "dir/b.bin"}));
            const std::optional<ZipArchive::Entry> a = archive.find("dir/a.txt");
            QVERIFY(a);
            QVERIFY(a->isStored());
            QCOMPARE(a->size, std::uint64_t(5));
            QCOMPARE(bytes.substr(a->dataOffset, 5), std::string("hello"));
            QCOMPARE(std::string(archive.storedData(*a)), std::string("hello"));
            QVERIFY(!archive.find("dir/missing"));

            const std::optional<ZipArchive::Entry> b = archive.find("dir/b.bin");
            QVERIFY(b);
            QCOMPARE(b->compressionMethod, DeflateMethod);
            try {
                archive.storedData(*b);
                QFAIL("expected a FileError for a compressed entry");
            } catch (const FileError &e) {
                QVERIFY2(QString(e.what()).contains("compressed"), e.what());
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(path("plain.zip"))), e.what());
            }
        }
    }

    void zipArchiveRefusesDamagedDirectories()
    {
        std::string bytes = buildZip({{"a", "1"}, {"b", "2"}});
        // claim 16960 entries in a directory that holds 2
        std::string tooMany = bytes;
        tooMany[tooMany.size() - 12] = char(0x40);
        tooMany[tooMany.size() - 11] = char(0x42);
        tooMany[tooMany.size() - 14] = char(0x40);
        tooMany[tooMany.size() - 13] = char(0x42);
        writeFile(path("too-many.zip"), tooMany);
        QVERIFY_THROWS_EXCEPTION(FileError, ZipArchive(MappedFile::open(path("too-many.zip"))));

        // a local header offset beyond the end of the file
        std::string farOffset = bytes;
        const std::size_t directory = farOffset.find("PK\x01\x02");
        farOffset[directory + 45] = char(0x7F);
        writeFile(path("far.zip"), farOffset);
        QVERIFY_THROWS_EXCEPTION(FileError, ZipArchive(MappedFile::open(path("far.zip"))));
    }

    void refusesDisallowedGlobalsBeforeRunningAnything()
    {
        const std::string marker = path("was-run");
        // os.system('touch marker') as a pickle writes it on Linux
        PickleWriter w(2);
        w.global("posix", "system");
        w.put();
        w.unicode("touch " + marker);
        w.put();
        w.opcode(op::Tuple1);
        w.put();
        w.opcode(op::Reduce);
        w.put();
        expectRefused(writeWithPickle("posix.bin", w.finish()),
                      "the pickle asks for posix.system, which is not allowed in a checkpoint");
        QVERIFY(!QFile::exists(QString::fromStdString(marker)));

        // the same through STACK_GLOBAL, hidden in the value of a dict entry
        std::string p4{char(op::Proto), 4, char(op::EmptyDict), char(op::ShortBinUnicode), 1, 'k',
                       char(op::ShortBinUnicode), 8};
        p4 += "builtins";
        p4 += {char(op::ShortBinUnicode), 4};
        p4 += "eval";
        p4 += {char(op::StackGlobal), char(op::ShortBinUnicode), 1, '1', char(op::Tuple1), char(op::Reduce),
               char(op::SetItem), char(op::Stop)};
        expectRefused(writeWithPickle("eval.bin", p4), "builtins.eval, which is not allowed");

        // an allowed name used for something other than its purpose
        PickleWriter storageCall(2);
        storageCall.global("torch", "HalfStorage");
        storageCall.opcode(op::EmptyTuple);
        storageCall.opcode(op::Reduce);
        expectRefused(writeWithPickle("storage-call.bin", storageCall.finish()),
                      "calls torch.HalfStorage, which a checkpoint does not do");
    }

    void refusesUnknownOpcodes()
    {
        std::string inst{char(op::Proto), 2, char(op::EmptyDict), char(op::Inst)};
        inst += "os\nsystem\n";
        expectRefused(writeWithPickle("inst.bin", inst), "opcode 0x69 (INST) at byte 3");
        expectRefused(writeWithPickle("garbage.bin", std::string{char(op::Proto), 2, char(0xFF)}),
                      "opcode 0xff (not a pickle opcode) at byte 2");
        expectRefused(writeWithPickle("protocol1.bin", std::string{char(op::Proto), 1, char(op::EmptyDict), '.'}),
                      "protocol 1");
        expectRefused(writeWithPickle("protocol0.bin", "(dp0\n."), "does not start with a protocol 2 to 5 header");
    }

    void refusesTruncatedFiles()
    {
        const std::string whole = torchArchive(typicalCheckpoint(), torchPickle(typicalCheckpoint()));
        writeFile(path("cut.bin"), whole.substr(0, whole.size() / 2));
        expectRefused(path("cut.bin"), "truncated");
        writeFile(path("cut-tail.bin"), whole.substr(0, whole.size() - 5));
        expectRefused(path("cut-tail.bin"), "truncated");
        writeFile(path("empty.bin"), "");
        expectRefused(path("empty.bin"), "not a zip archive");

        // an intact archive whose pickle stops short
        const CheckpointSpec spec = typicalCheckpoint();
        const std::string pickle = torchPickle(spec);
        writeFile(path("cut-pickle.bin"), torchArchive(spec, pickle.substr(0, pickle.size() / 2)));
        expectRefused(path("cut-pickle.bin"), "truncated");
        writeFile(path("no-stop.bin"), torchArchive(spec, pickle.substr(0, pickle.size() - 1)));
        expectRefused(path("no-stop.bin"), "without a STOP");
    }

    void refusesStoragesTooSmallOrMissing()
    {
        CheckpointSpec shortStorage = typicalCheckpoint();
        shortStorage.storages[0].bytes.resize(10); // 5 halves, the pickle says 6
        expectRefused(writeCheckpoint(path("short.bin"), shortStorage),
                      "storage entry archive/data/0 holds 10 bytes, but the pickle describes 6 elements of F16");

        CheckpointSpec pastEnd = typicalCheckpoint();
        pastEnd.tensors[0].storageOffset = 1; // 2 x 3 halves from element 1 of 6
        expectRefused(writeCheckpoint(path("past-end.bin"), pastEnd),
                      "reaches past the end of its storage archive/data/0");

        CheckpointSpec hugeStride = typicalCheckpoint();
        hugeStride.tensors[0].stride = {std::int64_t(1) << 62, 1}; // wraps around if unchecked
        expectRefused(writeCheckpoint(path("huge-stride.bin"), hugeStride), "reaches past the end");

        CheckpointSpec missing = typicalCheckpoint();
        missing.tensors[1].storageKey = "99";
        expectRefused(writeCheckpoint(path("missing.bin"), missing), "archive/data/99 is missing");
    }

    void refusesCompressedEntries()
    {
        CheckpointSpec spec = typicalCheckpoint();
        std::vector<ZipMember> members{{"archive/data.pkl", torchPickle(spec), DeflateMethod}};
        writeFile(path("deflated-pickle.bin"), buildZip(members));
        expectRefused(path("deflated-pickle.bin"), "compressed (method 8)");

        members = {{"archive/data.pkl", torchPickle(spec)}};
        for (const StorageSpec &storage : spec.storages)
            members.push_back({"archive/data/" + storage.key, storage.bytes, DeflateMethod});
        writeFile(path("deflated-storage.bin"), buildZip(members));
        expectRefused(path("deflated-storage.bin"), "zip entry \"archive/data/0\" is compressed");
    }

    void refusesOtherFormats()
    {
        // torch.save(..., _use_new_zipfile_serialization=False): the pickled magic number first
        std::string legacy = fromHex("80028a0a6cfc9c46f9206aa85019");
        legacy += fromHex("2e8002");
        writeFile(path("legacy.bin"), legacy);
        expectRefused(path("legacy.bin"), "legacy format");

        writeFile(path("text.bin"), "this is not a checkpoint at all, just some text");
        expectRefused(path("text.bin"), "not a zip archive");

        writeFile(path("other.zip"), buildZip({{"model/weights.txt", "1 2 3"}}));
        expectRefused(path("other.zip"), "has no data.pkl entry");

        PickleWriter list(2);
        list.opcode(op::EmptyList);
        expectRefused(writeWithPickle("list.bin", list.finish()), "its top-level object is a list");
    }

    void refusesPicklesThatExhaustMemory()
    {
        // NONE, then 2^23 DUPs: a few megabytes that would otherwise grow the stack without end
        std::string flood{char(op::Proto), 2, char(op::None)};
        flood.append(std::size_t(1) << 23, char(op::Dup));
        flood.push_back(char(op::Stop));
        expectRefused(writeWithPickle("flood.bin", flood), "far more than a checkpoint needs");
    }

    void refusesBigEndianData()
    {
        expectRefused(writeWithPickle("big.bin", torchPickle(CheckpointSpec{}), "big"), "big-endian");
        expectRefused(writeWithPickle("odd-order.bin", torchPickle(CheckpointSpec{}), "middle"), "unknown byte order");
        QVERIFY(readPytorchCheckpoint(writeWithPickle("empty-dict.bin", torchPickle(CheckpointSpec{}))).empty());
    }
};

QTEST_APPLESS_MAIN(PytorchCheckpointTest)
#include "tst_pytorch_checkpoint.moc"
