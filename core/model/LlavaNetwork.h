#pragma once

// The LLaVA-1.5 network in LibTorch: CLIP vision tower, multimodal projector and LLaMA decoder
// with a preallocated key/value cache. Internal to the model engine: only its own .cpp files
// include this header, so LibTorch stays out of everything else.

#include "model/PackedWeight.h"

#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace geolens::detail {

struct ClipEncoderLayer {
    torch::Tensor norm1Weight, norm1Bias;
    torch::Tensor qWeight, qBias, kWeight, kBias, vWeight, vBias, outWeight, outBias;
    torch::Tensor norm2Weight, norm2Bias;
    torch::Tensor fc1Weight, fc1Bias, fc2Weight, fc2Bias;
};

// CLIP's vision transformer as CLIPVisionModel computes it, up to the hidden state the projector
// reads.
struct ClipVisionTower {
    torch::Tensor classEmbedding;    // [hidden]
    torch::Tensor patchWeight;       // [hidden, 3, patch, patch], no bias
    torch::Tensor positionEmbedding; // [1 + grid * grid, hidden], already at the input resolution
    torch::Tensor preNormWeight, preNormBias;
    std::vector<ClipEncoderLayer> layers;
    int patchSize = 14;
    int heads = 16;
    double layerNormEps = 1e-5;
    bool quickGelu = true;

    // pixels [B, 3, S, S] -> hidden state number selectLayer (negative counts from the end of
    // [embeddings, layer 1, ..., layer N], as hidden_states[select_layer] does), without the class
    // token when dropClassToken. Only the layers needed are run.
    torch::Tensor forward(const torch::Tensor &pixels, int selectLayer, bool dropClassToken) const;
};

// Resamples a CLIP position table [1 + g*g, C] to [1 + n*n, C] as GeoChat does: class row kept,
// the grid resized with bicubic interpolation, align_corners true, in float32.
torch::Tensor interpolatePositionTable(const torch::Tensor &table, int newGrid);

// A tensor of the network under its checkpoint name (GeoChat's layout). The handle shares its
// storage with the network's, so a trainer can change it in place.
using NamedTensor = std::pair<std::string, torch::Tensor>;

// Linear layers with exact GELU between them (mlp2x_gelu: two; "linear": one).
struct Projector {
    std::vector<torch::Tensor> weights, biases;
    torch::Tensor forward(const torch::Tensor &features) const;
    // model.mm_projector.{0,2,...}.weight and .bias, layer by layer.
    std::vector<NamedTensor> namedParameters() const;
};

// The decoder's seven projections, in the order LlamaLayer::adapters holds their adapters.
enum class Projection { Q, K, V, O, Gate, Up, Down };
constexpr std::size_t ProjectionCount = 7;

// A low-rank update of one projection (LoRA): y = x W^T + scale * (x A^T) B^T. Undefined tensors
// mean no adapter. The distillation engine trains a and b and folds them into W at export.
struct LowRankAdapter {
    torch::Tensor a; // [rank, in]
    torch::Tensor b; // [out, rank]
    double scale = 1.0;
    double dropout = 0.0;  // on the adapter's input, while training
    bool training = false;
    bool active() const { return a.defined(); }
};

// A projection's weight as int8 with one scale per output channel (W = values * scale), multiplied
// by GeoLens's own kernels (SmallBatchLinear): the int8 matrix is the only copy of the weights.
struct QuantizedWeight {
    torch::Tensor values; // int8 [out, in]; undefined when the projection is not quantised
    torch::Tensor scales; // float32 [out]
    bool defined() const { return values.defined(); }
    // What one product reads, and what the weights take in memory: the int8 values and their scales.
    std::int64_t bytes() const { return values.numel() + scales.numel() * 4; }
    // A CPU weight [out, in] of any float type quantised symmetrically, row by row.
    static QuantizedWeight from(const torch::Tensor &weight);
};

struct LlamaLayer {
    torch::Tensor inputNorm, q, k, v, o, postNorm, gate, up, down;
    std::array<LowRankAdapter, ProjectionCount> adapters;
    // Set for every projection by quantize(), which releases the float weights.
    std::array<QuantizedWeight, ProjectionCount> quantized;
    void quantize();
    // Set for every projection by pack(), which releases the float weights: float32 weights on
    // the CPU of a model that is not trained, laid out for the CPU's products (PackedWeight).
    std::array<PackedWeight, ProjectionCount> packed;
    void pack();
    // The bytes a product with each of the seven projections reads: float, packed or int8.
    double projectionBytes() const;
    // The projections' parameters, whatever holds them (packing pads nothing into this count).
    std::int64_t projectionParameters() const;

