#include "model/LlavaNetwork.h"

#include "common/Error.h"
#include "model/DecodeAttention.h"
#include "model/DecodeRowOps.h"
#include "model/SmallBatchLinear.h"
#include "model/Tokenizer.h"

#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace geolens::detail {

namespace {

torch::Tensor layerNorm(const torch::Tensor &x, const torch::Tensor &w, const torch::Tensor &b, double eps)
{
    return torch::layer_norm(x, {x.size(-1)}, w, b, eps);
}

// LLaMA's RMSNorm: statistics in float32, result cast back before the weight multiplies it.
torch::Tensor rmsNorm(const torch::Tensor &x, const torch::Tensor &w, double eps)
{
    if (rmsNormRowsApplies(x, w))
        return rmsNormRows(x, w, eps);
    const auto h = x.to(torch::kFloat32);
    const auto variance = h.pow(2).mean(-1, /*keepdim=*/true);
    return w * (h * torch::rsqrt(variance + eps)).to(x.scalar_type());
}

// The most negative finite value of an element type, as the reference's finfo(dtype).min; never
// below float's, since the softmax runs in float32.
double lowestValue(torch::ScalarType type)
{
    switch (type) {
    case torch::kHalf: return static_cast<double>(std::numeric_limits<c10::Half>::lowest());
    case torch::kBFloat16: return static_cast<double>(std::numeric_limits<c10::BFloat16>::lowest());
    default: return static_cast<double>(std::numeric_limits<float>::lowest());
    }
}

torch::Tensor rotateHalf(const torch::Tensor &x)
{
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

torch::Tensor rotary(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin)
{
    if (rotaryRowsApplies(x, cos, sin))
        return rotaryRows(x, cos, sin);
    return x * cos + rotateHalf(x) * sin;
}

// Attention of q [B, H, T, D] over k, v [B, H, S, D]: scores scaled after the product, mask (if
// defined) added, softmax in float32 when asked.
torch::Tensor attention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                        const torch::Tensor &mask, bool softmaxInFloat, double scale = 1.0)
{
    auto scores = torch::matmul(q, k.transpose(-1, -2));
    if (scale != 1.0)
        scores = scores * scale;
    if (mask.defined())
        scores = scores + mask;
    const auto probs = softmaxInFloat ? torch::softmax(scores, -1, torch::kFloat32).to(q.scalar_type())
                                      : torch::softmax(scores, -1);
    return torch::matmul(probs, v);
}

} // namespace

torch::Tensor ClipVisionTower::forward(const torch::Tensor &pixels, int selectLayer, bool dropClassToken) const
{
    const int64_t batch = pixels.size(0);
    const int64_t hidden = classEmbedding.size(0);
    auto patches = torch::conv2d(pixels.to(patchWeight.scalar_type()), patchWeight, {}, patchSize);
    patches = patches.flatten(2).transpose(1, 2); // [B, grid*grid, hidden]
    if (patches.size(1) + 1 != positionEmbedding.size(0))
        throw std::invalid_argument("CLIP input of " + std::to_string(pixels.size(-1)) + " px does not match the position table of " +
                                    std::to_string(positionEmbedding.size(0)) + " rows");
    auto h = torch::cat({classEmbedding.expand({batch, 1, hidden}), patches}, 1) + positionEmbedding.unsqueeze(0);
    h = layerNorm(h, preNormWeight, preNormBias, layerNormEps);

    // hidden_states has layers + 1 entries (the embeddings first).
    const int states = static_cast<int>(layers.size()) + 1;
    const int wanted = selectLayer < 0 ? states + selectLayer : selectLayer;
    if (wanted < 0 || wanted >= states)
        throw std::invalid_argument("vision select layer " + std::to_string(selectLayer) + " is out of range");

    const int64_t headDim = hidden / heads;
    const double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
    for (int i = 0; i < wanted; ++i) {
        const ClipEncoderLayer &l = layers[i];
        auto residual = h;
        auto x = layerNorm(h, l.norm1Weight, l.norm1Bias, layerNormEps);
        const int64_t tokens = x.size(1);
        auto split = [&](const torch::Tensor &t) { return t.view({batch, tokens, heads, headDim}).transpose(1, 2); };
        const auto k = split(torch::linear(x, l.kWeight, l.kBias));
        const auto v = split(torch::linear(x, l.vWeight, l.vBias));
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
        // The fused kernel, as transformers' CLIP runs by default (SDPA, the scale given to the
        // kernel): a 504 px tile has 1297 tokens, and the unfused scores [B, heads, 1297, 1297]
        // went through memory at every layer.
        const auto q = split(torch::linear(x, l.qWeight, l.qBias));
        auto a = at::scaled_dot_product_attention(q, k, v, {}, 0.0, false, scale);
#else
        const auto q = split(torch::linear(x, l.qWeight, l.qBias) * scale);
        auto a = attention(q, k, v, {}, false);
#endif
        a = a.transpose(1, 2).reshape({batch, tokens, hidden});
        h = residual + torch::linear(a, l.outWeight, l.outBias);
        residual = h;
        x = layerNorm(h, l.norm2Weight, l.norm2Bias, layerNormEps);
        x = torch::linear(x, l.fc1Weight, l.fc1Bias);
        x = quickGelu ? x * torch::sigmoid(1.702 * x) : torch::gelu(x);
        h = residual + torch::linear(x, l.fc2Weight, l.fc2Bias);
    }
    return dropClassToken ? h.slice(1, 1) : h;
}

