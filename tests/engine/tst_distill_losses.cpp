#include "common/Error.h"
#include "distill/DistillationLosses.h"

#include <ATen/CPUGeneratorImpl.h>

#include <QtTest>

#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

namespace d = geolens::distill;

namespace {

using Row = std::vector<double>;
using Grid = std::vector<std::vector<Row>>; // [B][T][V]

// Reference computations in plain doubles, independent of LibTorch.
Row softmax(const Row &z, double temperature = 1.0)
{
    double top = z[0];
    for (double v : z)
        top = std::max(top, v);
    Row p(z.size());
    double total = 0.0;
    for (size_t i = 0; i < z.size(); ++i)
        total += p[i] = std::exp((z[i] - top) / temperature);
    for (double &v : p)
        v /= total;
    return p;
}

Row logOf(const Row &p)
{
    Row l(p.size());
    for (size_t i = 0; i < p.size(); ++i)
        l[i] = std::log(p[i]);
    return l;
}

// KL(a || b) of two probability rows.
double kl(const Row &a, const Row &b)
{
    double sum = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        sum += a[i] * (std::log(a[i]) - std::log(b[i]));
    return sum;
}

torch::Tensor tensorOf(const Grid &grid)
{
    std::vector<float> flat;
    for (const auto &b : grid)
        for (const auto &t : b)
            for (double v : t)
                flat.push_back(static_cast<float>(v));
    const auto batch = static_cast<int64_t>(grid.size());
    const auto length = static_cast<int64_t>(grid[0].size());
    const auto vocabulary = static_cast<int64_t>(grid[0][0].size());
    return torch::tensor(flat).view({batch, length, vocabulary});
}

torch::Tensor tensorOf(const std::vector<Row> &rows)
{
    std::vector<float> flat;
    for (const auto &r : rows)
        for (double v : r)
            flat.push_back(static_cast<float>(v));
    return torch::tensor(flat).view({static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows[0].size())});
}

torch::Tensor boolMask(const std::vector<std::vector<int>> &rows)
{
    std::vector<int64_t> flat;
    for (const auto &r : rows)
        for (int v : r)
            flat.push_back(v);
    return torch::tensor(flat).view({static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows[0].size())}).to(torch::kBool);
}

torch::Tensor ids(const std::vector<std::vector<int64_t>> &rows)
{
    std::vector<int64_t> flat;
    for (const auto &r : rows)
        flat.insert(flat.end(), r.begin(), r.end());
    return torch::tensor(flat).view({static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows[0].size())});
}

double scalar(const torch::Tensor &t)
{
    return t.item<double>();
}

// Empty when every element of actual (flattened) is within tolerance of expected; otherwise the
// first difference, for the failure message.
QString mismatch(const torch::Tensor &actual, const Row &expected, double tolerance)
{
    const auto flat = actual.detach().to(torch::kFloat64).contiguous().view({-1});
    if (flat.numel() != static_cast<int64_t>(expected.size()))
        return QStringLiteral("%1 values, expected %2").arg(flat.numel()).arg(expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        const double value = flat[static_cast<int64_t>(i)].item<double>();
        if (!(std::abs(value - expected[i]) <= tolerance))
            return QStringLiteral("element %1 is %2, expected %3").arg(i).arg(value, 0, 'g', 10).arg(expected[i], 0, 'g', 10);
    }
    return {};
}

#define EXPECT_VALUES(actual, expected, tolerance)                                                                     \
    do {                                                                                                               \
        const QString problem_ = mismatch((actual), (expected), (tolerance));                                          \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_));                                                            \
    } while (false)

bool allFinite(const torch::Tensor &t)
{
    return torch::isfinite(t).all().item<bool>();
}

torch::Tensor gradient(const torch::Tensor &loss, const torch::Tensor &input)
{
    auto grad = torch::autograd::grad({loss}, {input}, {}, /*retain_graph=*/true, /*create_graph=*/false,
                                      /*allow_unused=*/true)[0];
    return grad.defined() ? grad : torch::zeros_like(input);
}

// Every masked loss of the engine on one batch, with the gradient of each wrt the student logits.
struct LossSet {
    std::vector<double> values;
    std::vector<torch::Tensor> gradients;
};

LossSet allLosses(const torch::Tensor &student, const torch::Tensor &teacher, const torch::Tensor &tokens,
                  const torch::Tensor &mask)
{
    const std::vector<std::function<torch::Tensor()>> losses = {
        [&] { return d::singleStepLoss(student, teacher, mask); },
        [&] { return d::tokenReverseKlLoss(student, teacher, mask); },
        [&] { return d::crossEntropyLoss(student, tokens, mask); },
        [&] { return d::hintonKdLoss(student, teacher, tokens, mask, 2.0, 0.3); },
        [&] { return d::pretrainLoss(student, teacher, tokens, mask, 0.5); },
        [&] {
            // The whole policy path: rollout log-probs, weights, rewards, returns, whitening.
            const auto lqNew = d::tokenLogProbs(student, tokens, mask);
            const auto lqOld = d::tokenLogProbs(student.detach() * 0.9, tokens, mask);
            const auto lmix = d::tokenLogProbs(d::mixedLogProbs(student.detach(), teacher, 0.2), tokens, mask);
            const auto weights = d::importanceWeights(lqOld, lmix, mask);
            const auto rewards = d::tokenRewards(d::tokenLogProbs(teacher, tokens, mask), lqOld, mask);
            const auto advantages = d::whiten(d::lengthNormalisedReturns(rewards, mask), mask);
            return d::clippedPolicyLoss(lqNew, lqOld, weights, advantages, mask);
        },
        [&] { return d::maskedMean(d::tokenLogProbs(student, tokens, mask), mask); },
    };
    LossSet set;
    for (const auto &loss : losses) {
        const auto value = loss();
        set.values.push_back(scalar(value));
        set.gradients.push_back(gradient(value, student));
    }
    return set;
}

} // namespace

