#include "EngineTestData.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "model/CheckpointFolder.h"
#include "model/SafetensorsReader.h"
#include "model/SafetensorsWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace geolens;
using geolens::test::halfToFloat;
using geolens::test::bfloat16ToFloat;

namespace {

struct TensorSpec {
    std::string name;
    std::string dtype;
    std::vector<std::int64_t> shape;
    QByteArray bytes;
};

template <typename T>
QByteArray bytesOf(const std::vector<T> &values)
{
    return QByteArray(reinterpret_cast<const char *>(values.data()), int(values.size() * sizeof(T)));
}

// Copies out of the mapping: tensor data in a safetensors file need not be aligned.
template <typename T>
std::vector<T> valuesOf(const TensorInfo &tensor)
{
    std::vector<T> values(static_cast<std::size_t>(tensor.numel()));
    std::memcpy(values.data(), tensor.data(), values.size() * sizeof(T));
    return values;
}

QByteArray littleEndian64(std::uint64_t value)
{
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = char((value >> (8 * i)) & 0xFF);
    return bytes;
}

QByteArray safetensorsBytes(const QByteArray &header, const QByteArray &data)
{
    return littleEndian64(std::uint64_t(header.size())) + header + data;
}

// The header the reference writer would produce for these tensors, laid out in the data region
// in the given order. Entries are listed in reverse so that a reader relying on the order of the
// header rather than the offsets would fail.
QByteArray headerFor(const std::vector<TensorSpec> &tensors, bool padToEight = true)
{
    std::vector<std::pair<std::string, Json>> entries;
    std::int64_t offset = 0;
    for (const TensorSpec &t : tensors) {
        const std::int64_t end = offset + static_cast<std::int64_t>(t.bytes.size());
        entries.emplace_back(t.name, Json{{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, end}}});
        offset = end;
    }
    Json header = Json::object();
    header["__metadata__"] = {{"format", "pt"}};
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
        header[it->first] = it->second;
    QByteArray text = QByteArray::fromStdString(dumpJson(header));
    while (padToEight && text.size() % 8 != 0)
        text += ' ';
    return text;
}

QByteArray dataFor(const std::vector<TensorSpec> &tensors)
{
    QByteArray data;
    for (const TensorSpec &t : tensors)
        data += t.bytes;
    return data;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
}

void writeSafetensors(const QString &path, const std::vector<TensorSpec> &tensors)
{
    writeFile(path, safetensorsBytes(headerFor(tensors), dataFor(tensors)));
}

// A header entry written by hand, for the malformed ones.
QByteArray entry(const char *name, const char *dtype, const char *shape, const char *offsets)
{
    return QByteArray("\"") + name + "\": {\"dtype\": " + dtype + ", \"shape\": " + shape
           + ", \"data_offsets\": " + offsets + "}";
}

QByteArray fileWith(const QByteArray &entries, int dataBytes)
{
    return safetensorsBytes("{" + entries + "}", QByteArray(dataBytes, '\x11'));
}

template <typename T>
TensorBytes tensorOf(const std::string &name, DType dtype, std::vector<std::int64_t> shape,
                     const std::vector<T> &values)
{
    return TensorBytes::owning(name, dtype, std::move(shape),
                               std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T)));
}

QByteArray bytesOf(const TensorBytes &tensor)
{
    return QByteArray(static_cast<const char *>(tensor.data), int(tensor.size));
}

QByteArray bytesOf(const TensorInfo &tensor)
{
    return QByteArray(reinterpret_cast<const char *>(tensor.data()), int(tensor.extentBytes()));
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// The header length and the header JSON text (with its padding) of a written file.
std::pair<std::uint64_t, QByteArray> rawHeaderOf(const QByteArray &file)
{
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i)
        length = (length << 8) | std::uint8_t(file.at(i));
    return {length, file.mid(8, int(length))};
}

Json headerJsonOf(const QString &path)
{
    const QByteArray header = rawHeaderOf(readFile(path)).second;
    return parseJson(std::string_view(header.constData(), std::size_t(header.size())));
}

QStringList entriesOf(const QString &folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

// Tensors of every kind the exporter writes, named out of alphabetical order so that a writer
// sorting them would lay them out differently from the order given.
std::vector<TensorBytes> sampleTensors()
{
    return {
        tensorOf("z.weight", DType::F32, {2, 3}, std::vector<float>{0.0f, 1.5f, -2.0f, 3.25f, 1e-3f, 65504.0f}),
        tensorOf("half", DType::F16, {5}, std::vector<std::uint16_t>{0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001}),
        tensorOf("bf16", DType::BF16, {2, 1, 2}, std::vector<std::uint16_t>{0x3F80, 0xBFC0, 0x4049, 0x0000}),
        tensorOf("ids", DType::I64, {3},
                 std::vector<std::int64_t>{-1, (std::int64_t(1) << 40) + 3, std::numeric_limits<std::int64_t>::min()}),
        tensorOf("scalar", DType::F32, {}, std::vector<float>{42.0f}),
        tensorOf("empty", DType::F32, {0, 4}, std::vector<float>{}),
        tensorOf("mask", DType::Bool, {3}, std::vector<std::uint8_t>{1, 0, 1}),
    };
}

} // namespace