torch::Tensor interpolatePositionTable(const torch::Tensor &table, int newGrid)
{
    const int64_t rows = table.size(0) - 1;
    const auto grid = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(rows))));
    if (grid * grid != rows)
        throw std::invalid_argument("the CLIP position table has " + std::to_string(rows) + " patch rows, not a square grid");
    if (grid == newGrid)
        return table;
    const int64_t channels = table.size(1);
    const auto type = table.scalar_type();
    auto image = table.slice(0, 1).to(torch::kFloat32).transpose(0, 1).reshape({1, channels, grid, grid});
    auto resized = torch::upsample_bicubic2d(image, {newGrid, newGrid}, /*align_corners=*/true);
    auto patches = resized.reshape({channels, static_cast<int64_t>(newGrid) * newGrid}).transpose(0, 1);
    return torch::cat({table.slice(0, 0, 1).to(torch::kFloat32), patches}, 0).to(type).contiguous();
}

torch::Tensor Projector::forward(const torch::Tensor &features) const
{
    auto x = features;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (i > 0)
            x = torch::gelu(x);
        x = torch::linear(x, weights[i], biases[i]);
    }
    return x;
}

std::vector<NamedTensor> Projector::namedParameters() const
{
    // The checkpoint numbers the modules of nn.Sequential, GELUs included: linear layers are 0, 2, ...
    std::vector<NamedTensor> out;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const std::string p = "model.mm_projector." + std::to_string(2 * i) + ".";
        out.emplace_back(p + "weight", weights[i]);
        out.emplace_back(p + "bias", biases[i]);
    }
    return out;
}

const char *projectionTensorName(Projection p)
{
    switch (p) {
    case Projection::Q: return "self_attn.q_proj.weight";
    case Projection::K: return "self_attn.k_proj.weight";
    case Projection::V: return "self_attn.v_proj.weight";
    case Projection::O: return "self_attn.o_proj.weight";
    case Projection::Gate: return "mlp.gate_proj.weight";
    case Projection::Up: return "mlp.up_proj.weight";
    case Projection::Down: return "mlp.down_proj.weight";
    }
    return "";
}

const torch::Tensor &LlamaLayer::weight(Projection p) const
{
    switch (p) {
    case Projection::Q: return q;
    case Projection::K: return k;
    case Projection::V: return v;
    case Projection::O: return o;
    case Projection::Gate: return gate;
    case Projection::Up: return up;
    case Projection::Down: return down;
    }
    return q;
}

