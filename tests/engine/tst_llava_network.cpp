#include "model/DecodeStepGraph.h"
#include "model/LlavaNetwork.h"
#include "model/TokenSampler.h"

#include <set>

#include <QtTest>

using namespace geolens::detail;

namespace {

torch::Tensor randn(std::initializer_list<int64_t> shape, double scale = 0.2)
{
    return torch::randn(shape, torch::dtype(torch::kFloat32)) * scale;
}

LlamaDecoder tinyDecoder(int heads, int kvHeads, int layers = 2, int vocab = 50, int headDim = 8)
{
    LlamaDecoder d;
    d.heads = heads;
    d.kvHeads = kvHeads;
    d.headDim = headDim;
    d.rmsEps = 1e-6;
    d.ropeTheta = 10000.0;
    const int hidden = heads * headDim;
    const int kvDim = kvHeads * headDim;
    d.embedTokens = randn({vocab, hidden}, 1.0);
    d.finalNorm = 1.0 + randn({hidden}, 0.1);
    d.lmHead = randn({vocab, hidden});
    for (int i = 0; i < layers; ++i) {
        LlamaLayer l;
        l.inputNorm = 1.0 + randn({hidden}, 0.1);
        l.postNorm = 1.0 + randn({hidden}, 0.1);
        l.q = randn({hidden, hidden});
        l.k = randn({kvDim, hidden});
        l.v = randn({kvDim, hidden});
        l.o = randn({hidden, hidden});
        l.gate = randn({3 * hidden, hidden});
        l.up = randn({3 * hidden, hidden});
        l.down = randn({hidden, 3 * hidden});
        d.layers.push_back(l);
    }
    return d;
}

ClipVisionTower tinyTower(int layers, int grid, int patch = 4, int hidden = 16, int heads = 2)
{
    ClipVisionTower t;
    t.patchSize = patch;
    t.heads = heads;
    t.classEmbedding = randn({hidden}, 1.0);
    t.patchWeight = randn({hidden, 3, patch, patch});
    t.positionEmbedding = randn({1 + grid * grid, hidden});
    t.preNormWeight = 1.0 + randn({hidden}, 0.1);
    t.preNormBias = randn({hidden}, 0.1);
    for (int i = 0; i < layers; ++i) {
        ClipEncoderLayer l;
        l.norm1Weight = 1.0 + randn({hidden}, 0.1);
        l.norm1Bias = randn({hidden}, 0.1);
        l.norm2Weight = 1.0 + randn({hidden}, 0.1);
        l.norm2Bias = randn({hidden}, 0.1);
        l.qWeight = randn({hidden, hidden});
        l.kWeight = randn({hidden, hidden});
        l.vWeight = randn({hidden, hidden});
        l.outWeight = randn({hidden, hidden});
        l.qBias = randn({hidden});
        l.kBias = randn({hidden});
        l.vBias = randn({hidden});
        l.outBias = randn({hidden});
        l.fc1Weight = randn({4 * hidden, hidden});
        l.fc1Bias = randn({4 * hidden});
        l.fc2Weight = randn({hidden, 4 * hidden});
        l.fc2Bias = randn({hidden});
        t.layers.push_back(l);
    }
    return t;
}

double maxDifference(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

// Two prompts as one batch: five tokens, and three after two positions of padding (padding [1, 2, hidden]).
torch::Tensor twoRowsLeftPadded(const LlamaDecoder &d, const torch::Tensor &padding)
{
    const auto row = [&](std::vector<std::int64_t> ids) { return d.embed(torch::tensor(ids, torch::kLong).unsqueeze(0)); };
    return torch::cat({row({5, 6, 7, 8, 9}), torch::cat({padding, row({11, 12, 13})}, 1)}, 0);
}

} // namespace

// Properties of the network that hold whatever the weights: the cache changes nothing, attention
// is causal, grouped-query heads equal repeated full heads, the vision tower stops at the layer it
// is asked for. Numerical agreement with the reference implementation is tested on golden files.
class LlavaNetworkTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { torch::manual_seed(7); }