// The distillation loss terms, each against an independent computation: analytic values in plain
// doubles, exact enumeration of a tiny sequence model, and hand-worked numbers.
class DistillLossesTest : public QObject {
    Q_OBJECT

private slots:
    void singleStepLossMatchesAnalyticKl()
    {
        // Two valid positions and a padded one, probabilities chosen by hand; logits shifted by a
        // constant, which a softmax must ignore.
        const std::vector<Row> q = {{0.1, 0.2, 0.3, 0.4}, {0.7, 0.1, 0.1, 0.1}, {0.25, 0.25, 0.25, 0.25}};
        const std::vector<Row> p = {{0.25, 0.25, 0.25, 0.25}, {0.4, 0.3, 0.2, 0.1}, {0.97, 0.01, 0.01, 0.01}};
        Grid studentGrid(1), teacherGrid(1);
        for (size_t t = 0; t < q.size(); ++t) {
            Row s = logOf(q[t]), te = logOf(p[t]);
            for (double &v : s)
                v += 3.0;
            for (double &v : te)
                v -= 1.0;
            studentGrid[0].push_back(s);
            teacherGrid[0].push_back(te);
        }
        const auto student = tensorOf(studentGrid).requires_grad_();
        const auto teacher = tensorOf(teacherGrid).requires_grad_();
        const auto mask = boolMask({{1, 1, 0}});

        const double kl0 = kl(q[0], p[0]);
        const double kl1 = kl(q[1], p[1]);
        EXPECT_VALUES(d::reverseKlPerToken(student, teacher), (Row{kl0, kl1, kl(q[2], p[2])}), 1e-6);

        const auto loss = d::singleStepLoss(student, teacher, mask);
        QVERIFY(loss.scalar_type() == torch::kFloat32);
        EXPECT_VALUES(loss, Row{(kl0 + kl1) / 2.0}, 1e-6);

        // dKL/dz_v = q_v ((log q_v - log p_v) - KL); the mean over two valid tokens halves it.
        loss.backward();
        Row expected;
        for (size_t t = 0; t < 3; ++t) {
            const double klT = kl(q[t], p[t]);
            for (size_t v = 0; v < 4; ++v)
                expected.push_back(t == 2 ? 0.0 : q[t][v] * ((std::log(q[t][v]) - std::log(p[t][v])) - klT) / 2.0);
        }
        EXPECT_VALUES(student.grad(), expected, 1e-6);
        QVERIFY(!teacher.grad().defined()); // the teacher is a fixed target

        // bf16 logits: the statistics still run in float32.
        const auto low = d::singleStepLoss(student.detach().to(torch::kBFloat16), teacher.detach().to(torch::kBFloat16), mask);
        QVERIFY(low.scalar_type() == torch::kFloat32);
        QVERIFY(std::abs(scalar(low) - (kl0 + kl1) / 2.0) < 2e-2);
    }

