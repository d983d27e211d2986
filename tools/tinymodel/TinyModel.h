#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace geolens::test {

// A tiny LLaVA/GeoChat model with the real structure (32000-token vocabulary, CLIP tower with a
// native grid that the input size resamples, mlp2x_gelu projector, grouped-query LLaMA) whose
// weights come from a formula, so any implementation can rebuild exactly the same model:
//
//   value(name, i) = scale(name) * u(i), u = splitmix64(fnv1a64(name) + i) mapped to [-1, 1)
//                    (top 53 bits / 2^53 * 2 - 1), computed and stored as float32 (or that
//                    float32 rounded to the nearest half, ties to even, with halfPrecision);
//   norms and layer-norm weights add 1.0; scale is 0.02 for biases, 0.5 for embeddings and the
//   class embedding, 0.1 for position tables and norms, outputScale/sqrt(fan_in) for lm_head
//   (8 by default: clear-cut greedy choices) and 1/sqrt(fan_in) for the other matrices.
struct TinyModelSpec {
    int vocab = 32000;
    int hidden = 32;
    int intermediate = 48;
    int layers = 2;
    int heads = 4;
    int kvHeads = 2;
    int maxPositions = 512;
    int visionImageSize = 16; // native: a 4 x 4 grid of 4 px patches
    int visionPatch = 4;
    int visionHidden = 24;
    int visionIntermediate = 40;
    int visionLayers = 3;
    int visionHeads = 2;
    bool geochat = true;        // model_type "geochat": input 504 unless imageSize overrides
    int imageSize = 0;          // written as the config's input size for non-GeoChat models when > 0
    bool halfPrecision = false; // the weights stored as F16, as GeoChat's release stores them
    // lm_head's scale is outputScale/sqrt(fan_in): larger values give peakier next-token
    // distributions, as a trained model has (distillation tests use a sharper teacher).
    double outputScale = 8.0;
    // When set, the model answers every prompt with this text by greedy decoding, whatever the image:
    // a scripted model for demonstrations and end-to-end tests of what is done with answers (boxes
    // on the map). Each token of the text may occur once, and at most hidden - 1 tokens.
    std::string scriptedAnswer;
};

enum class TinyLayout {
    GeoChat,       // GeoChat's names, model.safetensors
    LlavaHf,       // llava-hf's names (language_model.model...), model.safetensors
    LlavaHfNested, // newer llava-hf names (model.language_model...), model.safetensors
    // GeoChat's names and config stored as its release (MBZUAI/geochat-7B) is: torch.save shards
    // pytorch_model-00001-of-00002.bin and pytorch_model-00002-of-00002.bin, the tensors split in
    // order at about half the bytes, pytorch_model.bin.index.json with the total size and weight
    // map, and a float32 model.layers.N.self_attn.rotary_emb.inv_freq buffer in every layer.
    GeoChatBin,
};

// Writes config.json and the weights (float32 unless spec.halfPrecision) in the layout's files
// into folder, and copies the tokenizer model there as tokenizer.model. Returns the tensor names
// written.
std::vector<std::string> writeTinyModel(const std::string &folder, const TinyModelSpec &spec, TinyLayout layout,
                                        const std::string &tokenizerModel);

// The formula above, for tests that check loaded weights.
float tinyWeight(const std::string &name, std::uint64_t index, float scale);

} // namespace geolens::test
