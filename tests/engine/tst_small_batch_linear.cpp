#include "model/SmallBatchLinear.h"

#include <QtTest>

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
        qInfo("kernels: %s", smallBatchKernelName());
        if (!smallBatchKernelsAvailable())
            QSKIP("this CPU has neither AVX2 nor AVX-512: the streaming kernels are not used here");
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