    const torch::Tensor &weight(Projection p) const;
    torch::Tensor &weight(Projection p) { return const_cast<torch::Tensor &>(std::as_const(*this).weight(p)); }
    // x W^T, plus the adapter's update when there is one.
    torch::Tensor project(const torch::Tensor &x, Projection p) const;
};

// The checkpoint name of a decoder projection's weight within its layer ("self_attn.q_proj.weight").
const char *projectionTensorName(Projection p);

// Keys and values of every layer for up to capacity positions, allocated once per generation,
// with what every decoding step would otherwise rebuild: the rotary tables of all its positions
// and, for a left-padded batch, the mask of each row's padding.
struct KvCache {
    std::vector<torch::Tensor> keys, values; // [B, kvHeads, capacity, headDim] per layer
    std::int64_t length = 0;
    std::int64_t capacity = 0;
    torch::Tensor rotaryCos, rotarySin; // [capacity, headDim] in the model's element type
    torch::Tensor paddingMask;          // additive [B, 1, 1, capacity]; made at the first padded step
    bool paddingChecked = false;        // whether the left padding was looked at yet
};

struct LlamaDecoder {
    torch::Tensor embedTokens; // [vocab, hidden]
    torch::Tensor finalNorm;
    torch::Tensor lmHead;      // [vocab, hidden]; released by packOutputLayer()
    PackedWeight packedLmHead; // set by packOutputLayer()
    std::vector<LlamaLayer> layers;
    int heads = 32;
    int kvHeads = 32;
    int headDim = 128;
    double rmsEps = 1e-6;
    double ropeTheta = 10000.0;

    KvCache makeCache(std::int64_t batch, std::int64_t capacity) const;
    void packOutputLayer();
    // What one row's output layer reads, and its parameters.
    double outputLayerBytes() const;
    std::int64_t outputLayerParameters() const;
    torch::Tensor embed(const torch::Tensor &ids) const;
    // Every weight by its checkpoint name, in a stable order: the embeddings, each layer's norms
    // and projections (q, k, v, o, gate, up, down), the final norm, the output layer. Adapters
    // are not weights of the checkpoint and are left out. Packed weights come back unpacked, as
    // copies.
    std::vector<NamedTensor> namedParameters() const;
    // embeds [B, T, hidden] at positions cache.length ... cache.length + T - 1, appended to the
    // cache. Returns float32 logits [B, T, vocab], or [B, 1, vocab] for the last position only.
    // leftPadding (int64 [B], optional) says how many leading positions of each row are padding:
    // they are masked out as keys and the row's positions count from its first real token, as
    // the reference does with left-padded batches.
    torch::Tensor forward(const torch::Tensor &embeds, KvCache &cache, bool lastOnly,
                          const torch::Tensor &leftPadding = {}) const;
    // Several continuations of one cached prefix at once: embeds [N, T, hidden] follow the
    // prefix in cache (batch 1, left untouched), every row attending to the whole prefix and
    // causally to itself. Rows shorter than T may be padded at the end: earlier positions do not
    // see the padding. Returns float32 logits [N, T, vocab]; with readAt (int64 [N]), only those of
    // each row's position readAt[n], [N, vocab]: the output layer is the dearest part of a short
    // continuation.
    torch::Tensor forwardAfterPrefix(const torch::Tensor &embeds, const KvCache &prefix,
                                     const torch::Tensor &readAt = {}) const;
    // The whole sequence at once without a cache, as training needs it: embeds [B, T, hidden]
    // from position 0 (rows padded at the end, which earlier positions never see). Returns
    // float32 logits [B, T - firstLogit, vocab] for positions firstLogit.. only, so that a long
    // image prefix does not cost a vocabulary-wide row per position. Differentiable.
    torch::Tensor forwardSequence(const torch::Tensor &embeds, std::int64_t firstLogit) const;
    // One decoding step whose tensors keep their shapes from step to step, so that a GPU can
    // replay it as a captured graph (DecodeStepGraph): nothing in it depends on the host's idea of
    // the cache's length. step.ids [B, 1] go at the cache position step.position holds; attention
    // runs over the cache's whole capacity with the later positions masked. The cache's positions
    // past its length must hold finite values. Returns float32 logits [B, vocab]; cache.length is
    // left to the caller.
    struct FixedStep {
        torch::Tensor ids;          // int64 [B, 1]
        torch::Tensor position;     // int64 [1]: where the step writes in the cache
        torch::Tensor leftPadding;  // int64 [B]: each row's leading padding (zeros without)
        torch::Tensor keyPositions; // int64 [1, 1, 1, capacity]: 0 ... capacity - 1
    };
    torch::Tensor forwardFixedStep(const FixedStep &step, KvCache &cache) const;