namespace {

// x W^T. The few rows of a decoding step on the CPU go through kernels that read each weight once
// (SmallBatchLinear); the matrix-matrix path packs a copy of the weights first, and that copy took
// more than half of each decoding step. Without those kernels, one float32 row still avoids it
// through a matrix-vector product.
torch::Tensor linearLayer(const torch::Tensor &x, const torch::Tensor &w)
{
    if (smallBatchLinearApplies(x, w))
        return smallBatchLinear(x, w);
    const std::int64_t in = x.size(-1);
    const bool oneRow = x.numel() == in;
    if (oneRow && x.device().is_cpu() && x.scalar_type() == torch::kFloat32 && w.scalar_type() == torch::kFloat32 &&
        !(torch::GradMode::is_enabled() && (x.requires_grad() || w.requires_grad()))) {
        std::vector<std::int64_t> shape(x.sizes().begin(), x.sizes().end());
        shape.back() = w.size(0);
        return torch::mv(w, x.reshape({in})).view(shape);
    }
    return torch::linear(x, w);
}

} // namespace

QuantizedWeight QuantizedWeight::from(const torch::Tensor &weight)
{
    if (!weight.device().is_cpu())
        throw InvalidArgument("int8 weights run on the CPU only in this build: load the model on the CPU or without "
                              "--quantize.");
    torch::NoGradGuard noGrad;
    const auto w = weight.to(torch::kFloat32);
    // Symmetric: the zero point 0 keeps x W^T free of offset terms.
    const auto scales = (w.abs().amax(1).clamp_min(1e-12) / 127.0).contiguous();
    QuantizedWeight out;
    out.values = w.div(scales.unsqueeze(1)).round_().clamp_(-127, 127).to(torch::kInt8).contiguous();
    out.scales = scales;
    return out;
}

void LlamaLayer::quantize()
{
    for (std::size_t i = 0; i < ProjectionCount; ++i) {
        torch::Tensor &w = weight(static_cast<Projection>(i));
        quantized[i] = QuantizedWeight::from(w);
        w = torch::Tensor();
    }
}

void LlamaLayer::pack()
{
    for (std::size_t i = 0; i < ProjectionCount; ++i) {
        torch::Tensor &w = weight(static_cast<Projection>(i));
        packed[i] = PackedWeight::from(w);
        w = torch::Tensor();
    }
}

double LlamaLayer::projectionBytes() const
{
    double bytes = 0.0;
    for (std::size_t i = 0; i < ProjectionCount; ++i) {
        const torch::Tensor &w = weight(static_cast<Projection>(i));
        bytes += quantized[i].defined() ? static_cast<double>(quantized[i].bytes())
                 : packed[i].defined()  ? static_cast<double>(packed[i].bytes())
                                        : static_cast<double>(w.numel()) * w.element_size();
    }
    return bytes;
}

std::int64_t LlamaLayer::projectionParameters() const
{
    std::int64_t n = 0;
    for (std::size_t i = 0; i < ProjectionCount; ++i) {
        const torch::Tensor &w = weight(static_cast<Projection>(i));
        n += quantized[i].defined() ? quantized[i].values.numel()
             : packed[i].defined()  ? packed[i].out * packed[i].in()
                                    : w.numel();
    }
    return n;
}

torch::Tensor logProbsAt(const torch::Tensor &logits, const torch::Tensor &ids)
{
    const auto z = logits.to(torch::kFloat32);
    return z.gather(-1, ids.unsqueeze(-1)).squeeze(-1) - z.logsumexp(-1);
}

torch::Tensor LlamaLayer::project(const torch::Tensor &x, Projection p) const
{
    const LowRankAdapter &adapter = adapters[static_cast<std::size_t>(p)];
    const QuantizedWeight &q = quantized[static_cast<std::size_t>(p)];
    const PackedWeight &packedWeight = packed[static_cast<std::size_t>(p)];
    auto y = q.defined()              ? int8WeightLinear(x, q.values, q.scales)
             : packedWeight.defined() ? packedWeight.multiply(x)
                                      : linearLayer(x, weight(p));
    if (adapter.active()) {
        auto input = x.to(adapter.a.scalar_type());
        if (adapter.training && adapter.dropout > 0.0)
            input = torch::dropout(input, adapter.dropout, true);
        y = y + torch::linear(torch::linear(input, adapter.a), adapter.b).to(y.scalar_type()) * adapter.scale;
    }
    return y;
}