    // J(theta) = KL(q || p) over whole sequences of a tabular student (one row of logits per
    // prefix) against a fixed tabular teacher. Its exact gradient, by enumeration and autograd, must
    // be what the engine's terms estimate from the student's own samples:
    //   grad J = E[sum_t grad KL_t(y<t)] - E[sum_t R_{t+1} grad log q(y_t | y<t)],
    //   R_{t+1} = sum_{k>t} (log p_k - log q_k), a constant.
    // The functions give that estimator when configured as follows: singleStepLoss is the first
    // sum; tokenRewards with scale 1 (and a clip never reached) is log p - log q; the returns with
    // gamma 1, FutureOnly and no length normalisation are R_{t+1}; alpha 0 draws from q, so the
    // importance weights are 1; clippedPolicyLoss at ratio 1 (old = new) has gradient
    // -A grad log q, the clip being inactive there. Both terms average over the M x L tokens of a
    // group, so L times their gradient is the per-sequence average.
    void policyGradientEstimatorIsUnbiased()
    {
        constexpr int64_t V = 3;
        constexpr int64_t L = 3;
        constexpr int64_t Groups = 20;
        constexpr int64_t PerGroup = 2000;
        constexpr int64_t N = Groups * PerGroup;
        const std::array<int64_t, L + 1> offset = {0, 1, 1 + V, 1 + V + V * V}; // first row of each prefix length
        torch::manual_seed(11);
        const auto theta = torch::randn({offset[L], V}).requires_grad_();
        const auto teacher = torch::randn({offset[L], V}) * 1.5;

        // Exact: all V^L sequences.
        std::vector<int64_t> rowList, tokenList;
        for (int64_t code = 0; code < V * V * V; ++code) {
            const std::array<int64_t, L> y = {code / (V * V), (code / V) % V, code % V};
            int64_t prefix = 0;
            for (int64_t t = 0; t < L; ++t) {
                rowList.push_back(offset[t] + prefix);
                tokenList.push_back(y[t]);
                prefix = prefix * V + y[t];
            }
        }
        const auto allRows = torch::tensor(rowList);
        const auto allTokens = torch::tensor(tokenList).view({-1, L});
        const auto lqAll = torch::log_softmax(theta.index_select(0, allRows), -1).view({-1, L, V});
        const auto lpAll = torch::log_softmax(teacher.index_select(0, allRows), -1).view({-1, L, V});
        const auto lqSeq = lqAll.gather(-1, allTokens.unsqueeze(-1)).squeeze(-1).sum(1);
        const auto lpSeq = lpAll.gather(-1, allTokens.unsqueeze(-1)).squeeze(-1).sum(1);
        const auto objective = (lqSeq.exp() * (lqSeq - lpSeq)).sum();
        const auto exact = gradient(objective, theta);
        // E[sum_t grad KL_t]: the sequence probabilities held fixed.
        const auto stepKl = (lqAll.exp() * (lqAll - lpAll)).sum(-1).sum(1);
        const auto exactSingleStep = gradient((lqSeq.exp().detach() * stepKl).sum(), theta);
        QVERIFY(std::abs(scalar(lqSeq.exp().sum()) - 1.0) < 1e-5);

        // Monte Carlo: N sequences drawn from the student with the engine's sampler.
        torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(2024);
        auto rows = torch::zeros({N, L}, torch::kLong);
        auto tokens = torch::zeros({N, L}, torch::kLong);
        auto prefix = torch::zeros({N}, torch::kLong);
        for (int64_t t = 0; t < L; ++t) {
            const auto row = prefix + offset[t];
            rows.select(1, t).copy_(row);
            const auto mix = d::mixedLogProbs(theta.detach().index_select(0, row), teacher.index_select(0, row), 0.0);
            const auto y = d::sampleTokens(mix, generator);
            tokens.select(1, t).copy_(y);
            prefix = prefix * V + y;
        }

        // The estimate from groups of samples; their spread gives the Monte Carlo standard error.
        const auto estimate = [&](bool withSingleStep, d::ReturnRange range, torch::Tensor &standardError) {
            std::vector<torch::Tensor> grads;
            for (int64_t g = 0; g < Groups; ++g) {
                const auto groupRows = rows.slice(0, g * PerGroup, (g + 1) * PerGroup).reshape({-1});
                const auto groupTokens = tokens.slice(0, g * PerGroup, (g + 1) * PerGroup);
                const auto student = theta.index_select(0, groupRows).view({PerGroup, L, V});
                const auto teacherLogits = teacher.index_select(0, groupRows).view({PerGroup, L, V});
                const auto mask = torch::ones({PerGroup, L}, torch::kBool);

                const auto lqNew = d::tokenLogProbs(student, groupTokens, mask);
                const auto lqOld = lqNew.detach();
                const auto lmix = d::tokenLogProbs(d::mixedLogProbs(student.detach(), teacherLogits, 0.0), groupTokens, mask);
                const auto weights = d::importanceWeights(lqOld, lmix, mask);
                const auto rewards = d::tokenRewards(d::tokenLogProbs(teacherLogits, groupTokens, mask), lqOld, mask,
                                                     /*scale=*/1.0, /*clampAt=*/1e6);
                d::ReturnOptions options;
                options.gamma = 1.0;
                options.range = range;
                options.lengthNormalise = false;
                const auto returns = d::lengthNormalisedReturns(rewards, mask, options);
                auto loss = d::clippedPolicyLoss(lqNew, lqOld, weights, returns, mask);
                if (withSingleStep)
                    loss = loss + d::singleStepLoss(student, teacherLogits, mask);
                grads.push_back(gradient(loss * static_cast<double>(L), theta));
            }
            const auto stacked = torch::stack(grads);
            standardError = stacked.std(0) / std::sqrt(static_cast<double>(Groups));
            return stacked.mean(0);
        };
        // 6 standard errors: over many seeds the largest of the 39 deviations stays near 3.5, while
        // the biased control below lands tens of standard errors away.
        const auto within = [](const torch::Tensor &estimate, const torch::Tensor &target, const torch::Tensor &se) {
            return ((estimate - target).abs() <= 6.0 * se + 1e-4).all().item<bool>();
        };
        const double scale = exact.abs().max().item<double>();

        // The paper's decomposition: single-step term + future rewards.
        torch::Tensor se;
        const auto paper = estimate(true, d::ReturnRange::FutureOnly, se);
        QVERIFY2(se.max().item<double>() < 0.05 * scale, "too few samples for the comparison to mean anything");
        QVERIFY2(within(paper, exact, se), qPrintable(QStringLiteral("largest error %1 (standard error up to %2)")
                                                          .arg((paper - exact).abs().max().item<double>())
                                                          .arg(se.max().item<double>())));

        // The return from t alone is also unbiased: its r_t part is the single-step gradient in
        // expectation.
        const auto fromCurrent = estimate(false, d::ReturnRange::FromCurrent, se);
        QVERIFY(within(fromCurrent, exact, se));

        // The reference's combination (single-step term + return from t) counts the single-step
        // gradient twice; the comparison above is sharp enough to see it.
        const auto doubled = estimate(true, d::ReturnRange::FromCurrent, se);
        QVERIFY(within(doubled, exact + exactSingleStep, se));
        QVERIFY(!within(doubled, exact, se));
    }

    void importanceWeightsArePerTokenRatios()
    {
        const auto inf = std::numeric_limits<double>::infinity();
        const auto lq = torch::tensor({std::log(0.5), std::log(0.2), inf}).view({1, 3});
        const auto lmix = torch::tensor({std::log(0.4), std::log(0.25), -inf}).view({1, 3});
        const auto w = d::importanceWeights(lq, lmix, boolMask({{1, 1, 0}}));
        QVERIFY(w.scalar_type() == torch::kFloat32);
        // 0.8 at the second token, not 1.25 * 0.8: no product over the steps.
        EXPECT_VALUES(w, (Row{1.25, 0.8, 0.0}), 1e-6);
        QVERIFY(!w.requires_grad());
        QVERIFY(!d::importanceWeights(lq.clone().requires_grad_(), lmix, boolMask({{1, 1, 0}})).requires_grad());
    }

    void tokenRewardsAreScaledClampedAndMasked()
    {
        const auto nan = std::numeric_limits<double>::quiet_NaN();
        const auto lp = torch::tensor({-1.0, -200.0, -0.5, -1.0, nan}, torch::kFloat64).view({1, 5});
        const auto lq = torch::tensor({-3.0, -1.0, -0.25, -300.0, 0.0}, torch::kFloat64).view({1, 5});
        const auto mask = boolMask({{1, 1, 1, 1, 0}});
        const auto r = d::tokenRewards(lp, lq, mask);
        QVERIFY(r.scalar_type() == torch::kFloat32);
        // (lp - lq) / 0.5: 4, -398 -> -100, -0.5, 598 -> 100; padding 0 whatever it holds.
        EXPECT_VALUES(r, (Row{4.0, -100.0, -0.5, 100.0, 0.0}), 1e-5);
        EXPECT_VALUES(d::tokenRewards(lp, lq, mask, 1.0, 50.0), (Row{2.0, -50.0, -0.25, 50.0, 0.0}), 1e-5);
    }