    void cachedDecodingEqualsFullForward()
    {
        const LlamaDecoder d = tinyDecoder(4, 4);
        const auto ids = torch::tensor({3, 17, 5, 42, 8, 11, 29}, torch::kLong).unsqueeze(0);
        KvCache full = d.makeCache(1, 16);
        const auto all = d.forward(d.embed(ids), full, false); // [1, 7, vocab]
        QCOMPARE(all.size(1), int64_t(7));
        QCOMPARE(full.length, int64_t(7));

        // Prefill four tokens, then one at a time.
        KvCache step = d.makeCache(1, 16);
        auto last = d.forward(d.embed(ids.slice(1, 0, 4)), step, true);
        QVERIFY(maxDifference(last[0][0], all[0][3]) < 1e-5);
        for (int i = 4; i < 7; ++i) {
            last = d.forward(d.embed(ids.slice(1, i, i + 1)), step, true);
            QVERIFY2(maxDifference(last[0][0], all[0][i]) < 1e-5, qPrintable(QString::number(maxDifference(last[0][0], all[0][i]))));
        }
        KvCache small = d.makeCache(1, 4);
        QVERIFY_THROWS_EXCEPTION(std::length_error, d.forward(d.embed(ids), small, true));
    }

    void attentionIsCausal()
    {
        const LlamaDecoder d = tinyDecoder(2, 2);
        const auto a = torch::tensor({1, 2, 3, 4, 5}, torch::kLong).unsqueeze(0);
        const auto b = torch::tensor({1, 2, 3, 9, 9}, torch::kLong).unsqueeze(0);
        KvCache ca = d.makeCache(1, 8), cb = d.makeCache(1, 8);
        const auto la = d.forward(d.embed(a), ca, false);
        const auto lb = d.forward(d.embed(b), cb, false);
        QVERIFY(maxDifference(la.slice(1, 0, 3), lb.slice(1, 0, 3)) < 1e-6);
        QVERIFY(maxDifference(la.slice(1, 3), lb.slice(1, 3)) > 1e-3);
    }

    void groupedQueryHeadsEqualRepeatedHeads()
    {
        LlamaDecoder grouped = tinyDecoder(4, 2);
        LlamaDecoder full = grouped;
        full.kvHeads = 4;
        full.layers.clear();
        for (const LlamaLayer &l : grouped.layers) {
            LlamaLayer r = l;
            // Each key/value head serves two query heads: repeat its rows.
            r.k = l.k.view({2, grouped.headDim, -1}).repeat_interleave(2, 0).reshape({4 * grouped.headDim, -1});
            r.v = l.v.view({2, grouped.headDim, -1}).repeat_interleave(2, 0).reshape({4 * grouped.headDim, -1});
            full.layers.push_back(r);
        }
        const auto ids = torch::tensor({4, 8, 15, 16, 23, 42}, torch::kLong).unsqueeze(0);
        KvCache cg = grouped.makeCache(1, 8), cf = full.makeCache(1, 8);
        QVERIFY(maxDifference(grouped.forward(grouped.embed(ids), cg, false), full.forward(full.embed(ids), cf, false)) < 1e-5);
    }

    void batchRowsAreIndependent()
    {
        const LlamaDecoder d = tinyDecoder(2, 1);
        const auto ids = torch::tensor({{1, 2, 3}, {7, 8, 9}}, torch::kLong);
        KvCache both = d.makeCache(2, 4), one = d.makeCache(1, 4);
        const auto batch = d.forward(d.embed(ids), both, true);
        const auto single = d.forward(d.embed(ids.slice(0, 1, 2)), one, true);
        QVERIFY(maxDifference(batch[1], single[0]) < 1e-5);
    }