KvCache LlamaDecoder::makeCache(int64_t batch, int64_t capacity) const
{
    KvCache cache;
    cache.capacity = capacity;
    const auto options = embedTokens.options();
    // Zeros, not empty tensors: the pages are mapped here, once, rather than on the decoding step
    // that first writes into each (about 250 page faults a step for a batch of eight, 0.4 ms of a
    // 44 ms step); and a step that reads the whole capacity under a mask (the fixed-shape step)
    // meets zeros, never leftover NaNs.
    for (std::size_t i = 0; i < layers.size(); ++i) {
        cache.keys.push_back(torch::zeros({batch, kvHeads, capacity, headDim}, options));
        cache.values.push_back(torch::zeros({batch, kvHeads, capacity, headDim}, options));
    }
    std::tie(cache.rotaryCos, cache.rotarySin) =
        rotaryTables(torch::arange(0, capacity, torch::dtype(torch::kFloat32)), embedTokens.device(), embedTokens.scalar_type());
    return cache;
}

torch::Tensor LlamaDecoder::embed(const torch::Tensor &ids) const
{
    return torch::embedding(embedTokens, ids);
}

std::vector<NamedTensor> LlamaDecoder::namedParameters() const
{
    constexpr Projection order[] = {Projection::Q,    Projection::K,  Projection::V,   Projection::O,
                                    Projection::Gate, Projection::Up, Projection::Down};
    std::vector<NamedTensor> out;
    out.emplace_back("model.embed_tokens.weight", embedTokens);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const LlamaLayer &l = layers[i];
        const std::string p = "model.layers." + std::to_string(i) + ".";
        out.emplace_back(p + "input_layernorm.weight", l.inputNorm);
        out.emplace_back(p + "post_attention_layernorm.weight", l.postNorm);
        for (Projection projection : order) {
            const PackedWeight &packed = l.packed[static_cast<std::size_t>(projection)];
            out.emplace_back(p + projectionTensorName(projection), packed.defined() ? packed.unpacked() : l.weight(projection));
        }
    }
    out.emplace_back("model.norm.weight", finalNorm);
    out.emplace_back("lm_head.weight", packedLmHead.defined() ? packedLmHead.unpacked() : lmHead);
    return out;
}

void LlamaDecoder::packOutputLayer()
{
    packedLmHead = PackedWeight::from(lmHead);
    lmHead = torch::Tensor();
}

double LlamaDecoder::outputLayerBytes() const
{
    return packedLmHead.defined() ? static_cast<double>(packedLmHead.bytes())
                                  : static_cast<double>(lmHead.numel()) * lmHead.element_size();
}

std::int64_t LlamaDecoder::outputLayerParameters() const
{
    return packedLmHead.defined() ? packedLmHead.out * packedLmHead.in() : lmHead.numel();
}

std::pair<torch::Tensor, torch::Tensor> LlamaDecoder::rotaryTables(const torch::Tensor &positions, torch::Device device,
                                                                   torch::ScalarType type) const
{
    const auto invFreq = 1.0 / torch::pow(ropeTheta, torch::arange(0, headDim, 2, torch::dtype(torch::kFloat32)) / headDim);
    const auto freqs = positions.unsqueeze(-1) * invFreq; // [..., T, D/2]
    const auto angles = torch::cat({freqs, freqs}, -1).to(device); // [..., T, D]
    return {angles.cos().to(type), angles.sin().to(type)};
}