    void lengthNormalisedReturnsMatchHandValues()
    {
        // Rows of 4, 2, 3 and 0 valid tokens; the padded entries hold values that must not count.
        const auto rewards = torch::tensor({1.0, 2.0, 3.0, 4.0, //
                                            5.0, -1.0, 9.0, 9.0, //
                                            0.5, 2.0, -3.0, 7.0, //
                                            1.0, 1.0, 1.0, 1.0})
                                 .view({4, 4});
        const auto mask = boolMask({{1, 1, 1, 1}, {1, 1, 0, 0}, {1, 1, 1, 0}, {0, 0, 0, 0}});
        const double g = 0.95;

        const auto fromCurrent = d::lengthNormalisedReturns(rewards, mask);
        QVERIFY(fromCurrent.scalar_type() == torch::kFloat32);
        EXPECT_VALUES(fromCurrent,
                      (Row{(1 + g * 2 + g * g * 3 + g * g * g * 4) / 4, (2 + g * 3 + g * g * 4) / 3, (3 + g * 4) / 2, 4.0 / 1,
                           (5 + g * -1) / 2, -1.0 / 1, 0, 0, //
                           (0.5 + g * 2 + g * g * -3) / 3, (2 + g * -3) / 2, -3.0 / 1, 0, //
                           0, 0, 0, 0}),
                      1e-5);

        d::ReturnOptions future;
        future.range = d::ReturnRange::FutureOnly;
        EXPECT_VALUES(d::lengthNormalisedReturns(rewards, mask, future),
                      // normalised by the tokens after t: 3, 2, 1 and none (1) in the first row
                      (Row{(g * 2 + g * g * 3 + g * g * g * 4) / 3, (g * 3 + g * g * 4) / 2, (g * 4) / 1, 0, //
                           (g * -1) / 1, 0, 0, 0, //
                           (g * 2 + g * g * -3) / 2, (g * -3) / 1, 0, 0, //
                           0, 0, 0, 0}),
                      1e-5);

        d::ReturnOptions plain;
        plain.lengthNormalise = false;
        plain.gamma = 0.5;
        EXPECT_VALUES(d::lengthNormalisedReturns(rewards, mask, plain),
                      (Row{1 + 1 + 0.75 + 0.5, 2 + 1.5 + 1, 3 + 2, 4, //
                           5 - 0.5, -1, 0, 0, //
                           0.5 + 1 - 0.75, 2 - 1.5, -3, 0, //
                           0, 0, 0, 0}),
                      1e-5);
        QVERIFY(allFinite(fromCurrent));
    }

    void whitenUsesValidTokensOnly()
    {
        const auto values = torch::tensor({1.0, 2.0, 100.0, 3.0, 4.0, -50.0}).view({2, 3});
        const auto mask = boolMask({{1, 1, 0}, {1, 1, 0}});
        // Valid values 1..4: mean 2.5, unbiased variance 5/3, population variance 5/4.
        const double unbiased = 1.0 / std::sqrt(5.0 / 3.0 + 1e-8);
        const double biased = 1.0 / std::sqrt(1.25 + 1e-8);
        EXPECT_VALUES(d::whiten(values, mask), (Row{-1.5 * unbiased, -0.5 * unbiased, 0, 0.5 * unbiased, 1.5 * unbiased, 0}),
                      1e-5);
        EXPECT_VALUES(d::whiten(values, mask, true, false), (Row{-1.5 * biased, -0.5 * biased, 0, 0.5 * biased, 1.5 * biased, 0}),
                      1e-5);
        EXPECT_VALUES(d::whiten(values, mask, false),
                      (Row{2.5 - 1.5 * unbiased, 2.5 - 0.5 * unbiased, 0, 2.5 + 0.5 * unbiased, 2.5 + 1.5 * unbiased, 0}), 1e-5);
        // One valid token, or none: zeros, never NaN.
        EXPECT_VALUES(d::whiten(values, boolMask({{0, 1, 0}, {0, 0, 0}})), (Row{0, 0, 0, 0, 0, 0}), 0.0);
        EXPECT_VALUES(d::whiten(values, boolMask({{0, 0, 0}, {0, 0, 0}})), (Row{0, 0, 0, 0, 0, 0}), 0.0);
    }

    // Two processes each whiten their half of a batch with the statistics of the whole: each half
    // comes out as the same rows of the whole batch whitened at once. The other process is
    // played by the sum, which adds its half's figures.
    void whitenAcrossProcessesUsesTheWholeBatch()
    {
        const auto values = torch::tensor({1.0, 2.0, 100.0, 3.0, 4.0, -50.0, 7.0, 0.5, 9.0}).view({3, 3});
        const auto mask = boolMask({{1, 1, 0}, {1, 1, 0}, {1, 1, 1}});
        const auto whole = d::whiten(values, mask);
        int calls = 0;
        const auto half = [&](std::int64_t from, std::int64_t to) -> torch::Tensor {
            const auto v = values.slice(0, from, to), m = mask.slice(0, from, to);
            const auto ov = torch::cat({values.slice(0, 0, from), values.slice(0, to)});
            const auto om = torch::cat({mask.slice(0, 0, from), mask.slice(0, to)});
            calls = 0;
            double mean = 0.0;
            const d::ProcessSum withOther = [&](std::vector<double> &figures) {
                if (calls++ == 0) {
                    figures[0] += ov.masked_select(om).sum().item<double>();
                    figures[1] += static_cast<double>(om.sum().item<std::int64_t>());
                    mean = figures[0] / figures[1];
                } else {
                    figures[0] += (ov.masked_select(om) - mean).pow(2).sum().item<double>();
                }
            };
            return d::whiten(v, m, true, true, withOther);
        };
        QVERIFY(torch::allclose(half(0, 1), whole.slice(0, 0, 1), 1e-5, 1e-6));
        QCOMPARE(calls, 2);
        QVERIFY(torch::allclose(half(1, 3), whole.slice(0, 1, 3), 1e-5, 1e-6));
        QCOMPARE(calls, 2);
        // A process without values still takes part, twice.
        calls = 0;
        d::whitenNothing([&](std::vector<double> &) { ++calls; });
        QCOMPARE(calls, 2);
    }