    void leftPaddedRowsEqualUnpaddedOnes()
    {
        const LlamaDecoder d = tinyDecoder(4, 2);
        const auto longRow = torch::tensor({5, 6, 7, 8, 9}, torch::kLong).unsqueeze(0);
        const auto shortRow = torch::tensor({11, 12, 13}, torch::kLong).unsqueeze(0);
        // Row 1 is padded on the left with two positions of junk.
        const auto embeds = torch::cat({d.embed(longRow), torch::cat({torch::randn({1, 2, d.embedTokens.size(1)}), d.embed(shortRow)}, 1)}, 0);
        const auto padding = torch::tensor({0, 2}, torch::kLong);
        KvCache batch = d.makeCache(2, 8);
        auto logits = d.forward(embeds, batch, true, padding);
        KvCache aloneLong = d.makeCache(1, 8), aloneShort = d.makeCache(1, 8);
        auto expectedLong = d.forward(d.embed(longRow), aloneLong, true);
        auto expectedShort = d.forward(d.embed(shortRow), aloneShort, true);
        QVERIFY(maxDifference(logits[0], expectedLong[0]) < 1e-5);
        QVERIFY2(maxDifference(logits[1], expectedShort[0]) < 1e-5, qPrintable(QString::number(maxDifference(logits[1], expectedShort[0]))));
        // And the next decoding step, with the padding still masked.
        const auto next = torch::tensor({{21}, {22}}, torch::kLong);
        logits = d.forward(d.embed(next), batch, true, padding);
        QVERIFY(maxDifference(logits[0], d.forward(d.embed(next.slice(0, 0, 1)), aloneLong, true)[0]) < 1e-5);
        QVERIFY(maxDifference(logits[1], d.forward(d.embed(next.slice(0, 1, 2)), aloneShort, true)[0]) < 1e-5);
        QVERIFY(torch::isfinite(logits).all().item<bool>());
    }

    void cachedTablesGiveTheSameNumbers()
    {
        // A cache carries the rotary tables of all its positions and the padding mask, made once;
        // a cache without them computes both at every step. The logits must be the same bits.
        const LlamaDecoder d = tinyDecoder(4, 2);
        const auto embeds = twoRowsLeftPadded(d, torch::zeros({1, 2, d.embedTokens.size(1)}));
        for (const torch::Tensor &padding : {torch::tensor({0, 2}, torch::kLong), torch::Tensor()}) {
            KvCache cached = d.makeCache(2, 12), recomputed = d.makeCache(2, 12);
            QCOMPARE(cached.rotaryCos.size(0), std::int64_t(12));
            QCOMPARE(cached.rotaryCos.size(1), std::int64_t(d.headDim));
            recomputed.rotaryCos = recomputed.rotarySin = torch::Tensor();
            QVERIFY(torch::equal(d.forward(embeds, cached, true, padding), d.forward(embeds, recomputed, true, padding)));
            for (int step = 0; step < 5; ++step) {
                const auto next = d.embed(torch::tensor({{20 + step}, {30 + step}}, torch::kLong));
                QVERIFY2(torch::equal(d.forward(next, cached, true, padding), d.forward(next, recomputed, true, padding)),
                         qPrintable(QString("step %1").arg(step)));
            }
            QCOMPARE(cached.paddingMask.defined(), padding.defined());
        }
        // The tables are those of positions 0, 1, ...: row p holds the angles p * inverse frequency.
        const KvCache cache = d.makeCache(1, 6);
        const auto [cos, sin] = d.rotaryTables(torch::tensor({3.0f}), torch::kCPU, torch::kFloat32);
        QVERIFY(torch::equal(cache.rotaryCos[3], cos[0]));
        QVERIFY(torch::equal(cache.rotarySin[3], sin[0]));
        QVERIFY(std::abs(cache.rotaryCos[3][0].item<double>() - std::cos(3.0)) < 1e-6);
    }