LlamaDecoder::Positions LlamaDecoder::positionsFor(const torch::Tensor &embeds, int64_t start,
                                                   const torch::Tensor &leftPadding) const
{
    const int64_t batch = embeds.size(0);
    const int64_t tokens = embeds.size(1);
    const int64_t end = start + tokens;
    const auto type = embeds.scalar_type();
    const auto device = embeds.device();
    const bool padded = leftPadding.defined() && leftPadding.max().item<int64_t>() > 0;

    // Rotary tables for these positions, computed in float32 and cast like the reference does.
    auto positions = torch::arange(start, end, torch::dtype(torch::kFloat32)).unsqueeze(0); // [1, T]
    if (padded)
        positions = (positions - leftPadding.to(torch::kCPU, torch::kFloat32).unsqueeze(1)).clamp_min(0); // [B, T]
    Positions out;
    std::tie(out.cos, out.sin) = rotaryTables(positions, device, type);
    out.cos = out.cos.unsqueeze(1); // [1 or B, 1, T, D]
    out.sin = out.sin.unsqueeze(1);

    // Additive mask over the whole sequence: causal (query i sits at start + i) and, with
    // padding, no key before a row's first real token. The most negative finite value keeps
    // padding rows finite where every key is masked.
    if (tokens > 1 || padded) {
        const auto options = torch::dtype(torch::kLong).device(device);
        const auto query = torch::arange(start, end, options).view({1, 1, tokens, 1});
        const auto key = torch::arange(0, end, options).view({1, 1, 1, end});
        auto blockedKeys = key > query; // [1, 1, T, S]
        if (padded)
            blockedKeys = blockedKeys | (key < leftPadding.to(device).view({batch, 1, 1, 1}));
        out.mask = torch::zeros(blockedKeys.sizes(), torch::dtype(type).device(device)).masked_fill(blockedKeys, lowestValue(type));
        out.causalFromStart = start == 0 && !padded;
    }
    return out;
}

LlamaDecoder::Positions LlamaDecoder::cachedPositions(const torch::Tensor &embeds, KvCache &cache,
                                                      const torch::Tensor &leftPadding) const
{
    const int64_t tokens = embeds.size(1);
    // A prompt is run once per generation: its mask and positions are made as without a cache.
    if (tokens > 1 || !cache.rotaryCos.defined())
        return positionsFor(embeds, cache.length, leftPadding);
    const int64_t batch = embeds.size(0);
    const int64_t start = cache.length;
    const int64_t end = start + 1;
    const auto device = embeds.device();
    const auto type = embeds.scalar_type();
    // Each row counts its positions from its first real token. The single new query sees every
    // key up to itself, so only the padding is masked: the same columns at every step.
    if (leftPadding.defined() && !cache.paddingChecked) {
        cache.paddingChecked = true;
        if (leftPadding.max().item<int64_t>() > 0) {
            const auto key =
                torch::arange(0, cache.capacity, torch::dtype(torch::kLong).device(device)).view({1, 1, 1, cache.capacity});
            const auto blocked = key < leftPadding.to(device).view({batch, 1, 1, 1});
            cache.paddingMask =
                torch::zeros(blocked.sizes(), torch::dtype(type).device(device)).masked_fill(blocked, lowestValue(type));
        }
    }
    Positions out;
    if (!cache.paddingMask.defined()) {
        out.cos = cache.rotaryCos.slice(0, start, end).view({1, 1, 1, headDim});
        out.sin = cache.rotarySin.slice(0, start, end).view({1, 1, 1, headDim});
        return out;
    }
    const auto rows = (leftPadding.to(device).neg() + start).clamp_min(0); // [B]
    out.cos = cache.rotaryCos.index_select(0, rows).view({batch, 1, 1, headDim});
    out.sin = cache.rotarySin.index_select(0, rows).view({batch, 1, 1, headDim});
    out.mask = cache.paddingMask.slice(3, 0, end);
    return out;
}