class SafetensorsTest : public QObject {
    Q_OBJECT

private slots:
    void readsEveryDtype_data()
    {
        QTest::addColumn<bool>("padded");
        QTest::newRow("header padded to 8 bytes") << true;
        QTest::newRow("unaligned data region") << false;
    }

    void readsEveryDtype()
    {
        QFETCH(bool, padded);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("model.safetensors").toStdString();

        const std::vector<float> weights = {0.0f, 1.5f, -2.0f, 3.25f, 1e-3f, 65504.0f};
        const std::vector<std::uint16_t> halves = {0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001};
        const std::vector<std::uint16_t> bfloats = {0x3F80, 0xBFC0, 0x4049, 0x0000};
        const std::vector<std::int64_t> ids = {-1, (std::int64_t(1) << 40) + 3,
                                               std::numeric_limits<std::int64_t>::min()};
        const std::vector<TensorSpec> tensors = {
            {"model.weight", "F32", {2, 3}, bytesOf(weights)},
            {"half", "F16", {5}, bytesOf(halves)},
            {"bf16", "BF16", {2, 1, 2}, bytesOf(bfloats)},
            {"ids", "I64", {3}, bytesOf(ids)},
            {"scalar", "F32", {}, bytesOf(std::vector<float>{42.0f})},
            {"empty", "F32", {0, 4}, QByteArray()},
        };
        QByteArray header = headerFor(tensors, padded);
        if (padded) {
            QCOMPARE(header.size() % 8, 0);
        } else {
            if ((8 + header.size()) % 4 == 0)
                header += ' ';
            QVERIFY((8 + header.size()) % 4 != 0); // F32 and I64 data lie at odd addresses
        }
        writeFile(QString::fromStdString(path), safetensorsBytes(header, dataFor(tensors)));

        const TensorMap map = readSafetensors(path);
        QCOMPARE(map.size(), std::size_t(6)); // __metadata__ is not a tensor
        QVERIFY(map.count("__metadata__") == 0);

        const std::uint64_t dataStart = 8 + std::uint64_t(header.size());
        std::uint64_t begin = 0;
        for (const TensorSpec &spec : tensors) {
            const TensorInfo &t = map.at(spec.name);
            QCOMPARE(t.name, spec.name);
            QCOMPARE(std::string(dtypeName(t.dtype)), spec.dtype);
            QCOMPARE(t.shape, spec.shape);
            QCOMPARE(t.strides, contiguousStrides(spec.shape));
            QCOMPARE(t.offset, dataStart + begin);
            QCOMPARE(t.extentBytes(), std::uint64_t(spec.bytes.size()));
            QCOMPARE(t.file->path(), path);
            QVERIFY(t.file == map.at("model.weight").file); // one mapping shared by all
            begin += std::uint64_t(spec.bytes.size());
        }

        const TensorInfo &weight = map.at("model.weight");
        QCOMPARE(weight.dtype, DType::F32);
        QCOMPARE(weight.strides, (std::vector<std::int64_t>{3, 1}));
        QCOMPARE(valuesOf<float>(weight), weights);

        const std::vector<std::uint16_t> halfBits = valuesOf<std::uint16_t>(map.at("half"));
        QCOMPARE(halfBits, halves);
        QCOMPARE(halfToFloat(halfBits[0]), 1.0f);
        QCOMPARE(halfToFloat(halfBits[1]), -2.0f);
        QCOMPARE(halfToFloat(halfBits[2]), 0.5f);
        QCOMPARE(halfToFloat(halfBits[3]), 65504.0f);
        QCOMPARE(halfToFloat(halfBits[4]), std::ldexp(1.0f, -24)); // smallest subnormal

        const TensorInfo &bf16 = map.at("bf16");
        QCOMPARE(bf16.dtype, DType::BF16);
        QCOMPARE(bf16.strides, (std::vector<std::int64_t>{2, 2, 1}));
        const std::vector<std::uint16_t> bfBits = valuesOf<std::uint16_t>(bf16);
        QCOMPARE(bfloat16ToFloat(bfBits[0]), 1.0f);
        QCOMPARE(bfloat16ToFloat(bfBits[1]), -1.5f);
        QCOMPARE(bfloat16ToFloat(bfBits[2]), 3.140625f);
        QCOMPARE(bfloat16ToFloat(bfBits[3]), 0.0f);

        QCOMPARE(map.at("ids").dtype, DType::I64);
        QCOMPARE(valuesOf<std::int64_t>(map.at("ids")), ids);
        QCOMPARE(map.at("scalar").numel(), std::int64_t(1));
        QCOMPARE(valuesOf<float>(map.at("scalar")).front(), 42.0f);
        QCOMPARE(map.at("empty").numel(), std::int64_t(0));
    }