    void fixedShapeStepsEqualCachedSteps()
    {
        // The steps a GPU replays as a graph attend over the cache's whole capacity with the
        // positions not written yet masked, and read their position from a tensor: the logits
        // must be those of the ordinary steps, for a left-padded batch with grouped heads and for
        // one row, and again when the same object serves a second generation over the first's
        // leftovers.
        const LlamaDecoder d = tinyDecoder(4, 2);
        const auto embeds = twoRowsLeftPadded(d, torch::randn({1, 2, d.embedTokens.size(1)}));
        struct Case {
            torch::Tensor embeds, padding;
        };
        for (const Case &c : {Case{embeds, torch::tensor({0, 2}, torch::kLong)}, Case{embeds.slice(0, 0, 1), torch::Tensor()}}) {
            const std::int64_t batch = c.embeds.size(0);
            DecodeStepGraph steps(d, batch, 16, /*replay=*/true);
            QVERIFY(!steps.replays()); // a CPU runs the operations one by one
            QCOMPARE(steps.capacity(), std::int64_t(16));
            for (int generation = 0; generation < 2; ++generation) {
                KvCache expected = d.makeCache(batch, 16);
                auto want = d.forward(c.embeds, expected, true, c.padding).select(1, 0);
                auto got = d.forward(c.embeds, steps.startGeneration(), true, c.padding).select(1, 0);
                steps.afterPrefill(c.padding);
                QVERIFY(torch::equal(got, want));
                for (int step = 0; step < 6 + 4 * generation; ++step) {
                    const auto ids = torch::tensor(std::vector<std::int64_t>{20 + step + generation, 30 + step}, torch::kLong)
                                         .slice(0, 0, batch);
                    want = d.forward(d.embed(ids.unsqueeze(1)), expected, true, c.padding).select(1, 0);
                    got = steps.step(ids);
                    QCOMPARE(got.sizes(), want.sizes());
                    QVERIFY2(maxDifference(got, want) < 1e-5,
                             qPrintable(QString("generation %1, step %2: %3").arg(generation).arg(step).arg(maxDifference(got, want))));
                }
                QCOMPARE(steps.cache().length, expected.length);
            }
            // Full: the next step has no room.
            while (steps.cache().length < steps.capacity())
                steps.step(torch::zeros({batch}, torch::kLong));
            QVERIFY_THROWS_EXCEPTION(std::length_error, steps.step(torch::zeros({batch}, torch::kLong)));
        }
    }

    void fixedShapeStepsKnowTheWeightsTheyWereMadeFor()
    {
        // A replayed graph reads the weights by address and an adapter's scale as a constant:
        // steps made before a weight or an adapter changed must not serve the next generation.
        LlamaDecoder d = tinyDecoder(2, 2);
        DecodeStepGraph steps(d, 1, 8, false);
        QVERIFY(steps.fits(1, 8));
        QVERIFY(!steps.fits(2, 8));
        QVERIFY(!steps.fits(1, 16));
        d.layers[1].up.mul_(2.0); // trained in place: the same memory
        QVERIFY(steps.fits(1, 8));
        LowRankAdapter &adapter = d.layers[0].adapters[static_cast<std::size_t>(Projection::V)];
        adapter.a = randn({2, d.embedTokens.size(1)});
        adapter.b = torch::zeros({d.layers[0].v.size(0), 2});
        QVERIFY(!steps.fits(1, 8));
        DecodeStepGraph withAdapter(d, 1, 8, false);
        QVERIFY(withAdapter.fits(1, 8));
        adapter.scale = 0.5;
        QVERIFY(!withAdapter.fits(1, 8));
        adapter.scale = 1.0;
        QVERIFY(withAdapter.fits(1, 8));
        d.lmHead = d.lmHead.clone();
        QVERIFY(!withAdapter.fits(1, 8));
    }