    // cos and sin of the rotary angles of positions (float32, any shape [..., T]) as the
    // reference computes them: angles in float32, then cast to type. [..., T, headDim].
    std::pair<torch::Tensor, torch::Tensor> rotaryTables(const torch::Tensor &positions, torch::Device device,
                                                         torch::ScalarType type) const;

private:
    // What attention needs besides the hidden states: the rotary tables [1 or B, 1, T, D] and
    // the additive mask [1 or B, 1, T, S] (undefined when nothing is masked).
    struct Positions {
        torch::Tensor cos, sin, mask;
        // A prompt from position 0 without padding: the mask is the plain causal one, which a
        // fused attention kernel applies itself without reading a mask from memory.
        bool causalFromStart = false;
    };
    // Positions start..start+T-1, computed afresh (a pass without a cache).
    Positions positionsFor(const torch::Tensor &embeds, std::int64_t start, const torch::Tensor &leftPadding) const;
    // The same, read from the tables cache was made with: nothing is recomputed per decoding step.
    Positions cachedPositions(const torch::Tensor &embeds, KvCache &cache, const torch::Tensor &leftPadding) const;
    // Gives the keys and values a layer attends to, from that layer's new ones [B, kvHeads, T, D].
    using KeyValueSource =
        std::function<std::pair<torch::Tensor, torch::Tensor>(std::size_t layer, const torch::Tensor &k, const torch::Tensor &v)>;
    // The decoder layers over embeds at the given positions, attending to what keysValues gives;
    // the hidden states before the final norm.
    torch::Tensor runLayers(const torch::Tensor &embeds, const Positions &positions, const KeyValueSource &keysValues) const;
    torch::Tensor logits(const torch::Tensor &hidden) const;
};

// The whole network as one model holds it: what the distillation engine trains in place.
struct LlavaNetwork {
    ClipVisionTower tower;
    Projector projector;
    LlamaDecoder decoder;
    int visionLayer = 0;       // the hidden state of the tower the projector reads, counted from the front
    bool dropClassToken = true;

    // Where the weights are, and their element type (the vision tower's position table and the
    // adapters aside, every weight has it). A vision-only network has no decoder.
    const torch::Tensor &anyWeight() const { return decoder.embedTokens.defined() ? decoder.embedTokens : tower.patchWeight; }
    torch::Device device() const { return anyWeight().device(); }
    torch::ScalarType type() const { return anyWeight().scalar_type(); }

    // The tower's output the projector reads, for pixels [B, 3, S, S] (float32, any device), in
    // the network's element type.
    torch::Tensor visionFeatures(const torch::Tensor &pixels) const;
    // The projector's output for those pixels: [B, imageTokens, hidden].
    torch::Tensor imageFeatures(const torch::Tensor &pixels) const;
    // Prompt embeddings [B, T, hidden] with features [B, N, hidden] in the prompt's image slot
    // (the one -200), then the extra tokens.
    torch::Tensor promptEmbeddings(const std::vector<int> &prompt, const torch::Tensor &features,
                                   const std::vector<int> &extra) const;
    // The weights a run may train, by checkpoint name in a stable order: the decoder's, then the
    // projector's. The vision tower never trains and is left out.
    std::vector<NamedTensor> namedParameters() const;
};

// log softmax(logits)[..., id] for one id per row of logits [..., V], ids [...]: the logit less
// the log-sum-exp, in float32. No [..., V] log-softmax is made, nor kept for a backward pass (the
// logits are kept anyway).
torch::Tensor logProbsAt(const torch::Tensor &logits, const torch::Tensor &ids);

} // namespace geolens::detail