torch::Tensor LlamaDecoder::runLayers(const torch::Tensor &embeds, const Positions &positions,
                                      const KeyValueSource &keysValues) const
{
    const int64_t batch = embeds.size(0);
    const int64_t tokens = embeds.size(1);
    const auto &cos = positions.cos;
    const auto &sin = positions.sin;
    const auto &mask = positions.mask;

    const int repeats = heads / kvHeads;
    [[maybe_unused]] const double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
    auto h = embeds;
    for (std::size_t li = 0; li < layers.size(); ++li) {
        const LlamaLayer &l = layers[li];
        auto x = rmsNorm(h, l.inputNorm, rmsEps);
        auto q = l.project(x, Projection::Q).view({batch, tokens, heads, headDim}).transpose(1, 2);
        auto k = l.project(x, Projection::K).view({batch, tokens, kvHeads, headDim}).transpose(1, 2);
        auto v = l.project(x, Projection::V).view({batch, tokens, kvHeads, headDim}).transpose(1, 2);
        q = rotary(q, cos, sin);
        k = rotary(k, cos, sin);
        auto [keys, values] = keysValues(li, k, v);
        torch::Tensor a;
#if TORCH_VERSION_MAJOR < 2
        // A decoding step on the CPU reads the cache in place (GeoLens' own kernel), with grouped
        // keys as they are.
        if (decodeAttentionApplies(q, keys, values, mask))
            a = decodeAttention(q, keys, values, mask, scale);
#endif
        if (!a.defined()) {
            if (repeats > 1) {
                keys = keys.repeat_interleave(repeats, 1);
                values = values.repeat_interleave(repeats, 1);
            }
#if TORCH_VERSION_MAJOR >= 2
            // The fused kernel: same mathematics, far less memory traffic on a GPU. An undefined
            // mask must not be passed as one: the kernel takes it for a mask of no type.
            if (positions.causalFromStart && keys.size(2) == tokens)
                a = at::scaled_dot_product_attention(q, keys, values, {}, 0.0, true);
            else if (mask.defined())
                a = at::scaled_dot_product_attention(q, keys, values, mask);
            else
                a = at::scaled_dot_product_attention(q, keys, values);
#else
            a = attention(q, keys, values, mask, true, scale);
#endif
        }
        a = a.transpose(1, 2).reshape({batch, tokens, heads * headDim});
        h = h + l.project(a, Projection::O);
        x = rmsNorm(h, l.postNorm, rmsEps);
        const auto gate = l.project(x, Projection::Gate);
        const auto up = l.project(x, Projection::Up);
        h = h + l.project(siluProductRowsApplies(gate, up) ? siluProductRows(gate, up) : torch::silu(gate) * up,
                          Projection::Down);
    }
    return h;
}

torch::Tensor LlamaDecoder::logits(const torch::Tensor &hidden) const
{
    const auto normed = rmsNorm(hidden, finalNorm, rmsEps);
    return (packedLmHead.defined() ? packedLmHead.multiply(normed) : linearLayer(normed, lmHead)).to(torch::kFloat32);
}

torch::Tensor LlamaDecoder::forward(const torch::Tensor &embeds, KvCache &cache, bool lastOnly,
                                   const torch::Tensor &leftPadding) const
{
    const int64_t tokens = embeds.size(1);
    const int64_t start = cache.length;
    const int64_t end = start + tokens;
    if (end > cache.capacity)
        throw std::length_error("the key/value cache holds " + std::to_string(cache.capacity) + " positions, " +
                                std::to_string(end) + " are needed");
    auto h = runLayers(embeds, cachedPositions(embeds, cache, leftPadding), [&](std::size_t li, const torch::Tensor &k, const torch::Tensor &v) {
        if (tokens == 1 && cachePositionWriteApplies(cache.keys[li], k) && cachePositionWriteApplies(cache.values[li], v)) {
            writeCachePosition(cache.keys[li], start, k);
            writeCachePosition(cache.values[li], start, v);
        } else {
            cache.keys[li].slice(2, start, end).copy_(k);
            cache.values[li].slice(2, start, end).copy_(v);
        }
        return std::make_pair(cache.keys[li].slice(2, 0, end), cache.values[li].slice(2, 0, end));
    });
    cache.length = end;
    if (lastOnly)
        h = h.slice(1, tokens - 1);
    return logits(h);
}