    void namedParametersUseTheCheckpointNames()
    {
        LlamaDecoder d = tinyDecoder(2, 2, 2);
        const std::vector<NamedTensor> named = d.namedParameters();
        QCOMPARE(named.size(), std::size_t(1 + 2 * 9 + 2));
        QCOMPARE(named.front().first, std::string("model.embed_tokens.weight"));
        QCOMPARE(named[1].first, std::string("model.layers.0.input_layernorm.weight"));
        QCOMPARE(named[2].first, std::string("model.layers.0.post_attention_layernorm.weight"));
        QCOMPARE(named[3].first, std::string("model.layers.0.self_attn.q_proj.weight"));
        QCOMPARE(named[9].first, std::string("model.layers.0.mlp.down_proj.weight"));
        QCOMPARE(named[12].first, std::string("model.layers.1.self_attn.q_proj.weight"));
        QCOMPARE(named[named.size() - 2].first, std::string("model.norm.weight"));
        QCOMPARE(named.back().first, std::string("lm_head.weight"));
        std::set<std::string> unique;
        for (const NamedTensor &t : named)
            QVERIFY2(unique.insert(t.first).second, t.first.c_str());
        // Handles onto the decoder's own tensors, so that a trainer changes the network.
        QCOMPARE(named[12].second.data_ptr(), d.layers[1].q.data_ptr());
        named[12].second.mul_(0);
        QCOMPARE(d.layers[1].q.abs().sum().item<double>(), 0.0);

        LlavaNetwork network;
        network.decoder = d;
        network.projector.weights = {randn({32, 16}), randn({32, 32})};
        network.projector.biases = {randn({32}), randn({32})};
        const std::vector<NamedTensor> all = network.namedParameters();
        QCOMPARE(all.size(), named.size() + 4);
        QCOMPARE(all[named.size()].first, std::string("model.mm_projector.0.weight"));
        QCOMPARE(all.back().first, std::string("model.mm_projector.2.bias"));
        QCOMPARE(network.type(), torch::kFloat32);
        QVERIFY(network.device().is_cpu());
    }

    void reducedPrecisionStaysFinite()
    {
        // The mask's most negative value must fit the element type (bf16's range ends below
        // float's), and padded rows must not turn into NaN.
        for (auto type : {torch::kBFloat16, torch::kFloat64}) {
            LlamaDecoder d = tinyDecoder(4, 2);
            for (torch::Tensor *t : {&d.embedTokens, &d.finalNorm, &d.lmHead})
                *t = t->to(type);
            for (LlamaLayer &l : d.layers)
                for (torch::Tensor *t : {&l.inputNorm, &l.q, &l.k, &l.v, &l.o, &l.postNorm, &l.gate, &l.up, &l.down})
                    *t = t->to(type);
            const auto ids = torch::tensor({{3, 4, 5, 6}, {0, 0, 7, 8}}, torch::kLong);
            KvCache cache = d.makeCache(2, 6);
            const auto logits = d.forward(d.embed(ids), cache, false, torch::tensor({0, 2}, torch::kLong));
            QVERIFY(torch::isfinite(logits).all().item<bool>());
        }
    }

    void positionTableInterpolation()
    {
        const auto table = randn({1 + 6 * 6, 5}, 1.0);
        QVERIFY(interpolatePositionTable(table, 6).equal(table));
        const auto resized = interpolatePositionTable(table, 9);
        QCOMPARE(resized.size(0), int64_t(1 + 81));
        QCOMPARE(resized.size(1), int64_t(5));
        QVERIFY(resized[0].equal(table[0])); // the class row is kept
        // align_corners: the four corners of the grid keep their values.
        QVERIFY(maxDifference(resized[1], table[1]) < 1e-5);
        QVERIFY(maxDifference(resized[9], table[6]) < 1e-5);
        QVERIFY(maxDifference(resized[81], table[36]) < 1e-5);
        // Row-major grid: the middle of the first row lies between table rows 3 and 4 (x = 2.5).
        const auto mid = resized[5];
        QVERIFY(maxDifference(mid, table[3]) > 0 && maxDifference(mid, table[4]) > 0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, interpolatePositionTable(randn({1 + 10, 3}), 4));
    }