    void clippedPolicyLossClipsBothSides()
    {
        // Five tokens and a padded one:
        //   A +2, ratio 1.5 (w 1)          -> clipped to 1.2: -2.4, no gradient
        //   A +2, ratio 0.25 * w 2 = 0.5   -> max(-1, -1.6) = -1, unclipped
        //   A -1, ratio 1.5                -> max(1.5, 1.2) = 1.5, unclipped
        //   A -1, ratio 1 * w 0.5 = 0.5    -> max(0.5, 0.8) = 0.8, clipped, no gradient
        //   A +1, ratio 1.1 (inside)       -> -1.1
        const auto oldLogProbs = torch::tensor({-1.0, -2.0, -0.5, -0.7, -1.2, 5.0}).view({1, 6}).requires_grad_();
        const auto ratios = torch::tensor({1.5, 0.25, 1.5, 1.0, 1.1, 3.0}).view({1, 6});
        const auto newLogProbs = (oldLogProbs.detach() + ratios.log()).requires_grad_();
        const auto weights = torch::tensor({1.0, 2.0, 1.0, 0.5, 1.0, 7.0}).view({1, 6});
        const auto advantages = torch::tensor({2.0, 2.0, -1.0, -1.0, 1.0, 9.0}).view({1, 6}).requires_grad_();
        const auto mask = boolMask({{1, 1, 1, 1, 1, 0}});

        const auto loss = d::clippedPolicyLoss(newLogProbs, oldLogProbs, weights, advantages, mask, 0.2);
        EXPECT_VALUES(loss, Row{(-2.4 - 1.0 + 1.5 + 0.8 - 1.1) / 5}, 1e-6);
        loss.backward();
        // d/dnew of -A ratio is -A ratio where unclipped, 0 where the clipped side wins.
        EXPECT_VALUES(newLogProbs.grad(), (Row{0.0, -1.0 / 5, 1.5 / 5, 0.0, -1.1 / 5, 0.0}), 1e-6);
        QVERIFY(!oldLogProbs.grad().defined());
        QVERIFY(!advantages.grad().defined());

        // A wider clip leaves every token unclipped.
        EXPECT_VALUES(d::clippedPolicyLoss(newLogProbs, oldLogProbs, weights, advantages, mask, 0.6),
                      Row{(-3.0 - 1.0 + 1.5 + 0.5 - 1.1) / 5}, 1e-6);
    }

    void mixedLogProbsMixInProbabilitySpace()
    {
        const Row q = {0.5, 0.3, 0.2};
        const Row p = {0.1, 0.1, 0.8};
        const auto student = tensorOf(std::vector<Row>{logOf(q)}) + 2.0;
        const auto teacher = tensorOf(std::vector<Row>{logOf(p)}) - 4.0;

        const auto mix = d::mixedLogProbs(student, teacher, 0.2);
        QVERIFY(mix.scalar_type() == torch::kFloat32);
        EXPECT_VALUES(mix.exp().sum(-1), Row{1.0}, 1e-6);
        EXPECT_VALUES(mix, logOf({0.42, 0.26, 0.32}), 1e-6);
        EXPECT_VALUES(d::mixedLogProbs(student, teacher, 1.0), logOf(p), 1e-6);
        EXPECT_VALUES(d::mixedLogProbs(student, teacher, 0.0), logOf(q), 1e-6);

        // Temperature 2: each softmax of logits / 2, then the mix.
        const Row qT = softmax(logOf(q), 2.0);
        const Row pT = softmax(logOf(p), 2.0);
        Row expected;
        for (size_t i = 0; i < 3; ++i)
            expected.push_back(std::log(0.7 * qT[i] + 0.3 * pT[i]));
        EXPECT_VALUES(d::mixedLogProbs(student, teacher, 0.3, 2.0), expected, 1e-6);

        // Probabilities that underflow in float32 stay finite in log space.
        const auto extreme = d::mixedLogProbs(torch::tensor({0.0f, -200.0f, -200.0f}).view({1, 3}),
                                              torch::tensor({-200.0f, 0.0f, 0.0f}).view({1, 3}), 0.5);
        QVERIFY(allFinite(extreme));
        EXPECT_VALUES(extreme, logOf({0.5, 0.25, 0.25}), 1e-6);
    }

    void samplingIsReproducibleAndStaysInTheStudentsSupport()
    {
        const auto logProbs = tensorOf(std::vector<Row>(20000, logOf({0.42, 0.26, 0.32})));
        torch::Generator first = at::make_generator<at::CPUGeneratorImpl>(7);
        torch::Generator second = at::make_generator<at::CPUGeneratorImpl>(7);
        const auto a = d::sampleTokens(logProbs, first);
        QVERIFY(a.scalar_type() == torch::kLong);
        QVERIFY(a.dim() == 1 && a.size(0) == 20000);
        QVERIFY(torch::equal(a, d::sampleTokens(logProbs, second)));
        QVERIFY(torch::equal(d::sampleTokens(logProbs, std::uint64_t(3)), d::sampleTokens(logProbs, std::uint64_t(3))));
        QVERIFY(!torch::equal(d::sampleTokens(logProbs, std::uint64_t(3)), d::sampleTokens(logProbs, std::uint64_t(4))));
        // Frequencies follow the probabilities (standard error about 0.0035).
        const Row expected = {0.42, 0.26, 0.32};
        for (int64_t v = 0; v < 3; ++v)
            QVERIFY(std::abs((a == v).to(torch::kFloat64).mean().item<double>() - expected[static_cast<size_t>(v)]) < 0.02);

        // The teacher prefers tokens the student all but rules out (probability below float32's
        // range). Mixed sampling draws them; the student's log-probs, the weights and the rewards
        // of those draws stay finite.
        constexpr int64_t B = 2000;
        const auto student = torch::tensor({0.0f, -200.0f, -200.0f}).repeat({B, 1});
        const auto teacher = torch::tensor({-200.0f, 0.0f, 0.0f}).repeat({B, 1});
        const auto drawn = d::sampleTokens(d::mixedLogProbs(student, teacher, 0.2), std::uint64_t(5)).view({B, 1});
        const auto rare = (drawn != 0).sum().item<int64_t>();
        QVERIFY(rare > 250 && rare < 550); // about 20 %
        const auto mask = torch::ones({B, 1}, torch::kBool);
        const auto lq = d::tokenLogProbs(student.unsqueeze(1), drawn, mask);
        const auto lmix = d::tokenLogProbs(d::mixedLogProbs(student, teacher, 0.2).unsqueeze(1), drawn, mask);
        QVERIFY(allFinite(lq));
        QCOMPARE(lq.min().item<double>(), -200.0 - std::log(1.0 + 2.0 * std::exp(-200.0)));
        QVERIFY(allFinite(d::importanceWeights(lq, lmix, mask)));
        QVERIFY(allFinite(d::tokenRewards(d::tokenLogProbs(teacher.unsqueeze(1), drawn, mask), lq, mask)));
    }