    void readsHeaderWithoutTensors()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("empty.safetensors").toStdString();
        writeFile(QString::fromStdString(path), safetensorsBytes("{\"__metadata__\": {\"format\": \"pt\"}}   ", {}));
        QVERIFY(readSafetensors(path).empty());
        writeFile(QString::fromStdString(path), safetensorsBytes("{}", {}));
        QVERIFY(readSafetensors(path).empty());
    }

    void keepsTensorsAlive()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("alive.safetensors").toStdString();
        writeSafetensors(QString::fromStdString(path), {{"w", "F32", {2}, bytesOf(std::vector<float>{7.0f, 8.0f})}});
        TensorInfo kept;
        {
            const TensorMap map = readSafetensors(path);
            kept = map.at("w");
        }
        QCOMPARE(valuesOf<float>(kept), (std::vector<float>{7.0f, 8.0f}));
    }

    void readsOffsetsBeyondFourGigabytes()
    {
        // A sparse file: 4 GiB of holes, then one tensor whose offset needs more than 32 bits.
        QTemporaryDir dir;
        const QString path = dir.filePath("large.safetensors");
        const std::uint64_t bigBytes = std::uint64_t(1) << 32;
        const QByteArray header = "{" + entry("big", "\"U8\"", "[4294967296]", "[0, 4294967296]") + ", "
                                  + entry("tail", "\"I64\"", "[2]", "[4294967296, 4294967312]") + "}";
        const std::vector<std::int64_t> tail = {-3, (std::int64_t(1) << 50) + 1};
        const std::uint64_t dataStart = 8 + std::uint64_t(header.size());
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(littleEndian64(std::uint64_t(header.size())) + header);
            if (!file.resize(qint64(dataStart + bigBytes)) || !file.seek(qint64(dataStart + bigBytes)))
                QSKIP("The file system cannot hold a sparse 4 GiB file.");
            QCOMPARE(file.write(bytesOf(tail)), qint64(16));
        }
        const TensorMap map = readSafetensors(path.toStdString());
        QCOMPARE(map.at("big").numel(), std::int64_t(bigBytes));
        QCOMPARE(map.at("tail").offset, dataStart + bigBytes);
        QVERIFY(map.at("tail").offset > std::numeric_limits<std::uint32_t>::max());
        QCOMPARE(valuesOf<std::int64_t>(map.at("tail")), tail);
    }

    void rejectsCorruptFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("problem");
        QTest::addColumn<QString>("tensor"); // empty where the fault is not one tensor's

        const QByteArray f32x4 = entry("w", "\"F32\"", "[4]", "[0, 16]");
        QTest::newRow("empty file") << QByteArray() << "too short" << "";
        QTest::newRow("shorter than 8 bytes") << QByteArray("\x08\x00\x00", 3) << "too short" << "";
        QTest::newRow("header longer than file")
            << littleEndian64(100) + QByteArray("{}        ") << "header length of 100 bytes exceeds the 10 bytes" << "";
        QTest::newRow("absurd header length")
            << littleEndian64(std::uint64_t(1) << 40) + QByteArray("{}") << "100 MB" << "";
        QTest::newRow("header not JSON") << safetensorsBytes("{\"w\": ", {}) << "not valid JSON (line 1, column 7)" << "";
        QTest::newRow("header with trailing bytes")
            << safetensorsBytes("{}\x01", {}) << "not valid JSON (line 1, column 3)" << "";
        QTest::newRow("header is an array") << safetensorsBytes("[]", {}) << "is an array, not a JSON object" << "";
        QTest::newRow("duplicate tensor") << fileWith(f32x4 + ", " + f32x4, 16) << "duplicate key \"w\"" << "";
        QTest::newRow("entry not an object") << fileWith("\"w\": [1, 2]", 0) << "not an object" << "w";
        QTest::newRow("missing dtype")
            << fileWith("\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}", 4) << "no \"dtype\"" << "w";
        QTest::newRow("dtype not a string") << fileWith(entry("w", "4", "[1]", "[0, 4]"), 4) << "no \"dtype\"" << "w";
        QTest::newRow("unknown dtype")
            << fileWith(entry("w", "\"F8_E4M3\"", "[4]", "[0, 4]"), 4) << "unknown dtype \"F8_E4M3\"" << "w";
        QTest::newRow("lowercase dtype")
            << fileWith(entry("w", "\"f32\"", "[1]", "[0, 4]"), 4) << "unknown dtype \"f32\"" << "w";
        QTest::newRow("missing shape")
            << fileWith("\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}", 4) << "no \"shape\"" << "w";
        QTest::newRow("shape not a list") << fileWith(entry("w", "\"F32\"", "4", "[0, 16]"), 16) << "no \"shape\"" << "w";
        QTest::newRow("negative dimension")
            << fileWith(entry("w", "\"F32\"", "[2, -1]", "[0, 8]"), 8) << "non-negative integers: [2,-1]" << "w";
        QTest::newRow("fractional dimension")
            << fileWith(entry("w", "\"F32\"", "[2, 1.5]", "[0, 12]"), 12) << "non-negative integers" << "w";
        QTest::newRow("string dimension")
            << fileWith(entry("w", "\"F32\"", "[\"4\"]", "[0, 16]"), 16) << "non-negative integers" << "w";
        QTest::newRow("missing data_offsets")
            << fileWith("\"w\": {\"dtype\": \"F32\", \"shape\": [1]}", 4) << "found none" << "w";
        QTest::newRow("one offset") << fileWith(entry("w", "\"F32\"", "[1]", "[0]"), 4) << "\"data_offsets\"" << "w";
        QTest::newRow("three offsets")
            << fileWith(entry("w", "\"F32\"", "[1]", "[0, 4, 8]"), 8) << "\"data_offsets\"" << "w";
        QTest::newRow("begin after end")
            << fileWith(entry("w", "\"F32\"", "[1]", "[8, 4]"), 8) << "0 <= begin <= end; found [8,4]" << "w";
        QTest::newRow("negative begin")
            << fileWith(entry("w", "\"F32\"", "[1]", "[-4, 0]"), 4) << "\"data_offsets\"" << "w";
        QTest::newRow("string offset")
            << fileWith(entry("w", "\"F32\"", "[1]", "[\"0\", 4]"), 4) << "\"data_offsets\"" << "w";
        QTest::newRow("fractional offset")
            << fileWith(entry("w", "\"F32\"", "[1]", "[0, 4.0]"), 4) << "\"data_offsets\"" << "w";
        QTest::newRow("truncated data")
            << fileWith(f32x4, 12) << "ends at byte 16 of the data region, which holds only 12 bytes" << "w";
        QTest::newRow("size does not match shape")
            << fileWith(entry("w", "\"F32\"", "[2, 2]", "[0, 12]"), 16)
            << "has 12 bytes of data, but its shape [2, 2] of F32 needs 16 bytes" << "w";
        QTest::newRow("BF16 sized as F32")
            << fileWith(entry("w", "\"BF16\"", "[4]", "[0, 16]"), 16) << "of BF16 needs 8 bytes" << "w";
        QTest::newRow("shape overflows")
            << fileWith(entry("w", "\"U8\"", "[4611686018427387904, 4611686018427387904]", "[0, 0]"), 0)
            << "more elements than any file holds" << "w";
        QTest::newRow("overlapping tensors")
            << fileWith(entry("a", "\"F32\"", "[2]", "[0, 8]") + ", " + entry("b", "\"F32\"", "[2]", "[4, 12]"), 12)
            << "tensors \"a\" and \"b\" overlap" << "";
        QTest::newRow("tensor inside another")
            << fileWith(entry("outer", "\"U8\"", "[16]", "[0, 16]") + ", " + entry("a", "\"U8\"", "[2]", "[4, 6]")
                            + ", " + entry("z", "\"U8\"", "[1]", "[16, 17]"),
                        17)
            << "tensors \"outer\" and \"a\" overlap" << "";
        QTest::newRow("same range twice")
            << fileWith(entry("a", "\"F32\"", "[1]", "[0, 4]") + ", " + entry("b", "\"I32\"", "[1]", "[0, 4]"), 4)
            << "overlap" << "";
    }

    void rejectsCorruptFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, problem);
        QFETCH(QString, tensor);
        QTemporaryDir dir;
        const std::string path = dir.filePath("corrupt.safetensors").toStdString();
        writeFile(QString::fromStdString(path), content);
        try {
            readSafetensors(path);
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            const QString message = QString::fromStdString(e.what());
            QCOMPARE(e.path(), path);
            QVERIFY2(message.startsWith(QString::fromStdString(path) + ": "), qPrintable(message));
            QVERIFY2(message.contains(problem), qPrintable(message));
            if (!tensor.isEmpty())
                QVERIFY2(message.contains("tensor \"" + tensor + "\""), qPrintable(message));
        }
    }

    void acceptsAdjacentAndEmptyTensors()
    {
        // Tensors that touch, and an empty tensor at an offset inside another, do not overlap.
        QTemporaryDir dir;
        const std::string path = dir.filePath("adjacent.safetensors").toStdString();
        writeFile(QString::fromStdString(path),
                  fileWith(entry("a", "\"U8\"", "[4]", "[0, 4]") + ", " + entry("b", "\"U8\"", "[4]", "[4, 8]") + ", "
                               + entry("none", "\"F32\"", "[0]", "[2, 2]"),
                           8));
        const TensorMap map = readSafetensors(path);
        QCOMPARE(map.size(), std::size_t(3));
        QCOMPARE(map.at("none").numel(), std::int64_t(0));
    }

    void reportsMissingFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("absent.safetensors").toStdString();
        try {
            readSafetensors(path);
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QCOMPARE(e.path(), path);
        }
    }

    void readsShardedCheckpoint()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir("checkpoint"));
        const QString folder = dir.filePath("checkpoint");
        const std::vector<float> a = {1.0f, 2.0f};
        const std::vector<std::int64_t> b = {std::int64_t(1) << 33};
        const std::vector<std::uint16_t> c = {0x3F80, 0xC000};
        writeSafetensors(folder + "/model-00001-of-00002.safetensors",
                         {{"layers.0.a", "F32", {2}, bytesOf(a)}, {"layers.0.b", "I64", {1}, bytesOf(b)}});
        writeSafetensors(folder + "/model-00002-of-00002.safetensors",
                         {{"layers.1.c", "BF16", {1, 2}, bytesOf(c)},
                          {"unlisted", "F32", {1}, bytesOf(std::vector<float>{9.0f})}});
        writeFile(folder + "/model.safetensors.index.json", R"({
  "metadata": {"total_size": 28},
  "weight_map": {
    "layers.0.a": "model-00001-of-00002.safetensors",
    "layers.1.c": "model-00002-of-00002.safetensors",
    "layers.0.b": "model-00001-of-00002.safetensors"
  }
})");

        const TensorMap map = readSafetensorsIndex((folder + "/model.safetensors.index.json").toStdString());
        QCOMPARE(map.size(), std::size_t(3));
        QVERIFY(map.count("unlisted") == 0); // only what the weight_map lists
        QCOMPARE(valuesOf<float>(map.at("layers.0.a")), a);
        QCOMPARE(valuesOf<std::int64_t>(map.at("layers.0.b")), b);
        QCOMPARE(map.at("layers.1.c").shape, (std::vector<std::int64_t>{1, 2}));
        QCOMPARE(bfloat16ToFloat(valuesOf<std::uint16_t>(map.at("layers.1.c"))[1]), -2.0f);
        // Each shard is mapped once, whatever the order of the weight_map.
        QVERIFY(map.at("layers.0.a").file == map.at("layers.0.b").file);
        QVERIFY(map.at("layers.0.a").file != map.at("layers.1.c").file);
        QVERIFY(QString::fromStdString(map.at("layers.1.c").file->path()).endsWith("/model-00002-of-00002.safetensors"));
    }

    void rejectsBrokenIndexes_data()
    {
        QTest::addColumn<QByteArray>("index");
        QTest::addColumn<QString>("faultyFile"); // the file the error must be about
        QTest::addColumn<QString>("problem");

        QTest::newRow("missing shard")
            << QByteArray(R"({"weight_map": {"a": "shard-1.safetensors", "z": "shard-9.safetensors"}})")
            << "shard-9.safetensors" << "cannot open";
        QTest::newRow("tensor not in its shard")
            << QByteArray(R"({"weight_map": {"a": "shard-1.safetensors", "ghost": "shard-1.safetensors"}})")
            << "shard-1.safetensors" << "does not contain tensor \"ghost\"";
        QTest::newRow("corrupt shard")
            << QByteArray(R"({"weight_map": {"a": "shard-1.safetensors", "b": "broken.safetensors"}})")
            << "broken.safetensors" << "too short";
        QTest::newRow("no weight_map") << QByteArray(R"({"metadata": {}})") << "index.json" << "\"weight_map\"";
        QTest::newRow("weight_map not an object")
            << QByteArray(R"({"weight_map": ["a"]})") << "index.json" << "\"weight_map\"";
        QTest::newRow("index not an object") << QByteArray("[]") << "index.json" << "\"weight_map\"";
        QTest::newRow("index not JSON")
            << QByteArray("{\"weight_map\": {\"a\": \"shard-1.safetensors\",}}") << "index.json"
            << "line 1, column 44: syntax error while parsing object key";
        QTest::newRow("shard name not a string")
            << QByteArray(R"({"weight_map": {"a": 1}})") << "index.json" << "tensor \"a\" is a number";
        QTest::newRow("shard outside the folder")
            << QByteArray(R"({"weight_map": {"a": "../shard-1.safetensors"}})") << "index.json"
            << "not a file in the index's folder";
        QTest::newRow("absolute shard path")
            << QByteArray(R"({"weight_map": {"a": "/shard-1.safetensors"}})") << "index.json"
            << "not a file in the index's folder";
    }

    void rejectsBrokenIndexes()
    {
        QFETCH(QByteArray, index);
        QFETCH(QString, faultyFile);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        writeSafetensors(dir.filePath("shard-1.safetensors"), {{"a", "F32", {1}, bytesOf(std::vector<float>{1.0f})}});
        writeFile(dir.filePath("broken.safetensors"), QByteArray("\x02\x00", 2));
        writeFile(dir.filePath("index.json"), index);
        try {
            readSafetensorsIndex(dir.filePath("index.json").toStdString());
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            const QString message = QString::fromStdString(e.what());
            QCOMPARE(QString::fromStdString(e.path()), dir.filePath(faultyFile));
            QVERIFY2(message.startsWith(dir.filePath(faultyFile) + ": "), qPrintable(message));
            QVERIFY2(message.contains(problem), qPrintable(message));
        }
    }

    void writtenFileReadsBack()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("student.safetensors");
        const std::vector<TensorBytes> tensors = sampleTensors();
        writeFile(path, "an earlier, broken export"); // replaced whole, not appended to
        geolens::writeSafetensors(path.toStdString(), tensors);

        const TensorMap map = readSafetensors(path.toStdString());
        QCOMPARE(map.size(), tensors.size());
        const std::uint64_t headerLength = rawHeaderOf(readFile(path)).first;
        std::uint64_t offset = 8 + headerLength;
        for (const TensorBytes &spec : tensors) {
            const TensorInfo &t = map.at(spec.name);
            QCOMPARE(t.dtype, spec.dtype);
            QCOMPARE(t.shape, spec.shape);
            QCOMPARE(t.offset, offset); // back to back, in the order given
            QCOMPARE(bytesOf(t), bytesOf(spec));
            offset += spec.size;
        }
        QCOMPARE(std::uint64_t(QFileInfo(path).size()), offset);
        QCOMPARE(map.at("scalar").numel(), std::int64_t(1));
        QCOMPARE(valuesOf<float>(map.at("scalar")).front(), 42.0f);
        QCOMPARE(map.at("empty").numel(), std::int64_t(0));
        QCOMPARE(valuesOf<std::int64_t>(map.at("ids"))[2], std::numeric_limits<std::int64_t>::min());
        QCOMPARE(bfloat16ToFloat(valuesOf<std::uint16_t>(map.at("bf16"))[1]), -1.5f);
        QCOMPARE(entriesOf(dir.path()), QStringList{"student.safetensors"}); // no temporary file left
    }

    void writesViewedBytesWithoutCopying()
    {
        // The descriptor holds the caller's buffer alive through owner, as the exporter's
        // LibTorch tensors will be, and the bytes written are the buffer's at write time.
        QTemporaryDir dir;
        const std::string path = dir.filePath("view.safetensors").toStdString();
        auto buffer = std::make_shared<std::vector<float>>(1 << 20);
        for (std::size_t i = 0; i < buffer->size(); ++i)
            (*buffer)[i] = float(i) * 0.5f;
        std::vector<TensorBytes> tensors = {
            TensorBytes::view("big", DType::F32, {1024, 1024}, buffer->data(), buffer->size() * sizeof(float), buffer),
            TensorBytes::view("tail", DType::F32, {2}, buffer->data() + 10, 2 * sizeof(float), buffer)};
        const std::vector<float> expected = *buffer;
        buffer.reset();
        geolens::writeSafetensors(path, tensors);
        const TensorMap map = readSafetensors(path);
        QCOMPARE(valuesOf<float>(map.at("big")), expected);
        QCOMPARE(valuesOf<float>(map.at("tail")), (std::vector<float>{5.0f, 5.5f}));
    }

    void writtenHeaderIsPaddedToEightBytes()
    {
        // Names of every length modulo 8 reach every amount of padding.
        QTemporaryDir dir;
        for (int length = 1; length <= 16; ++length) {
            const QString path = dir.filePath(QString("padded-%1.safetensors").arg(length));
            const std::string name(std::size_t(length), 'n');
            const std::vector<float> values = {1.0f, -1.0f, 0.25f};
            geolens::writeSafetensors(path.toStdString(), {tensorOf(name, DType::F32, {3}, values)});

            const QByteArray file = readFile(path);
            const auto header = rawHeaderOf(file);
            QCOMPARE(header.first % 8, std::uint64_t(0));
            QCOMPARE(std::uint64_t(file.size()), 8 + header.first + 12);
            const QByteArray json = header.second.trimmed();
            QVERIFY2(header.second.startsWith(json), "padding must follow the JSON, as spaces");
            for (int i = json.size(); i < header.second.size(); ++i)
                QCOMPARE(header.second.at(i), ' ');
            QVERIFY(header.second.size() - json.size() < 8);

            const Json parsed = parseJson(json.toStdString());
            QCOMPARE(parsed.size(), std::size_t(1)); // no "__metadata__" when none is given
            const Json &entry = parsed.at(name);
            QCOMPARE(entry.at("dtype").get<std::string>(), std::string("F32"));
            QCOMPARE(entry.at("shape"), Json::array({3}));
            QCOMPARE(entry.at("data_offsets"), Json::array({0, 12}));
            QCOMPARE(valuesOf<float>(readSafetensors(path.toStdString()).at(name)), values);
        }
    }

    void writesMetadata()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("meta.safetensors");
        const std::map<std::string, std::string> metadata = {
            {"format", "pt"}, {"teacher", "GeoChat-7B"}, {"note", "a \"quoted\", multi-line\nnote: \u00e9\u00e8"}};
        geolens::writeSafetensors(path.toStdString(), sampleTensors(), metadata);

        const Json header = headerJsonOf(path);
        const Json &written = header.at("__metadata__");
        QCOMPARE(written.size(), metadata.size());
        for (const auto &item : metadata)
            QCOMPARE(written.at(item.first).get<std::string>(), item.second);
        QCOMPARE(header.size(), sampleTensors().size() + 1);
        const TensorMap map = readSafetensors(path.toStdString());
        QCOMPARE(map.size(), sampleTensors().size());
        QVERIFY(map.count("__metadata__") == 0);
    }

    void rejectsInvalidTensors_data()
    {
        QTest::addColumn<int>("fault");
        QTest::addColumn<QString>("problem");
        QTest::newRow("duplicate name") << 0 << "Tensor \"half\" is given twice";
        QTest::newRow("too few bytes")
            << 1 << "Tensor \"bf16\" has 6 bytes, but its shape [2, 1, 2] of BF16 needs 8 bytes";
        QTest::newRow("too many bytes") << 2 << "Tensor \"scalar\" has 8 bytes, but its shape [] of F32 needs 4 bytes";
        QTest::newRow("negative dimension") << 3 << "Tensor \"ids\" has the shape [-3], which has a negative dimension";
        QTest::newRow("empty name") << 4 << "Tensor 3 of 7 to write has an empty name";
        QTest::newRow("reserved name") << 5 << "cannot be named \"__metadata__\"";
        QTest::newRow("no data") << 6 << "Tensor \"z.weight\" has 24 bytes but no data";
        QTest::newRow("shape overflows") << 7 << "Tensor \"mask\" has the shape [4611686018427387904, 4, 0]";
    }

    void rejectsInvalidTensors()
    {
        QFETCH(int, fault);
        QFETCH(QString, problem);
        std::vector<TensorBytes> tensors = sampleTensors();
        switch (fault) {
        case 0:
            tensors.push_back(tensorOf("half", DType::F16, {1}, std::vector<std::uint16_t>{0}));
            break;
        case 1:
            tensors[2].size = 6;
            break;
        case 2:
            tensors[4] = tensorOf("scalar", DType::F32, {}, std::vector<float>{1.0f, 2.0f});
            break;
        case 3:
            tensors[3].shape = {-3};
            break;
        case 4:
            tensors[2].name.clear();
            break;
        case 5:
            tensors[5].name = "__metadata__";
            break;
        case 6:
            tensors[0].data = nullptr;
            break;
        case 7:
            tensors[6].shape = {std::int64_t(1) << 62, 4, 0};
            tensors[6].size = 0;
            break;
        }
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.safetensors");
        for (int sharded = 0; sharded < 2; ++sharded) {
            try {
                if (sharded)
                    writeShardedSafetensors(dir.filePath("folder").toStdString(), tensors, 16);
                else
                    geolens::writeSafetensors(path.toStdString(), tensors);
                QFAIL("expected InvalidArgument");
            } catch (const InvalidArgument &e) {
                QVERIFY2(QString::fromStdString(e.what()).contains(problem), e.what());
            }
            QVERIFY(entriesOf(dir.path()).isEmpty()); // checked before anything is written
        }
    }

    void reportsUnwritablePath()
    {
        QTemporaryDir dir;
        // A folder that does not exist: the temporary file cannot even be created.
        const std::string missing = dir.filePath("no-such-folder/model.safetensors").toStdString();
        try {
            geolens::writeSafetensors(missing, sampleTensors());
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QCOMPARE(e.path(), missing);
            QVERIFY2(QString::fromStdString(e.what()).startsWith(QString::fromStdString(missing) + ": "), e.what());
        }
        QVERIFY(entriesOf(dir.path()).isEmpty());

        // A folder in the way of the file: everything is written, then the rename fails, and
        // the complete temporary file must go.
        QVERIFY(QDir(dir.path()).mkdir("model.safetensors"));
        const std::string blocked = dir.filePath("model.safetensors").toStdString();
        try {
            geolens::writeSafetensors(blocked, sampleTensors());
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QCOMPARE(e.path(), blocked);
        }
        QCOMPARE(entriesOf(dir.path()), QStringList{"model.safetensors"});
        QVERIFY(QFileInfo(QString::fromStdString(blocked)).isDir());

        // A model folder whose place a file takes.
        writeFile(dir.filePath("taken"), "a file");
        const std::string taken = dir.filePath("taken").toStdString();
        try {
            writeShardedSafetensors(taken, sampleTensors(), 1 << 20);
            QFAIL("expected FileError");
        } catch (const FileError &e) {
            QCOMPARE(e.path(), taken);
        }
        QCOMPARE(readFile(dir.filePath("taken")), QByteArray("a file"));
    }

    void writesShardedCheckpoint()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath("student/export"); // created on the way
        // 16 + 8 bytes fill the first shard exactly; the 40-byte tensor exceeds the limit alone;
        // the empty tensor never opens a shard of its own.
        const std::vector<TensorBytes> tensors = {
            tensorOf("layers.0.a", DType::F32, {4}, std::vector<float>{1, 2, 3, 4}),
            tensorOf("layers.0.b", DType::I64, {1}, std::vector<std::int64_t>{std::int64_t(1) << 33}),
            tensorOf("layers.1.big", DType::F16, {20}, std::vector<std::uint16_t>(20, 0x3C00)),
            tensorOf("layers.2.c", DType::BF16, {2}, std::vector<std::uint16_t>{0x3F80, 0xC000}),
            tensorOf("layers.2.empty", DType::F32, {0}, std::vector<float>{}),
            tensorOf("head", DType::F32, {3}, std::vector<float>{7, 8, 9}),
        };
        const std::vector<std::string> written = writeShardedSafetensors(folder.toStdString(), tensors, 24);

        const QStringList shards = {"model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                                    "model-00003-of-00003.safetensors"};
        QCOMPARE(written.size(), std::size_t(4));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(QString::fromStdString(written[std::size_t(i)]), folder + "/" + shards[i]);
        QCOMPARE(QString::fromStdString(written[3]), folder + "/model.safetensors.index.json");
        QCOMPARE(entriesOf(folder), QStringList(shards) << "model.safetensors.index.json");

        const Json index = readJsonFile(written[3]);
        QCOMPARE(jsonToInt64(index.at("metadata").at("total_size")), std::int64_t(16 + 8 + 40 + 4 + 0 + 12));
        const std::map<std::string, int> expectedShard = {{"layers.0.a", 0}, {"layers.0.b", 0}, {"layers.1.big", 1},
                                                          {"layers.2.c", 2}, {"layers.2.empty", 2}, {"head", 2}};
        const Json &weightMap = index.at("weight_map");
        QCOMPARE(weightMap.size(), expectedShard.size());
        std::string previous;
        for (const auto &[tensor, shard] : weightMap.items()) {
            QCOMPARE(QString::fromStdString(shard.get<std::string>()), shards[expectedShard.at(tensor)]);
            QVERIFY(previous < tensor); // sorted, as transformers writes it
            previous = tensor;
        }
        for (int i = 0; i < 3; ++i) {
            const TensorMap shard = readSafetensors((folder + "/" + shards[i]).toStdString());
            for (const auto &item : expectedShard)
                QCOMPARE(shard.count(item.first), std::size_t(item.second == i));
            QCOMPARE(headerJsonOf(folder + "/" + shards[i]).at("__metadata__").at("format").get<std::string>(),
                     std::string("pt"));
        }

        const TensorMap viaIndex = readSafetensorsIndex(written[3]);
        const TensorMap viaFolder = readCheckpointFolder(folder.toStdString());
        QCOMPARE(viaIndex.size(), tensors.size());
        QCOMPARE(viaFolder.size(), tensors.size());
        for (const TensorBytes &spec : tensors) {
            for (const TensorMap *map : {&viaIndex, &viaFolder}) {
                const TensorInfo &t = map->at(spec.name);
                QCOMPARE(t.dtype, spec.dtype);
                QCOMPARE(t.shape, spec.shape);
                QCOMPARE(bytesOf(t), bytesOf(spec));
            }
        }
    }

    void writesSingleFileWhenItFits()
    {
        QTemporaryDir dir;
        const QString folder = dir.path();
        // An index left by an earlier, sharded export would be loaded instead of the new file.
        writeFile(folder + "/model.safetensors.index.json",
                  R"({"weight_map": {"old": "model-00001-of-00002.safetensors"}})");
        const std::vector<TensorBytes> tensors = sampleTensors();
        std::uint64_t total = 0;
        for (const TensorBytes &t : tensors)
            total += t.size;

        const std::vector<std::string> written = writeShardedSafetensors(folder.toStdString(), tensors, total);
        QCOMPARE(written, std::vector<std::string>{(folder + "/model.safetensors").toStdString()});
        QCOMPARE(entriesOf(folder), QStringList{"model.safetensors"});
        const TensorMap map = readCheckpointFolder(folder.toStdString());
        QCOMPARE(map.size(), tensors.size());
        for (const TensorBytes &spec : tensors)
            QCOMPARE(bytesOf(map.at(spec.name)), bytesOf(spec));

        // One byte less, and the same tensors need two shards under another base name.
        const std::vector<std::string> sharded =
            writeShardedSafetensors(folder.toStdString(), tensors, total - 1, "student");
        QCOMPARE(sharded.size(), std::size_t(3));
        QCOMPARE(QString::fromStdString(sharded[0]), folder + "/student-00001-of-00002.safetensors");
        QCOMPARE(QString::fromStdString(sharded[2]), folder + "/student.safetensors.index.json");
        QCOMPARE(readSafetensorsIndex(sharded[2]).size(), tensors.size());

        try {
            writeShardedSafetensors(folder.toStdString(), tensors, 0);
            QFAIL("expected InvalidArgument");
        } catch (const InvalidArgument &) {
        }
    }
};

QTEST_APPLESS_MAIN(SafetensorsTest)
#include "tst_safetensors.moc"