    void visionTowerStopsAtTheSelectedLayer()
    {
        const ClipVisionTower tower = tinyTower(3, 4);
        const auto pixels = torch::randn({2, 3, 16, 16});
        const auto features = tower.forward(pixels, -2, true);
        QCOMPARE(features.sizes().vec(), (std::vector<int64_t>{2, 16, 16}));
        // hidden_states[-2] of three layers is the output of layer two: the same as the last state
        // of a tower with two layers.
        ClipVisionTower shorter = tower;
        shorter.layers.pop_back();
        QVERIFY(maxDifference(features, shorter.forward(pixels, -1, true)) < 1e-6);
        QCOMPARE(tower.forward(pixels, -2, false).size(1), int64_t(17));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tower.forward(pixels, -5, true));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tower.forward(torch::randn({1, 3, 20, 20}), -2, true));
    }

    void samplerGreedyAndRepetitionPenalty()
    {
        const auto logits = torch::tensor({1.0f, 3.0f, 2.9f, -1.0f});
        TokenSampler greedy({});
        QCOMPARE(greedy.next(logits, {}), int64_t(1));
        // Penalty 1.2 on token 1: 3.0 / 1.2 = 2.5 < 2.9, so token 2 wins; negative logits are
        // multiplied, so token 3 sinks further.
        TokenSampler penalised({0.0, 0, 1.0, 1.2, 0});
        QCOMPARE(penalised.next(logits, {1, 3}), int64_t(2));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, TokenSampler({-1.0, 0, 1.0, 1.0, 0}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, TokenSampler({1.0, 0, 0.0, 1.0, 0}));
    }

    void samplerFiltersAndSeeds()
    {
        const auto logits = torch::tensor({0.0f, 5.0f, 4.0f, 3.0f, -2.0f});
        // top-k 2: only tokens 1 and 2 can ever come out.
        TokenSampler topK({1.0, 2, 1.0, 1.0, 11});
        for (int i = 0; i < 200; ++i) {
            const auto t = topK.next(logits, {});
            QVERIFY(t == 1 || t == 2);
        }
        // top-p 0.5: token 1 alone holds 0.66 of the mass.
        TokenSampler topP({1.0, 0, 0.5, 1.0, 3});
        for (int i = 0; i < 100; ++i)
            QCOMPARE(topP.next(logits, {}), int64_t(1));
        // Same seed, same draws; a low temperature concentrates on the best token.
        TokenSampler a({1.0, 0, 1.0, 1.0, 42}), b({1.0, 0, 1.0, 1.0, 42});
        std::vector<int64_t> da, db;
        for (int i = 0; i < 50; ++i) {
            da.push_back(a.next(logits, {}));
            db.push_back(b.next(logits, {}));
        }
        QCOMPARE(da, db);
        QVERIFY(std::set<int64_t>(da.begin(), da.end()).size() > 1);
        TokenSampler cold({0.01, 0, 1.0, 1.0, 5});
        for (int i = 0; i < 50; ++i)
            QCOMPARE(cold.next(logits, {}), int64_t(1));
    }

    void projectorIsLinearGeluLinear()
    {
        Projector p;
        p.weights = {randn({6, 4}), randn({6, 6})};
        p.biases = {randn({6}), randn({6})};
        const auto x = randn({1, 3, 4}, 1.0);
        const auto expected = torch::linear(torch::gelu(torch::linear(x, p.weights[0], p.biases[0])), p.weights[1], p.biases[1]);
        QVERIFY(maxDifference(p.forward(x), expected) < 1e-7);
    }
};

QTEST_APPLESS_MAIN(LlavaNetworkTest)
#include "tst_llava_network.moc"
