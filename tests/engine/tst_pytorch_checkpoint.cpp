#include "EngineTestData.h"
#include "TorchSaveWriter.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "common/MappedFile.h"
#include "model/CheckpointFolder.h"
#include "model/PytorchCheckpointReader.h"
#include "model/ZipArchive.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <map>

using namespace geolens;
using geolens::test::halfToFloat;
using geolens::test::bfloat16ToFloat;
using geolens::test::TorchDType;
using geolens::test::TorchSaveOptions;
using geolens::test::TorchSaveTensor;
using geolens::test::TorchStateDict;
using geolens::test::TorchStorage;
using geolens::test::ZipMember;
using geolens::test::ZipWriteOptions;

namespace {

// Opcodes of the pickles the cases write by hand: what torch.save never writes, or a reader
// must refuse.
namespace op {
constexpr std::uint8_t Mark = '(', Stop = '.', Pop = '0', PopMark = '1', Dup = '2', BinInt = 'J', BinInt1 = 'K',
                       BinInt2 = 'M', None = 'N', BinPersId = 'Q', Reduce = 'R', BinString = 'T',
                       ShortBinString = 'U', BinUnicode = 'X', Append = 'a', Global = 'c', EmptyDict = '}',
                       Appends = 'e', BinGet = 'h', LongBinGet = 'j', EmptyList = ']', BinPut = 'q',
                       LongBinPut = 'r', SetItem = 's', Tuple = 't', EmptyTuple = ')', SetItems = 'u',
                       BinFloat = 'G', Proto = 0x80, NewObj = 0x81, Tuple1 = 0x85, Tuple2 = 0x86, Tuple3 = 0x87,
                       NewTrue = 0x88, NewFalse = 0x89, Long1 = 0x8a, BinBytes = 'B', ShortBinBytes = 'C',
                       ShortBinUnicode = 0x8c, BinUnicode8 = 0x8d, StackGlobal = 0x93, Memoize = 0x94,
                       Frame = 0x95, Inst = 'i';
}

void putLe(std::string &out, std::uint64_t value, int byteCount)
{
    for (int i = 0; i < byteCount; ++i)
        out.push_back(char((value >> (8 * i)) & 0xFF));
}

template <typename T>
std::string bytesOf(const std::vector<T> &values)
{
    return std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T));
}

