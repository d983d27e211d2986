#include "model/CpuThreads.h"
#include "model/DecodeAttention.h"
#include "model/DecodeRowOps.h"
#include "model/MachineLimits.h"
#include "model/OnesPages.h"
#include "model/PackedWeight.h"
#include "model/ReadRateProbe.h"
#include "model/SmallBatchLinear.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include "model/VectorExp.h"
// GCC 12's own AVX-512 intrinsics read an intentionally undefined register, which its warnings
// take for an uninitialised variable.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {
__attribute__((target("avx2,fma"))) void exp256(const float *x, float *y)
{
    _mm256_storeu_ps(y, geolens::detail::vectorExp256(_mm256_loadu_ps(x)));
}
__attribute__((target("avx512f"))) void exp512(const float *x, float *y)
{
    _mm512_storeu_ps(y, geolens::detail::vectorExp512(_mm512_loadu_ps(x)));
}
} // namespace
#define GEOLENS_TEST_VECTOR_EXP 1
#endif

using namespace geolens::detail;

// The streaming kernels against LibTorch's products on the same operands: every row count the
// kernels unroll, weight rows that do not fill a register block, and inner sizes with a tail that
// does not fill a vector.
class TestSmallBatchLinear : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        torch::manual_seed(7);
        if (qEnvironmentVariable("GEOLENS_CPU_KERNELS") == QLatin1String("avx2") && smallBatchKernelsAvailable())
            QCOMPARE(smallBatchKernelName(), "avx2");
        // The kernels that exist only in AVX-512 ask this, not the name: the two must agree.
        QCOMPARE(smallBatchKernelsWide(), QByteArray(smallBatchKernelName()) == "avx512");
        qInfo("kernels: %s", smallBatchKernelName());
        if (!smallBatchKernelsAvailable())
            QSKIP("this CPU has neither AVX2 nor AVX-512: the streaming kernels are not used here");
    }

    // The kernels' parallel loops are compiled into the engine: without OpenMP there they ran on
    // one thread whatever --threads said.
    void kernelsRunOnTheThreadsGiven()
    {
        const int before = at::get_num_threads();
        at::set_num_threads(2);
        QCOMPARE(smallBatchKernelThreads(), 2);
        at::set_num_threads(1);
        QCOMPARE(smallBatchKernelThreads(), 1);
        at::set_num_threads(before);
    }

    // Where the build links OpenBLAS's OpenMP build, LibTorch's products must run on it: loaded
    // after the system's default, it would leave two thread pools contending for the cores.
    void productsRunOnLibTorchsPool()
    {
        const QString expected = QStringLiteral(GEOLENS_EXPECTED_BLAS_THREADING);
        if (expected.isEmpty())
            QSKIP("this build leaves the choice of BLAS to the system");
        QCOMPARE(QString::fromLatin1(geolens::blasThreading()), expected);
        const int before = at::get_num_threads();
        at::set_num_threads(2);
        torch::manual_seed(3);
        const auto a = torch::randn({256, 192}, torch::kFloat64);
        const auto b = torch::randn({192, 160}, torch::kFloat64);
        const auto product = torch::mm(a.to(torch::kFloat32), b.to(torch::kFloat32)).to(torch::kFloat64);
        QVERIFY(torch::allclose(product, (a.unsqueeze(2) * b.unsqueeze(0)).sum(1), 1e-3, 1e-3));
        // LAPACK comes from the same build: a solve through it recovers what made the right side.
        const auto m = torch::randn({64, 64}) + 64 * torch::eye(64);
        const auto x = torch::randn({64, 3});
        QVERIFY(torch::allclose(torch::linalg_solve(m, torch::mm(m, x)), x, 1e-4, 1e-4));
        at::set_num_threads(before);
    }

    void floatWeights_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("out");
        for (const int rows : {1, 2, 3, 5, 8, 9, 16})
            for (const int in : {16, 37, 256})
                QTest::addRow("%d rows, in %d", rows, in) << rows << in << 67;
    }

    void floatWeights()
    {
        QFETCH(int, rows);
        QFETCH(int, in);
        QFETCH(int, out);
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({1, rows, in});
        const auto w = torch::randn({out, in});
        QVERIFY(smallBatchLinearApplies(x, w));
        const auto y = smallBatchLinear(x, w);
        QCOMPARE(y.sizes().vec(), (std::vector<std::int64_t>{1, rows, out}));
        const double err = (y - torch::linear(x, w)).abs().max().item<double>();
        QVERIFY2(err < 1e-4, qPrintable(QString::number(err)));
    }

    // Packed weights against LibTorch's product: every row group the kernels unroll and the
    // groups after it (9, 13, 17 and 40 rows), outputs that leave the last block partly padding,
    // one input, and a matrix wide enough that several rows groups pass over several spans of
    // blocks. On one thread and on two, whose tasks split the blocks.
    void packedWeights_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("out");
        QTest::addColumn<int>("threads");
        for (const int rows : {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 40})
            for (const int in : {1, 37, 256})
                for (const int out : {16, 67, 100})
                    QTest::addRow("%d rows, in %d, out %d", rows, in, out) << rows << in << out << 1;
        QTest::addRow("17 rows over spans") << 17 << 1024 << 600 << 1;
        QTest::addRow("17 rows over spans, two threads") << 17 << 1024 << 600 << 2;
        QTest::addRow("one row, two threads") << 1 << 256 << 400 << 2;
        // Many groups of streams, each fetching the next group's first lines near its end.
        QTest::addRow("8 rows, groups of streams") << 8 << 1024 << 600 << 1;
        QTest::addRow("8 rows, groups of streams, two threads") << 8 << 1024 << 600 << 2;
        QTest::addRow("8 rows, two threads") << 8 << 256 << 400 << 2;
        // AVX2 runs five to eight rows as two sets over stretches of 256 inputs: a short last
        // stretch, and a last block of few rows.
        QTest::addRow("5 rows, inputs over stretches") << 5 << 600 << 67 << 1;
        QTest::addRow("7 rows, inputs over stretches, two threads") << 7 << 513 << 100 << 2;
    }

    void packedWeights()
    {
        QFETCH(int, rows);
        QFETCH(int, in);
        QFETCH(int, out);
        QFETCH(int, threads);
        QVERIFY(PackedWeight::available());
        const int before = at::get_num_threads();
        at::set_num_threads(threads);
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({1, rows, in});
        const auto w = torch::randn({out, in});
        const PackedWeight packed = PackedWeight::from(w);
        QCOMPARE(packed.out, std::int64_t(out));
        QCOMPARE(packed.blocks.sizes().vec(), (std::vector<std::int64_t>{(out + 15) / 16, in, 16}));
        QVERIFY(torch::equal(packed.unpacked(), w));
        // The padding rows are zeros, so they add nothing where a kernel reads them.
        if (out % 16 != 0)
            QCOMPARE(packed.blocks.select(0, out / 16).narrow(1, out % 16, 16 - out % 16).abs().sum().item<double>(), 0.0);
        const auto y = packed.multiply(x);
        at::set_num_threads(before);
        QCOMPARE(y.sizes().vec(), (std::vector<std::int64_t>{1, rows, out}));
        const auto expected = torch::linear(x.to(torch::kFloat64), w.to(torch::kFloat64));
        const double err = (y.to(torch::kFloat64) - expected).abs().max().item<double>();
        QVERIFY2(err < 1e-4 * std::sqrt(static_cast<double>(in)), qPrintable(QString::number(err)));
    }

    void packedWeightsRefuseWhatTheyDoNotHold()
    {
        torch::NoGradGuard noGrad;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PackedWeight::from(torch::randn({4, 8}, torch::kFloat64)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PackedWeight::from(torch::randn({8})));
        const PackedWeight packed = PackedWeight::from(torch::randn({20, 8}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, packed.multiply(torch::randn({2, 9})));
    }

    // The decoding step's attention kernel against the same mathematics in LibTorch: heads that
    // share keys (GQA), keys read in place from a cache larger than the sequence, a padding mask
    // per row or one for all, head sizes with a tail that does not fill the lanes, and lengths
    // around the blocked kernel's blocks and streams.
    void decodeAttention_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("kvHeads");
        QTest::addColumn<int>("dim");
        QTest::addColumn<int>("length");
        QTest::addColumn<int>("maskRows"); // 0: none, 1: one for all, batch: one a row
        QTest::addColumn<int>("threads");
        QTest::addRow("one head") << 1 << 1 << 1 << 64 << 1 << 0 << 1;
        QTest::addRow("heads, cache slice") << 1 << 4 << 4 << 64 << 37 << 0 << 1;
        QTest::addRow("grouped keys") << 2 << 8 << 2 << 40 << 19 << 0 << 1;
        QTest::addRow("padding per row") << 3 << 4 << 4 << 24 << 50 << 3 << 1;
        QTest::addRow("one mask") << 2 << 2 << 1 << 17 << 9 << 1 << 1;
        // Heads of 64 and 128 take the AVX-512 kernel, where the CPU has it: up to four heads of
        // 64 (two of 128) of one sequence at once, in blocks of sixteen products over them, with
        // the positions past the last block one by one.
        QTest::addRow("64 wide, shorter than a block") << 1 << 2 << 2 << 64 << 3 << 0 << 1;
        QTest::addRow("64 wide, one block") << 1 << 2 << 1 << 64 << 16 << 1 << 1;
        QTest::addRow("64 wide, blocks and a tail, masked") << 2 << 4 << 2 << 64 << 301 << 2 << 1;
        QTest::addRow("64 wide, groups of four, two and one") << 2 << 7 << 7 << 64 << 45 << 2 << 1;
        QTest::addRow("64 wide, grouped keys in groups of heads") << 1 << 8 << 2 << 64 << 70 << 1 << 1;
        QTest::addRow("64 wide, smaller groups for idle threads") << 1 << 4 << 4 << 64 << 33 << 1 << 3;
        QTest::addRow("64 wide, two threads") << 3 << 8 << 8 << 64 << 90 << 3 << 2;
        QTest::addRow("128 wide, one position") << 1 << 2 << 2 << 128 << 1 << 0 << 1;
        QTest::addRow("128 wide, blocks and a tail, masked") << 3 << 4 << 4 << 128 << 130 << 3 << 1;
        QTest::addRow("128 wide, a pair and one") << 1 << 3 << 3 << 128 << 29 << 1 << 1;
        QTest::addRow("128 wide, two threads") << 2 << 5 << 5 << 128 << 64 << 2 << 2;
    }

    void decodeAttention()
    {
        QFETCH(int, batch);
        QFETCH(int, heads);
        QFETCH(int, kvHeads);
        QFETCH(int, dim);
        QFETCH(int, length);
        QFETCH(int, maskRows);
        QFETCH(int, threads);
        torch::NoGradGuard noGrad;
        const auto q = torch::randn({batch, 1, heads, dim}).transpose(1, 2); // as the network makes it
        const auto cacheKeys = torch::randn({batch, kvHeads, length + 11, dim});
        const auto cacheValues = torch::randn({batch, kvHeads, length + 11, dim});
        const auto keys = cacheKeys.slice(2, 0, length);
        const auto values = cacheValues.slice(2, 0, length);
        torch::Tensor mask;
        if (maskRows > 0) {
            auto blocked = torch::rand({maskRows, 1, 1, length}) < 0.3;
            blocked.index_put_({torch::indexing::Ellipsis, length - 1}, false); // each row sees itself
            mask = torch::zeros(blocked.sizes()).masked_fill(blocked, std::numeric_limits<float>::lowest());
        }
        QVERIFY(decodeAttentionApplies(q, keys, values, mask));
        const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
        const int before = at::get_num_threads();
        at::set_num_threads(threads);
        const auto got = geolens::detail::decodeAttention(q, keys, values, mask, scale);
        at::set_num_threads(before);

        const auto k = keys.repeat_interleave(heads / kvHeads, 1), v = values.repeat_interleave(heads / kvHeads, 1);
        auto scores = torch::matmul(q, k.transpose(-1, -2)) * scale;
        if (mask.defined())
            scores = scores + mask;
        const auto expected = torch::matmul(torch::softmax(scores, -1), v);
        QCOMPARE(got.sizes().vec(), expected.sizes().vec());
        const double err = (got - expected).abs().max().item<double>();
        QVERIFY2(err < 1e-5, qPrintable(QString::number(err)));
    }

    void decodeAttentionRefusesWhatItDoesNotRun()
    {
        const auto q = torch::randn({1, 4, 1, 16});
        const auto kv = torch::randn({1, 4, 9, 16});
        QVERIFY(decodeAttentionApplies(q, kv, kv, {}));
        QVERIFY(!decodeAttentionApplies(torch::randn({1, 4, 2, 16}), kv, kv, {})); // a prompt, not a step
        QVERIFY(!decodeAttentionApplies(q.to(torch::kBFloat16), kv, kv, {}));
        QVERIFY(!decodeAttentionApplies(q, torch::randn({1, 3, 9, 16}), torch::randn({1, 3, 9, 16}), {}));
        QVERIFY(!decodeAttentionApplies(q.clone().requires_grad_(true), kv, kv, {}));
        QVERIFY(!decodeAttentionApplies(q, kv, kv, torch::zeros({1, 1, 1, 8}))); // the mask's length
        QVERIFY(!decodeAttentionApplies(q, kv.transpose(2, 3), kv.transpose(2, 3), {}));
    }

    // The fused RMS norm and rotary embedding against the reference's separate operations, on a
    // step of one row, a batch of steps, and strided views as the decoder hands them over.
    void rmsNormRows()
    {
        for (const auto &shape : std::vector<std::vector<std::int64_t>>{{1, 1, 1024}, {8, 1, 67}, {16, 3}}) {
            const auto x = torch::randn(shape) * 3.0;
            const auto w = torch::randn({shape.back()});
            QVERIFY(rmsNormRowsApplies(x, w));
            const auto expected = w * (x * torch::rsqrt(x.pow(2).mean(-1, true) + 1e-6));
            const auto got = geolens::detail::rmsNormRows(x, w, 1e-6);
            QCOMPARE(got.sizes().vec(), expected.sizes().vec());
            const double err = ((got - expected).abs() / (expected.abs() + 1e-3)).max().item<double>();
            QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));
        }
        QVERIFY(!rmsNormRowsApplies(torch::randn({17, 8}), torch::randn({8}))); // a prompt: LibTorch's
        QVERIFY(!rmsNormRowsApplies(torch::randn({1, 8}), torch::randn({9})));
        QVERIFY(!rmsNormRowsApplies(torch::randn({8, 2}).t(), torch::randn({8})));
        QVERIFY(!rmsNormRowsApplies(torch::randn({1, 8}).to(torch::kBFloat16), torch::randn({8})));
        QVERIFY(!rmsNormRowsApplies(torch::randn({1, 8}).requires_grad_(true), torch::randn({8})));
    }

    void rotaryRows()
    {
        const auto rotateHalf = [](const torch::Tensor &x) {
            const auto half = x.size(-1) / 2;
            return torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
        };
        struct Case {
            std::int64_t batch, heads, tokens, dim, tableRows;
        };
        for (const Case c : {Case{1, 16, 1, 64, 1}, Case{8, 4, 1, 16, 8}, Case{2, 3, 5, 8, 1}}) {
            // [B, T, H, D] seen as [B, H, T, D], as the projections' outputs are.
            const auto x = torch::randn({c.batch, c.tokens, c.heads, c.dim}).transpose(1, 2);
            const auto cos = torch::randn({c.tableRows, 1, c.tokens, c.dim});
            const auto sin = torch::randn({c.tableRows, 1, c.tokens, c.dim});
            QVERIFY(rotaryRowsApplies(x, cos, sin));
            const auto expected = x * cos + rotateHalf(x) * sin;
            const auto got = geolens::detail::rotaryRows(x, cos, sin);
            QVERIFY(got.is_contiguous());
            QCOMPARE(got.sizes().vec(), expected.sizes().vec());
            QCOMPARE((got - expected).abs().max().item<double>(), 0.0);
        }
        const auto x = torch::randn({1, 2, 1, 8});
        const auto t = torch::randn({1, 1, 1, 8});
        QVERIFY(!rotaryRowsApplies(torch::randn({1, 2, 1, 7}), torch::randn({1, 1, 1, 7}), torch::randn({1, 1, 1, 7})));
        QVERIFY(!rotaryRowsApplies(torch::randn({1, 2, 17, 8}), torch::randn({1, 1, 17, 8}), torch::randn({1, 1, 17, 8})));
        QVERIFY(!rotaryRowsApplies(x, torch::randn({1, 1, 2, 8}), torch::randn({1, 1, 2, 8})));
        QVERIFY(!rotaryRowsApplies(x.clone().requires_grad_(true), t, t));
    }

    // bench's probe between decoding steps: a read rate a machine can have, on every call, from
    // its own 64 MiB a thread; and the read it times sums every float of its four streams.
    void readRateProbe()
    {
        ReadRateProbe probe;
        QCOMPARE(probe.available(), smallBatchKernelsAvailable());
        if (!probe.available()) {
            QCOMPARE(probe.sampleGBps(), 0.0);
            QSKIP("no vector kernels on this CPU");
        }
        QCOMPARE(probe.mebibytes(), 64.0 * at::get_num_threads());
        for (int i = 0; i < 3; ++i) {
            const double rate = probe.sampleGBps();
            QVERIFY2(rate > 0.1 && rate < 10000.0, qPrintable(QString::number(rate)));
        }
        // Steps timed between samples: each runs once, and the paired rate is a plausible one.
        ReadRateProbe pairing;
        int ran = 0;
        for (int i = 0; i < 3; ++i)
            QVERIFY(pairing.timeBetweenSamples([&] { ++ran; }) >= 0.0);
        QCOMPARE(ran, 3);
        QCOMPARE(pairing.timedSteps(), 3);
        QVERIFY(pairing.pairedGBps() > 0.1 && pairing.pairedGBps() < 10000.0);
        QCOMPARE(pairing.pairedGBps(), 3 / pairing.inverseRateSum());
        // One thread reads 4 streams of whole lines: 384 floats are 4 streams of 96, all summed.
        std::vector<float> data(384);
        for (std::size_t i = 0; i < data.size(); ++i)
            data[i] = static_cast<float>(i % 7);
        double expected = 0.0;
        for (const float v : data)
            expected += v;
        const int before = at::get_num_threads();
        at::set_num_threads(1);
        QCOMPARE(static_cast<double>(streamRead(data.data(), 384, false)), expected);
        if (smallBatchKernelsWide())
            QCOMPARE(static_cast<double>(streamRead(data.data(), 384, true)), expected);
        at::set_num_threads(before);
    }

    // The buffer behind the read limit and the probe: every float written as one, of the size
    // asked for; an empty one maps nothing.
    void onesPages()
    {
        OnesPages pages(3 * 1024 + 5);
        QVERIFY(pages.data() != nullptr);
        QCOMPARE(pages.bytes(), std::size_t(4 * (3 * 1024 + 5)));
        double sum = 0.0;
        for (std::size_t i = 0; i < 3 * 1024 + 5; ++i)
            sum += pages.data()[i];
        QCOMPARE(sum, 3.0 * 1024 + 5);
        OnesPages none(0);
        QVERIFY(none.data() == nullptr);
        QCOMPARE(none.bytes(), std::size_t(0));
    }

    // The kernels' exp against glibc's: within 2e-7 relative over float's normal range, 0 below
    // it (the AVX2 version has no denormals), infinity above it, NaN kept.
    void vectorExp()
    {
#ifndef GEOLENS_TEST_VECTOR_EXP
        QSKIP("x86-64 only");
#else
        std::vector<float> x;
        for (float v = -110.0f; v <= 95.0f; v += 0.173f)
            x.push_back(v);
        for (const float v : {0.0f, -0.0f, 1e-8f, -87.3f, -87.4f, 88.7f, 88.72f, 88.73f, -200.0f, -1e30f, 1e30f})
            x.push_back(v);
        x.push_back(std::numeric_limits<float>::infinity());
        x.push_back(-std::numeric_limits<float>::infinity());
        x.push_back(std::numeric_limits<float>::quiet_NaN());
        while (x.size() % 16 != 0)
            x.push_back(1.0f);
        const auto check = [&](const std::vector<float> &y, bool denormals) {
            for (std::size_t i = 0; i < x.size(); ++i) {
                const float expected = std::exp(x[i]);
                const QString where = QStringLiteral("exp(%1) = %2, expected %3").arg(x[i]).arg(y[i]).arg(expected);
                if (std::isnan(x[i]))
                    QVERIFY2(std::isnan(y[i]), qPrintable(where));
                else if (std::isinf(expected) || expected >= std::numeric_limits<float>::min())
                    QVERIFY2(y[i] == expected || std::abs(y[i] - expected) <= 2e-7f * expected, qPrintable(where));
                else if (!denormals || x[i] < -200.0f)
                    QVERIFY2(y[i] == 0.0f, qPrintable(where));
                else
                    QVERIFY2(std::abs(y[i] - expected) <= 1e-6f * std::numeric_limits<float>::min(), qPrintable(where));
            }
        };
        std::vector<float> y(x.size());
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
            for (std::size_t i = 0; i < x.size(); i += 8)
                exp256(x.data() + i, y.data() + i);
            check(y, false);
        }
        if (__builtin_cpu_supports("avx512f")) {
            for (std::size_t i = 0; i < x.size(); i += 16)
                exp512(x.data() + i, y.data() + i);
            check(y, true);
        }