    void paddingNeverLeaks()
    {
        torch::manual_seed(3);
        constexpr int64_t V = 5;
        const auto mask = boolMask({{1, 1, 1, 1}, {0, 1, 1, 0}, {1, 1, 0, 0}});
        const auto padded = mask.logical_not();
        const auto student = torch::randn({3, 4, V}).requires_grad_();
        const auto teacher = torch::randn({3, 4, V});
        const auto tokens = torch::randint(0, V, {3, 4});
        const auto reference = allLosses(student, teacher, tokens, mask);

        // Garbage at every padded position: huge logits, ids outside the vocabulary.
        const auto spread = padded.unsqueeze(-1).expand({3, 4, V});
        const auto otherStudent = torch::where(spread, torch::randn({3, 4, V}) * 1000.0, student.detach()).requires_grad_();
        const auto otherTeacher = torch::where(spread, torch::randn({3, 4, V}) * 1000.0, teacher);
        const auto otherTokens = torch::where(padded, torch::tensor({int64_t(-100)}).expand({3, 4}), tokens)
                                     .index_put_({1, 3}, int64_t(999));
        const auto changed = allLosses(otherStudent, otherTeacher, otherTokens, mask);
        // The same with a float mask.
        const auto floatMask = allLosses(student, teacher, tokens, mask.to(torch::kFloat32));

        for (size_t i = 0; i < reference.values.size(); ++i) {
            QVERIFY2(std::isfinite(reference.values[i]), qPrintable(QStringLiteral("loss %1").arg(i)));
            QVERIFY2(std::abs(reference.values[i] - changed.values[i]) <= 1e-6 * (1.0 + std::abs(reference.values[i])),
                     qPrintable(QStringLiteral("loss %1: %2 became %3").arg(i).arg(reference.values[i]).arg(changed.values[i])));
            QCOMPARE(floatMask.values[i], reference.values[i]);
            QVERIFY2(torch::allclose(reference.gradients[i], changed.gradients[i], 1e-5, 1e-7),
                     qPrintable(QStringLiteral("gradient of loss %1 changed").arg(i)));
            QVERIFY(torch::equal(reference.gradients[i], floatMask.gradients[i]));
            QCOMPARE(changed.gradients[i].masked_select(spread).abs().max().item<double>(), 0.0);
            QVERIFY(reference.gradients[i].abs().max().item<double>() > 0.0);
        }
    }

    void allPaddingGivesZero()
    {
        const auto student = torch::randn({2, 3, 4}).requires_grad_();
        const auto teacher = torch::randn({2, 3, 4});
        const auto tokens = torch::full({2, 3}, int64_t(-100));
        const auto none = torch::zeros({2, 3}, torch::kBool);
        const auto set = allLosses(student, teacher, tokens, none);
        for (size_t i = 0; i < set.values.size(); ++i) {
            QCOMPARE(set.values[i], 0.0);
            QCOMPARE(set.gradients[i].abs().max().item<double>(), 0.0);
        }
        // Still part of the graph, so a training step can call backward() on it.
        QVERIFY(d::singleStepLoss(student, teacher, none).requires_grad());
        QVERIFY(d::maskedMean(student.sum(-1), none).requires_grad());
        EXPECT_VALUES(d::lengthNormalisedReturns(torch::ones({2, 3}), none), (Row(6, 0.0)), 0.0);
    }

    void baselinesMatchIndependentComputations()
    {
        const Grid studentGrid = {{{0.3, -1.2, 2.0, 0.1}, {1.5, 0.2, -0.4, 0.0}, {9.0, 9.0, 9.0, 9.0}}};
        const Grid teacherGrid = {{{1.0, 0.5, -0.5, 2.2}, {-0.3, 1.1, 0.7, 0.2}, {-9.0, 9.0, 0.0, 0.0}}};
        const std::vector<int64_t> targets = {2, 1, 3};
        const auto student = tensorOf(studentGrid);
        const auto teacher = tensorOf(teacherGrid);
        const auto targetIds = ids({targets});
        const auto mask = boolMask({{1, 1, 0}});

        double ce = 0.0, hintonKl = 0.0, soft = 0.0, reverse = 0.0;
        const double temperature = 2.0;
        for (size_t t = 0; t < 2; ++t) {
            const Row q = softmax(studentGrid[0][t]);
            const Row p = softmax(teacherGrid[0][t]);
            ce += -std::log(q[static_cast<size_t>(targets[t])]) / 2.0;
            hintonKl += kl(softmax(teacherGrid[0][t], temperature), softmax(studentGrid[0][t], temperature)) / 2.0;
            reverse += kl(q, p) / 2.0;
            for (size_t v = 0; v < 4; ++v)
                soft += -p[v] * std::log(q[v]) / 2.0;
        }

        EXPECT_VALUES(d::crossEntropyLoss(student, targetIds, mask), Row{ce}, 1e-6);
        EXPECT_VALUES(d::hintonKdLoss(student, teacher, targetIds, mask, temperature, 0.3),
                      Row{0.7 * ce + 0.3 * temperature * temperature * hintonKl}, 1e-6);
        EXPECT_VALUES(d::hintonKdLoss(student, teacher, targetIds, mask, temperature, 0.0), Row{ce}, 1e-6);
        EXPECT_VALUES(d::tokenReverseKlLoss(student, teacher, mask), Row{reverse}, 1e-6);
        EXPECT_VALUES(d::pretrainLoss(student, teacher, targetIds, mask), Row{0.5 * ce + 0.5 * soft}, 1e-6);
        EXPECT_VALUES(d::pretrainLoss(student, teacher, targetIds, mask, 0.0), Row{ce}, 1e-6);
        // Hinton's teacher term is the forward KL; the soft cross-entropy differs from it by the
        // teacher's entropy, which has no gradient: both must push the student the same way.
        const auto s1 = student.clone().requires_grad_();
        const auto s2 = student.clone().requires_grad_();
        d::hintonKdLoss(s1, teacher, targetIds, mask, 1.0, 1.0).backward();
        d::pretrainLoss(s2, teacher, targetIds, mask, 1.0).backward();
        QVERIFY(torch::allclose(s1.grad(), s2.grad(), 1e-5, 1e-7));
    }