// Most cases leave the data unaligned, so the reader also meets storages that start anywhere
// (torch.save aligns them; other writers need not).
TorchSaveOptions unalignedArchive()
{
    TorchSaveOptions options;
    options.alignData = false;
    return options;
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

template <typename T>
T load(const std::uint8_t *at)
{
    T value{};
    std::memcpy(&value, at, sizeof value);
    return value;
}

// Element number `element` of the storage the tensor views (its strides already applied), as a
// double.
double elementAsDouble(const TensorInfo &tensor, std::int64_t element)
{
    const std::uint8_t *at = tensor.data() + element * std::int64_t(dtypeSize(tensor.dtype));
    switch (tensor.dtype) {
    case DType::F16:
        return halfToFloat(load<std::uint16_t>(at));
    case DType::BF16:
        return bfloat16ToFloat(load<std::uint16_t>(at));
    case DType::F32:
        return load<float>(at);
    case DType::F64:
        return load<double>(at);
    case DType::I64:
        return double(load<std::int64_t>(at));
    default:
        throw std::logic_error(std::string("elementAsDouble does not read ") + dtypeName(tensor.dtype));
    }
}

// All elements in logical (row-major) order, read through the tensor's strides.
std::vector<double> logicalValues(const TensorInfo &tensor)
{
    std::vector<double> values;
    std::vector<std::int64_t> index(tensor.shape.size(), 0);
    for (std::int64_t n = 0; n < tensor.numel(); ++n) {
        std::int64_t element = 0;
        for (std::size_t d = 0; d < index.size(); ++d)
            element += index[d] * tensor.strides[d];
        values.push_back(elementAsDouble(tensor, element));
        for (std::size_t d = index.size(); d-- > 0;) {
            if (++index[d] < tensor.shape[d])
                break;
            index[d] = 0;
        }
    }
    return values;
}

std::vector<std::int64_t> intsOf(const Json &array)
{
    std::vector<std::int64_t> ints;
    for (const Json &item : array)
        ints.push_back(jsonToInt64(item));
    return ints;
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
TorchStateDict typicalCheckpoint()
{
    TorchStateDict spec;
    // fp16 1, -2, 0.5, 0, 65504, -0.25
    spec.storages.push_back(
        {"0", TorchDType::F16, 6, bytesOf<std::uint16_t>({0x3C00, 0xC000, 0x3800, 0x0000, 0x7BFF, 0xB400})});
    // bf16 1, -1.5, 2, 0.15625
    spec.storages.push_back({"1", TorchDType::BF16, 4, bytesOf<std::uint16_t>({0x3F80, 0xBFC0, 0x4000, 0x3E20})});
    spec.storages.push_back({"2", TorchDType::F32, 3, bytesOf<float>({1.0f, 0.1f, -1e-3f})});
    spec.storages.push_back({"3", TorchDType::I64, 4, bytesOf<std::int64_t>({0, 1, -5, std::int64_t(1) << 40})});
    spec.storages.push_back({"4", TorchDType::F32, 8, bytesOf<float>({0, 1, 2, 3, 4, 5, 6, 7})});
    spec.storages.push_back({"5", TorchDType::F32, 6, bytesOf<float>({0, 1, 2, 3, 4, 5})});
    spec.storages.push_back({"6", TorchDType::F16, 2, bytesOf<std::uint16_t>({0x4200, 0x4400})}); // 3, 4
    spec.storages.push_back({"7", TorchDType::F32, 1, bytesOf<float>({42.5f})});

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

std::string writeCheckpoint(const std::string &path, const TorchStateDict &spec,
                            const TorchSaveOptions &options = unalignedArchive())
{
    writeFile(path, test::torchSaveArchive(spec, test::torchSavePickle(spec), options));
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
        TorchStateDict spec;
        spec.storages.push_back({"0", TorchDType::F32, 4, bytesOf<float>({10, 20, 30, 40})});
        TorchSaveOptions options = unalignedArchive();
        options.byteorder = byteorder;
        writeFile(path(name), test::torchSaveArchive(spec, pickle, options));
        return path(name);
    }

private slots:
    void readsEveryDtypeAsTorchSaveWritesThem()
    {
        TorchStateDict spec = typicalCheckpoint();
        spec.moduleMetadata = true;
        const TensorMap tensors = readPytorchCheckpoint(writeCheckpoint(path("typical.bin"), spec, TorchSaveOptions()));
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
        const TorchStateDict spec = typicalCheckpoint();
        TorchSaveOptions options;
        options.folder = "pytorch_model-00001-of-00002"; // older torch.save named the folder after the file
        options.byteorder.clear();                        // and wrote no byteorder record
        options.zip64 = true;
        options.comment = "a trailing archive comment";
        const TensorMap tensors = readPytorchCheckpoint(writeCheckpoint(path("zip64.bin"), spec, options));
        QCOMPARE(tensors.size(), spec.tensors.size());
        QCOMPARE(valuesOf<float>(tensors.at("attn.k")), (std::vector<float>{4, 5, 6, 7}));
        QCOMPARE(valuesOf<std::int64_t>(tensors.at("model.position_ids"))[3], std::int64_t(1) << 40);
    }

    void emitterMatchesCPythonAndItsOutputReads()
    {
        TorchStateDict spec;
        spec.storages.push_back({"0", TorchDType::F16, 4, bytesOf<std::uint16_t>({0x3C00, 0x4000, 0x4200, 0x4400})});
        spec.storages.push_back({"1", TorchDType::F32, 3, bytesOf<float>({0.5f, 1.5f, 2.5f})});
        spec.tensors.push_back({"a", "0", 0, {2, 2}, {2, 1}});
        spec.tensors.push_back({"b", "0", 2, {2}, {1}});
        spec.tensors.push_back({"c", "1", 0, {3}, {1}, true});
        spec.moduleMetadata = true;
        const std::string cpython = fromHex(CPythonPickleHex);
        QCOMPARE(QByteArray::fromStdString(test::torchSavePickle(spec)), QByteArray::fromStdString(cpython));

        writeFile(path("cpython.bin"), test::torchSaveArchive(spec, cpython, unalignedArchive()));
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

    void writesStateDictsAsTorchSaveDoes()
    {
        const std::vector<TorchSaveTensor> tensors{
            {"weight", TorchDType::F32, {2, 3}, bytesOf<float>({1, 2, 3, 4, 5, 6})},
            {"half", TorchDType::F16, {2}, bytesOf<std::uint16_t>({0x3C00, 0xC000})},
            {"bf16", TorchDType::BF16, {1, 1, 2}, bytesOf<std::uint16_t>({0x3F80, 0x4000})},
            {"ids", TorchDType::I64, {3}, bytesOf<std::int64_t>({7, -1, std::int64_t(1) << 40})},
            {"scalar", TorchDType::F32, {}, bytesOf<float>({2.5f})},
        };
        test::writeTorchSave(path("written.bin"), tensors);
        const std::vector<DType> dtypes{DType::F32, DType::F16, DType::BF16, DType::I64, DType::F32};
        const TensorMap read = readPytorchCheckpoint(path("written.bin"));
        QCOMPARE(read.size(), tensors.size());
        for (std::size_t i = 0; i < tensors.size(); ++i) {
            const TensorInfo &t = read.at(tensors[i].name);
            QCOMPARE(t.dtype, dtypes[i]);
            QCOMPARE(t.shape, tensors[i].shape);
            QCOMPARE(t.strides, contiguousStrides(tensors[i].shape));
            QCOMPARE(t.offset % 64, std::uint64_t(0));
            QCOMPARE(std::string(reinterpret_cast<const char *>(t.data()), tensors[i].bytes.size()), tensors[i].bytes);
        }
        const ZipArchive archive(MappedFile::open(path("written.bin")));
        QCOMPARE(archive.names(),
                 (std::vector<std::string>{"archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/data/1",
                                           "archive/data/2", "archive/data/3", "archive/data/4", "archive/version",
                                           "archive/.data/serialization_id"}));
        // written under a temporary name and renamed: nothing else is left beside it
        QCOMPARE(QDir(dir_.path()).entryList({"written.bin*"}, QDir::Files), QStringList{"written.bin"});

        const std::vector<TorchSaveTensor> shortData{{"w", TorchDType::F32, {2}, bytesOf<float>({1})}};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, test::writeTorchSave(path("short-data.bin"), shortData));
        const std::vector<TorchSaveTensor> twice{{"w", TorchDType::F32, {}, bytesOf<float>({1})},
                                                 {"w", TorchDType::F32, {}, bytesOf<float>({2})}};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, test::writeTorchSave(path("twice.bin"), twice));
        QVERIFY(!QFile::exists(QString::fromStdString(path("short-data.bin"))));
    }

    void readsWhatPyTorchWrote()
    {
        // torch.save of a state dict with views, a transposed view, a parameter, a buffer and a
        // 0-dim double; the JSON lists each tensor's dtype, shape, strides and values.
        const std::string data = GEOLENS_SOURCE_DIR "/tests/data/torch_save_small";
        const Json expected = readJsonFile(data + ".json").at("tensors");
        const TensorMap tensors = readPytorchCheckpoint(data + ".bin");
        QCOMPARE(tensors.size(), expected.size());
        const std::map<std::string, DType> dtypes{{"float16", DType::F16}, {"bfloat16", DType::BF16},
                                                  {"float32", DType::F32}, {"float64", DType::F64},
                                                  {"int64", DType::I64}};
        for (const auto &[name, want] : expected.items()) {
            const auto found = tensors.find(name);
            QVERIFY2(found != tensors.end(), name.c_str());
            const TensorInfo &t = found->second;
            QCOMPARE(t.dtype, dtypes.at(want.at("dtype").get<std::string>()));
            QCOMPARE(t.shape, intsOf(want.at("shape")));
            QCOMPARE(t.strides, intsOf(want.at("stride")));
            const std::vector<double> values = logicalValues(t);
            QCOMPARE(values.size(), want.at("values").size());
            for (std::size_t i = 0; i < values.size(); ++i) {
                const auto w = want.at("values").at(i).get<double>();
                QVERIFY2(std::abs(values[i] - w) <= 1e-6 * std::abs(w),
                         qPrintable(QString("%1[%2] is %3, expected %4")
                                        .arg(QString::fromStdString(name))
                                        .arg(i)
                                        .arg(values[i], 0, 'g', 17)
                                        .arg(w, 0, 'g', 17)));
            }
        }
    }

    void zipArchiveFindsEntriesAndRefusesCompressedData()
    {
        for (bool zip64 : {false, true}) {
            ZipWriteOptions options;
            options.zip64 = zip64;
            options.alignData = zip64;
            options.comment = "PK\x05\x06 inside a comment";
            const std::string bytes =
                test::zipArchive({{"dir/a.txt", "hello"}, {"dir/b.bin", "not really deflated", ZipMember::DeflateMethod}},
                                 options);
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
            QCOMPARE(b->compressionMethod, ZipMember::DeflateMethod);
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
        std::string bytes = test::zipArchive({{"a", "1"}, {"b", "2"}});
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
        const std::string command = "touch " + marker;
        std::string posix{char(op::Proto), 2, char(op::Global)};
        posix += "posix\nsystem\n";
        posix += {char(op::BinPut), 0, char(op::BinUnicode)};
        putLe(posix, command.size(), 4);
        posix += command;
        posix += {char(op::BinPut), 1, char(op::Tuple1), char(op::BinPut), 2, char(op::Reduce), char(op::BinPut), 3,
                  char(op::Stop)};
        expectRefused(writeWithPickle("posix.bin", posix),
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
        std::string storageCall{char(op::Proto), 2, char(op::Global)};
        storageCall += "torch\nHalfStorage\n";
        storageCall += {char(op::EmptyTuple), char(op::Reduce), char(op::Stop)};
        expectRefused(writeWithPickle("storage-call.bin", storageCall),
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
        const std::string whole = test::torchSaveArchive(typicalCheckpoint(), test::torchSavePickle(typicalCheckpoint()),
                                                         unalignedArchive());
        writeFile(path("cut.bin"), whole.substr(0, whole.size() / 2));
        expectRefused(path("cut.bin"), "truncated");
        writeFile(path("cut-tail.bin"), whole.substr(0, whole.size() - 5));
        expectRefused(path("cut-tail.bin"), "truncated");
        writeFile(path("empty.bin"), "");
        expectRefused(path("empty.bin"), "not a zip archive");

        // an intact archive whose pickle stops short
        const TorchStateDict spec = typicalCheckpoint();
        const std::string pickle = test::torchSavePickle(spec);
        writeFile(path("cut-pickle.bin"),
                  test::torchSaveArchive(spec, pickle.substr(0, pickle.size() / 2), unalignedArchive()));
        expectRefused(path("cut-pickle.bin"), "truncated");
        writeFile(path("no-stop.bin"), test::torchSaveArchive(spec, pickle.substr(0, pickle.size() - 1), unalignedArchive()));
        expectRefused(path("no-stop.bin"), "without a STOP");
    }

    void refusesStoragesTooSmallOrMissing()
    {
        TorchStateDict shortStorage = typicalCheckpoint();
        shortStorage.storages[0].bytes.resize(10); // 5 halves, the pickle says 6
        expectRefused(writeCheckpoint(path("short.bin"), shortStorage),
                      "storage entry archive/data/0 holds 10 bytes, but the pickle describes 6 elements of F16");

        TorchStateDict pastEnd = typicalCheckpoint();
        pastEnd.tensors[0].storageOffset = 1; // 2 x 3 halves from element 1 of 6
        expectRefused(writeCheckpoint(path("past-end.bin"), pastEnd),
                      "reaches past the end of its storage archive/data/0");

        TorchStateDict hugeStride = typicalCheckpoint();
        hugeStride.tensors[0].stride = {std::int64_t(1) << 62, 1}; // wraps around if unchecked
        expectRefused(writeCheckpoint(path("huge-stride.bin"), hugeStride), "reaches past the end");

        TorchStateDict missing = typicalCheckpoint();
        missing.tensors[1].storageKey = "99";
        expectRefused(writeCheckpoint(path("missing.bin"), missing), "archive/data/99 is missing");
    }

    void refusesCompressedEntries()
    {
        const TorchStateDict spec = typicalCheckpoint();
        std::vector<ZipMember> members{{"archive/data.pkl", test::torchSavePickle(spec), ZipMember::DeflateMethod}};
        writeFile(path("deflated-pickle.bin"), test::zipArchive(members));
        expectRefused(path("deflated-pickle.bin"), "compressed (method 8)");

        members = {{"archive/data.pkl", test::torchSavePickle(spec)}};
        for (const TorchStorage &storage : spec.storages)
            members.push_back({"archive/data/" + storage.key, storage.bytes, ZipMember::DeflateMethod});
        writeFile(path("deflated-storage.bin"), test::zipArchive(members));
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

        writeFile(path("other.zip"), test::zipArchive({{"model/weights.txt", "1 2 3"}}));
        expectRefused(path("other.zip"), "has no data.pkl entry");

        const std::string list{char(op::Proto), 2, char(op::EmptyList), char(op::Stop)};
        expectRefused(writeWithPickle("list.bin", list), "its top-level object is a list");
    }

    // A shard index may only name files in its model folder, as the safetensors index already did.
    void indexShardsStayInTheModelFolder()
    {
        const QString folder = dir_.filePath("escaping-index");
        QDir().mkpath(folder);
        const std::string outside = path("outside.bin");
        writeFile(outside, "x");
        for (const std::string &shard : {outside, std::string("../outside.bin")}) {
            writeFile(folder.toStdString() + "/pytorch_model.bin.index.json",
                      "{\"weight_map\": {\"lm_head.weight\": \"" + shard + "\"}}");
            try {
                readCheckpointFolder(folder.toStdString());
                QFAIL("an index reached outside its folder");
            } catch (const FileError &e) {
                QVERIFY2(QString(e.what()).contains("not a file in the index's folder"), e.what());
            }
        }
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
        const std::string emptyDict = test::torchSavePickle(TorchStateDict{});
        expectRefused(writeWithPickle("big.bin", emptyDict, "big"), "big-endian");
        expectRefused(writeWithPickle("odd-order.bin", emptyDict, "middle"), "unknown byte order");
        QVERIFY(readPytorchCheckpoint(writeWithPickle("empty-dict.bin", emptyDict)).empty());
    }
};

QTEST_APPLESS_MAIN(PytorchCheckpointTest)
#include "tst_pytorch_checkpoint.moc"