#endif
    }

    // The SwiGLU product against LibTorch's silu and product: the vector exp over arguments from
    // tiny to far outside exp's range, and widths that end inside a vector.
    void siluProductRows()
    {
        for (const auto &shape : std::vector<std::vector<std::int64_t>>{{1, 1, 2816}, {8, 1, 67}, {16, 3}}) {
            auto gate = torch::randn(shape) * 4.0;
            gate.view(-1).slice(0, 0, 3).copy_(torch::tensor({-120.0f, 95.0f, 0.0f}));
            const auto up = torch::randn(shape);
            QVERIFY(siluProductRowsApplies(gate, up));
            const auto expected = torch::silu(gate) * up;
            const auto got = geolens::detail::siluProductRows(gate, up);
            QCOMPARE(got.sizes().vec(), expected.sizes().vec());
            QVERIFY(torch::isfinite(got).all().item<bool>());
            const double err = ((got - expected).abs() / (expected.abs() + 1e-6)).max().item<double>();
            QVERIFY2(err < 1e-6, qPrintable(QString::number(err)));
        }
        QVERIFY(!siluProductRowsApplies(torch::randn({17, 8}), torch::randn({17, 8}))); // a prompt: LibTorch's
        QVERIFY(!siluProductRowsApplies(torch::randn({2, 8}), torch::randn({2, 9})));
        QVERIFY(!siluProductRowsApplies(torch::randn({8, 2}).t(), torch::randn({2, 8})));
        QVERIFY(!siluProductRowsApplies(torch::randn({1, 8}).to(torch::kBFloat16), torch::randn({1, 8}).to(torch::kBFloat16)));
        QVERIFY(!siluProductRowsApplies(torch::randn({1, 8}).requires_grad_(true), torch::randn({1, 8})));
    }

    // One decoding step's keys written into their position of the cache, from the strided view
    // the projections hand over, leaving every other position as it was.
    void writeCachePosition()
    {
        auto cache = torch::randn({2, 3, 5, 8});
        const auto before = cache.clone();
        const auto rows = torch::randn({2, 1, 3, 8}).transpose(1, 2); // [B, T, H, D] seen as [B, H, T, D]
        QVERIFY(cachePositionWriteApplies(cache, rows));
        geolens::detail::writeCachePosition(cache, 3, rows);
        QVERIFY(torch::equal(cache.slice(2, 3, 4), rows));
        QVERIFY(torch::equal(cache.slice(2, 0, 3), before.slice(2, 0, 3)));
        QVERIFY(torch::equal(cache.slice(2, 4, 5), before.slice(2, 4, 5)));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, geolens::detail::writeCachePosition(cache, 5, rows));
        QVERIFY(!cachePositionWriteApplies(cache, torch::randn({2, 3, 2, 8}))); // two positions
        QVERIFY(!cachePositionWriteApplies(cache, torch::randn({2, 4, 1, 8})));
        QVERIFY(!cachePositionWriteApplies(cache, torch::randn({8, 2, 3, 1}).permute({1, 2, 3, 0}))); // D strided
        QVERIFY(!cachePositionWriteApplies(cache.to(torch::kBFloat16), rows.to(torch::kBFloat16)));
    }

    void bfloat16Weights()
    {
        torch::NoGradGuard noGrad;
        for (const int rows : {1, 3, 4}) {
            const auto x = torch::randn({rows, 100}).to(torch::kBFloat16);
            const auto w = torch::randn({45, 100}).to(torch::kBFloat16);
            QVERIFY(smallBatchLinearApplies(x, w));
            const auto y = smallBatchLinear(x, w);
            QCOMPARE(y.scalar_type(), torch::kBFloat16);
            const auto expected = torch::linear(x.to(torch::kFloat32), w.to(torch::kFloat32));
            // One bf16 rounding of outputs of size ~10.
            const double err = (y.to(torch::kFloat32) - expected).abs().max().item<double>();
            QVERIFY2(err < 0.1, qPrintable(QString::number(err)));
        }
    }

    void refusesWhatItDoesNotRun()
    {
        const auto w = torch::randn({8, 16});
        QVERIFY(!smallBatchLinearApplies(torch::randn({17, 16}), w)); // above the row limit
        QVERIFY(!smallBatchLinearApplies(torch::randn({5, 16}).to(torch::kBFloat16), w.to(torch::kBFloat16)));
        QVERIFY(!smallBatchLinearApplies(torch::randn({2, 15}), w));  // sizes disagree
        QVERIFY(!smallBatchLinearApplies(torch::randn({2, 16}).to(torch::kDouble), w));
        QVERIFY(!smallBatchLinearApplies(torch::randn({2, 16}).to(torch::kBFloat16), w)); // bf16 rows, f32 weights
        const auto trained = torch::randn({8, 16}).requires_grad_(true);
        QVERIFY(!smallBatchLinearApplies(torch::randn({2, 16}), trained)); // autograd needs the product's graph
    }

    void int8Weights_data()
    {
        QTest::addColumn<int>("rows");
        for (const int rows : {1, 3, 8, 16, 17, 300})
            QTest::addRow("%d rows", rows) << rows;
    }

    // Few rows stream the int8 weights; many dequantise blocks for a matrix-matrix product. Both
    // must equal the product with the dequantised matrix.
    void int8Weights()
    {
        QFETCH(int, rows);
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({rows, 70});
        const auto q = torch::randint(-127, 128, {300, 70}).to(torch::kInt8);
        const auto scales = torch::rand({300}) * 0.01 + 0.001;
        const auto expected = torch::linear(x, q.to(torch::kFloat32) * scales.unsqueeze(1));
        const auto y = int8WeightLinear(x, q, scales);
        QCOMPARE(y.sizes().vec(), expected.sizes().vec());
        const double err = (y - expected).abs().max().item<double>();
        QVERIFY2(err < 1e-4, qPrintable(QString::number(err)));

        // bf16 rows: the result in bf16, within its rounding of the rows and of the output.
        const auto yb = int8WeightLinear(x.to(torch::kBFloat16), q, scales);
        QCOMPARE(yb.scalar_type(), torch::kBFloat16);
        const double errb = (yb.to(torch::kFloat32) - expected).abs().max().item<double>();
        QVERIFY2(errb < 0.05 * (expected.abs().max().item<double>() + 1.0), qPrintable(QString::number(errb)));
    }
};

QTEST_GUILESS_MAIN(TestSmallBatchLinear)
#include "tst_small_batch_linear.moc"