    void featureAlignmentWithAndWithoutProjection()
    {
        const auto studentSame = torch::tensor({0.5, -1.0, 2.0, 0.0, 1.0, 1.5}).view({1, 2, 3}).requires_grad_();
        const auto teacherSame = torch::tensor({1.0, -1.0, 0.0, 0.5, 0.0, 1.5}).view({1, 2, 3}).requires_grad_();
        const auto plain = d::featureAlignmentLoss(studentSame, teacherSame);
        EXPECT_VALUES(plain, Row{(0.25 + 0.0 + 4.0 + 0.25 + 1.0 + 0.0) / 6.0}, 1e-6);
        plain.backward();
        EXPECT_VALUES(studentSame.grad(), (Row{2 * -0.5 / 6, 0, 2 * 2.0 / 6, 2 * -0.5 / 6, 2 * 1.0 / 6, 0}), 1e-6);
        QVERIFY(!teacherSame.grad().defined());

        // The paper's 1/2 ||z_T - z_S||^2: half the sum over the image's tokens and features, so
        // 3 times the MSE here (6 elements / 2); over a batch of two images, their mean.
        const auto halfSum = d::featureAlignmentLoss(studentSame.detach(), teacherSame, {}, d::AlignReduction::HalfSum);
        EXPECT_VALUES(halfSum, Row{0.5 * (0.25 + 0.0 + 4.0 + 0.25 + 1.0 + 0.0)}, 1e-6);
        const auto pair = torch::cat({studentSame.detach(), torch::zeros({1, 2, 3})});
        const auto pairTeacher = torch::cat({teacherSame.detach(), torch::ones({1, 2, 3})});
        EXPECT_VALUES(d::featureAlignmentLoss(pair, pairTeacher, {}, d::AlignReduction::HalfSum),
                      Row{(0.5 * 5.5 + 0.5 * 6.0) / 2.0}, 1e-6);

        // Student width 2 mapped to teacher width 3 by W [3, 2]: z = W s.
        const std::vector<Row> s = {{1.0, 2.0}, {-1.0, 0.5}};
        const std::vector<Row> w = {{0.5, -0.5}, {1.0, 0.0}, {0.25, 2.0}};
        const std::vector<Row> t = {{0.0, 1.0, 4.0}, {1.0, -1.0, 0.5}};
        double mse = 0.0;
        for (size_t i = 0; i < 2; ++i)
            for (size_t j = 0; j < 3; ++j) {
                const double z = w[j][0] * s[i][0] + w[j][1] * s[i][1];
                mse += (z - t[i][j]) * (z - t[i][j]) / 6.0;
            }
        const auto projection = tensorOf(w).requires_grad_();
        const auto projected = d::featureAlignmentLoss(tensorOf(s), tensorOf(t), projection);
        EXPECT_VALUES(projected, Row{mse}, 1e-6);
        projected.backward();
        QVERIFY(projection.grad().defined() && projection.grad().abs().sum().item<double>() > 0.0);

        QVERIFY_EXCEPTION_THROWN(d::featureAlignmentLoss(tensorOf(s), tensorOf(t)), geolens::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(d::featureAlignmentLoss(tensorOf(s), tensorOf(t), torch::zeros({2, 3})),
                                 geolens::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(d::featureAlignmentLoss(torch::zeros({3, 2}), tensorOf(t), projection), geolens::InvalidArgument);
    }

    // The KL terms are single autograd nodes with closed-form gradients. Against the formulas written
    // with autograd's own ops (log-softmax, isfinite masks, exp): the same values and gradients, with
    // tokens that one side rules out (-inf logits) and a teacher whose log-probs were computed once.
    void wholeDistributionTermsMatchAutograd()
    {
        torch::manual_seed(11);
        const double inf = std::numeric_limits<double>::infinity();
        auto studentValues = torch::randn({2, 3, 7}) * 3.0;
        auto teacherValues = torch::randn({2, 3, 7}) * 3.0;
        studentValues.index_put_({0, 1, 2}, -inf); // the student rules a token out
        teacherValues.index_put_({1, 0, 4}, -inf); // the teacher rules one out the student also does
        studentValues.index_put_({1, 0, 4}, -inf);
        // Where the student rules a token out that the teacher allows, KL(p || q) is infinite and the
        // masked sum a convention: the terms weighted by the teacher are compared where both rule
        // the same tokens out.
        auto teacherForForward = teacherValues.clone();
        teacherForForward.index_put_({0, 1, 2}, -inf);
        const auto mask = boolMask({{1, 1, 1}, {1, 0, 1}});
        const auto tokens = torch::randint(0, 7, {2, 3});
        const auto maskedKl = [](const torch::Tensor &logA, const torch::Tensor &logB) {
            const auto finite = torch::isfinite(logA) & torch::isfinite(logB);
            return (logA.exp() * (torch::where(finite, logA, 0) - torch::where(finite, logB, 0))).sum(-1);
        };
        const auto validMean = [&](const torch::Tensor &perToken) { return d::maskedMean(perToken, mask); };
        const auto autogradCe = [&](const torch::Tensor &z) {
            return validMean(-torch::log_softmax(z, -1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1));
        };
        const auto teacherLogProbs = torch::log_softmax(teacherValues, -1);
        const auto teacherT = torch::log_softmax(teacherForForward / 2.0, -1);
        const auto teacherForwardLogProbs = torch::log_softmax(teacherForForward, -1);

        struct Pair {
            const char *name;
            std::function<torch::Tensor(const torch::Tensor &)> engine, reference;
        };
        const std::vector<Pair> pairs = {
            {"single step", [&](const torch::Tensor &z) { return d::singleStepLoss(z, teacherValues, mask); },
             [&](const torch::Tensor &z) { return validMean(maskedKl(torch::log_softmax(z, -1), teacherLogProbs)); }},
            {"single step, teacher once",
             [&](const torch::Tensor &z) { return d::singleStepLoss(z, d::teacherLogProbs(teacherValues), mask); },
             [&](const torch::Tensor &z) { return validMean(maskedKl(torch::log_softmax(z, -1), teacherLogProbs)); }},
            {"hinton kd",
             [&](const torch::Tensor &z) { return d::hintonKdLoss(z, teacherForForward, tokens, mask, 2.0, 0.3); },
             [&](const torch::Tensor &z) {
                 return 0.7 * autogradCe(z) + 0.3 * 4.0 * validMean(maskedKl(teacherT, torch::log_softmax(z / 2.0, -1)));
             }},
            {"pretrain", [&](const torch::Tensor &z) { return d::pretrainLoss(z, teacherForForward, tokens, mask, 0.4); },
             [&](const torch::Tensor &z) {
                 const auto lq = torch::log_softmax(z, -1);
                 const auto soft = -(teacherForwardLogProbs.exp() * torch::where(torch::isfinite(lq), lq, 0)).sum(-1);
                 return 0.6 * autogradCe(z) + 0.4 * validMean(soft);
             }},
        };
        for (const Pair &pair : pairs) {
            const auto a = studentValues.clone().requires_grad_();
            const auto b = studentValues.clone().requires_grad_();
            const auto engine = pair.engine(a);
            const auto reference = pair.reference(b);
            QVERIFY2(std::isfinite(scalar(engine)), pair.name);
            QVERIFY2(std::abs(scalar(engine) - scalar(reference)) < 1e-5, pair.name);
            engine.backward();
            reference.backward();
            QVERIFY2(torch::allclose(a.grad(), b.grad(), 1e-5, 1e-6), pair.name);
            QVERIFY2(a.grad().abs().max().item<double>() > 0.0, pair.name);
        }

        // The KD term's rev_kl metric: the exact reverse KL at temperature 1, without gradient, and
        // the same loss as hintonKdLoss.
        const auto z = studentValues.clone().requires_grad_();
        const auto both = d::hintonKdLossAndReverseKl(z, teacherValues, tokens, mask, 2.0, 0.3);
        QCOMPARE(scalar(both.loss), scalar(d::hintonKdLoss(z, teacherValues, tokens, mask, 2.0, 0.3)));
        QVERIFY(!both.reverseKl.requires_grad());
        QVERIFY(std::abs(scalar(both.reverseKl) -
                         scalar(validMean(maskedKl(torch::log_softmax(studentValues, -1), teacherLogProbs)))) < 1e-6);
        const auto atOne = d::hintonKdLossAndReverseKl(z, teacherValues, tokens, mask, 1.0, 0.3);
        QVERIFY(std::abs(scalar(atOne.reverseKl) - scalar(both.reverseKl)) < 1e-6);

        // bf16 student logits: the gradient comes back in the logits' type.
        const auto low = studentValues.to(torch::kBFloat16).requires_grad_();
        d::singleStepLoss(low, teacherValues, mask).backward();
        QCOMPARE(low.grad().scalar_type(), torch::kBFloat16);
    }

    void shapeMismatchesAreReported()
    {
        const auto student = torch::zeros({2, 3, 5});
        const auto mask = torch::ones({2, 3}, torch::kBool);
        QVERIFY_EXCEPTION_THROWN(d::singleStepLoss(student, torch::zeros({2, 3, 6}), mask), geolens::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(d::singleStepLoss(student, student, torch::ones({2, 4})), geolens::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(d::crossEntropyLoss(student, torch::zeros({2, 2}, torch::kLong), mask), geolens::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(d::crossEntropyLoss(torch::zeros({6, 5}), torch::zeros({6}, torch::kLong), torch::ones({6})),
                                 geolens::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(d::hintonKdLoss(student, student, torch::zeros({2, 3}, torch::kLong), mask, 0.0),
                                 geolens::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(d::mixedLogProbs(student, student, 1.5), geolens::InvalidArgument);
        QVERIFY_EXCEPTION_THROWN(d::clippedPolicyLoss(torch::zeros({2, 3}), torch::zeros({2, 3}), torch::ones({2, 2}),
                                                      torch::zeros({2, 3}), mask),
                                 geolens::InvalidArgument);
        try {
            d::tokenLogProbs(student, torch::full({2, 3}, int64_t(5)), mask);
            QFAIL("an id outside the vocabulary was accepted");
        } catch (const geolens::InvalidArgument &e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(QStringLiteral("5 tokens")) && message.endsWith(QLatin1Char('.')), e.what());
        }
        // The same id at a padded position is ignored.
        QCOMPARE(scalar(d::tokenLogProbs(student, torch::full({2, 3}, int64_t(5)), torch::zeros({2, 3})).abs().sum()), 0.0);
    }
};

QTEST_GUILESS_MAIN(DistillLossesTest)
#include "tst_distill_losses.moc"
