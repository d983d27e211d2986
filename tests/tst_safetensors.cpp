#include "common/Error.h"
#include "common/Json.h"
#include "model/SafetensorsReader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace geolens;

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
    std::vector<std::pair<std::string, JsonValue>> entries;
    std::int64_t offset = 0;
    for (const TensorSpec &t : tensors) {
        JsonValue shape = JsonValue::array();
        for (std::int64_t d : t.shape)
            shape.push(d);
        JsonValue entry = JsonValue::object();
        entry.set("dtype", t.dtype).set("shape", shape).set(
            "data_offsets", JsonValue::array().push(offset).push(offset + t.bytes.size()));
        entries.emplace_back(t.name, entry);
        offset += t.bytes.size();
    }
    JsonValue header = JsonValue::object();
    header.set("__metadata__", JsonValue::object().set("format", "pt"));
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
        header.set(it->first, it->second);
    QByteArray text = QByteArray::fromStdString(header.dump());
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
            << "line 1, column 44: expected a string key";
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
};

QTEST_APPLESS_MAIN(SafetensorsTest)
#include "tst_safetensors.moc"