torch::Tensor LlamaDecoder::forwardFixedStep(const FixedStep &step, KvCache &cache) const
{
    const int64_t batch = step.ids.size(0);
    const auto type = embedTokens.scalar_type();
    Positions positions;
    // Each row counts its positions from its first real token, as forward() does.
    const auto rows = (step.position - step.leftPadding).clamp_min(0); // [B]
    positions.cos = cache.rotaryCos.index_select(0, rows).view({batch, 1, 1, headDim});
    positions.sin = cache.rotarySin.index_select(0, rows).view({batch, 1, 1, headDim});
    // The keys not written yet are masked as the padding is: the step sees the capacity's columns.
    const auto blocked = (step.keyPositions > step.position) | (step.keyPositions < step.leftPadding.view({batch, 1, 1, 1}));
    positions.mask = torch::zeros(blocked.sizes(), torch::dtype(type).device(blocked.device())).masked_fill_(blocked, lowestValue(type));
    const auto h = runLayers(embed(step.ids), positions, [&](std::size_t li, const torch::Tensor &k, const torch::Tensor &v) {
        cache.keys[li].index_copy_(2, step.position, k);
        cache.values[li].index_copy_(2, step.position, v);
        return std::make_pair(cache.keys[li], cache.values[li]);
    });
    return logits(h).select(1, 0);
}

torch::Tensor LlamaDecoder::forwardAfterPrefix(const torch::Tensor &embeds, const KvCache &prefix,
                                               const torch::Tensor &readAt) const
{
    const int64_t rows = embeds.size(0);
    const int64_t start = prefix.length;
    const auto hidden = runLayers(embeds, positionsFor(embeds, start, {}), [&](std::size_t li, const torch::Tensor &k, const torch::Tensor &v) {
        // The shared prefix is broadcast, not copied into a cache per row.
        return std::make_pair(torch::cat({prefix.keys[li].slice(2, 0, start).expand({rows, -1, -1, -1}), k}, 2),
                              torch::cat({prefix.values[li].slice(2, 0, start).expand({rows, -1, -1, -1}), v}, 2));
    });
    if (!readAt.defined())
        return logits(hidden);
    const auto rowIndex = torch::arange(rows, torch::TensorOptions(torch::kLong).device(hidden.device()));
    return logits(hidden.index({rowIndex, readAt.to(hidden.device())}).unsqueeze(1)).squeeze(1);
}

torch::Tensor LlamaDecoder::forwardSequence(const torch::Tensor &embeds, std::int64_t firstLogit) const
{
    const auto h = runLayers(embeds, positionsFor(embeds, 0, {}), [](std::size_t, const torch::Tensor &k, const torch::Tensor &v) {
        return std::make_pair(k, v);
    });
    return logits(h.slice(1, firstLogit));
}

torch::Tensor LlavaNetwork::visionFeatures(const torch::Tensor &pixels) const
{
    return tower.forward(pixels.to(device(), type()), visionLayer, dropClassToken).to(type());
}

torch::Tensor LlavaNetwork::imageFeatures(const torch::Tensor &pixels) const
{
    return projector.forward(visionFeatures(pixels));
}

torch::Tensor LlavaNetwork::promptEmbeddings(const std::vector<int> &prompt, const torch::Tensor &features,
                                             const std::vector<int> &extra) const
{
    const auto slot = std::find(prompt.begin(), prompt.end(), Tokenizer::ImageToken);
    if (slot == prompt.end() || std::count(prompt.begin(), prompt.end(), Tokenizer::ImageToken) != 1)
        throw InvalidArgument("The prompt must hold exactly one image slot.");
    const std::int64_t batch = features.size(0);
    std::vector<std::int64_t> head(prompt.begin(), slot), tail(slot + 1, prompt.end());
    tail.insert(tail.end(), extra.begin(), extra.end());
    const auto embed = [&](const std::vector<std::int64_t> &ids) {
        return decoder.embed(torch::tensor(ids, torch::kLong).to(device())).unsqueeze(0).expand({batch, -1, -1});
    };
    return torch::cat({embed(head), features.to(type()), embed(tail)}, 1);
}

std::vector<NamedTensor> LlavaNetwork::namedParameters() const
{
    std::vector<NamedTensor> out = decoder.namedParameters();
    for (NamedTensor &t : projector.namedParameters())
        out.push_back(std::move(t));
    return out;
}

} // namespace geolens::detail
