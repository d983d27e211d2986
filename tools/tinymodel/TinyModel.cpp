#include "TinyModel.h"

#include "TorchSaveWriter.h"
#include "common/Json.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

namespace geolens::test {

namespace {

std::uint64_t fnv1a64(const std::string &s)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

std::uint64_t splitmix64(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

struct Tensor {
    std::string name;
    std::vector<std::int64_t> shape;
    float scale;
    float offset = 0.0f;
};

std::vector<Tensor> geochatTensors(const TinyModelSpec &s)
{
    std::vector<Tensor> t;
    auto matrix = [&](const std::string &name, std::int64_t out, std::int64_t in) {
        t.push_back({name, {out, in}, static_cast<float>(1.0 / std::sqrt(double(in)))});
    };
    auto vector = [&](const std::string &name, std::int64_t n, float scale, float offset = 0.0f) {
        t.push_back({name, {n}, scale, offset});
    };
    const int headDim = s.hidden / s.heads;
    t.push_back({"model.embed_tokens.weight", {s.vocab, s.hidden}, 0.5f});
    for (int i = 0; i < s.layers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        vector(p + "input_layernorm.weight", s.hidden, 0.1f, 1.0f);
        vector(p + "post_attention_layernorm.weight", s.hidden, 0.1f, 1.0f);
        matrix(p + "self_attn.q_proj.weight", s.hidden, s.hidden);
        matrix(p + "self_attn.k_proj.weight", s.kvHeads * headDim, s.hidden);
        matrix(p + "self_attn.v_proj.weight", s.kvHeads * headDim, s.hidden);
        matrix(p + "self_attn.o_proj.weight", s.hidden, s.hidden);
        matrix(p + "mlp.gate_proj.weight", s.intermediate, s.hidden);
        matrix(p + "mlp.up_proj.weight", s.intermediate, s.hidden);
        matrix(p + "mlp.down_proj.weight", s.hidden, s.intermediate);
    }
    vector("model.norm.weight", s.hidden, 0.1f, 1.0f);
    // A sharper output layer than 1/sqrt(fan_in), so greedy choices are clear-cut and a parity test
    // can compare many tokens, not only the first.
    t.push_back({"lm_head.weight", {s.vocab, s.hidden}, static_cast<float>(8.0 / std::sqrt(double(s.hidden)))});
    matrix("model.mm_projector.0.weight", s.hidden, s.visionHidden);
    vector("model.mm_projector.0.bias", s.hidden, 0.02f);
    matrix("model.mm_projector.2.weight", s.hidden, s.hidden);
    vector("model.mm_projector.2.bias", s.hidden, 0.02f);
    const std::string v = "model.vision_tower.vision_tower.vision_model.";
    const int grid = s.visionImageSize / s.visionPatch;
    vector(v + "embeddings.class_embedding", s.visionHidden, 0.5f);
    t.push_back({v + "embeddings.patch_embedding.weight", {s.visionHidden, 3, s.visionPatch, s.visionPatch},
                 static_cast<float>(1.0 / std::sqrt(3.0 * s.visionPatch * s.visionPatch))});
    t.push_back({v + "embeddings.position_embedding.weight", {1 + grid * grid, s.visionHidden}, 0.1f});
    vector(v + "pre_layrnorm.weight", s.visionHidden, 0.1f, 1.0f);
    vector(v + "pre_layrnorm.bias", s.visionHidden, 0.02f);
    for (int i = 0; i < s.visionLayers; ++i) {
        const std::string p = v + "encoder.layers." + std::to_string(i) + ".";
        for (const char *n : {"layer_norm1", "layer_norm2"}) {
            vector(p + n + ".weight", s.visionHidden, 0.1f, 1.0f);
            vector(p + n + ".bias", s.visionHidden, 0.02f);
        }
        for (const char *n : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            matrix(p + "self_attn." + n + ".weight", s.visionHidden, s.visionHidden);
            vector(p + "self_attn." + n + ".bias", s.visionHidden, 0.02f);
        }
        matrix(p + "mlp.fc1.weight", s.visionIntermediate, s.visionHidden);
        vector(p + "mlp.fc1.bias", s.visionIntermediate, 0.02f);
        matrix(p + "mlp.fc2.weight", s.visionHidden, s.visionIntermediate);
        vector(p + "mlp.fc2.bias", s.visionHidden, 0.02f);
    }
    vector(v + "post_layernorm.weight", s.visionHidden, 0.1f, 1.0f); // present in real checkpoints, unused
    vector(v + "post_layernorm.bias", s.visionHidden, 0.02f);
    return t;
}

bool startsWith(const std::string &s, const std::string &p)
{
    return s.compare(0, p.size(), p) == 0;
}

bool usesGeoChatNames(TinyLayout layout)
{
    return layout == TinyLayout::GeoChat || layout == TinyLayout::GeoChatBin;
}

// GeoChat's names as llava-hf writes them.
std::string layoutName(const std::string &name, TinyLayout layout)
{
    if (usesGeoChatNames(layout))
        return name;
    const bool nested = layout == TinyLayout::LlavaHfNested;
    const std::string vision = "model.vision_tower.vision_tower.vision_model.";
    if (startsWith(name, vision))
        return (nested ? "model.vision_tower.vision_model." : "vision_tower.vision_model.") + name.substr(vision.size());
    if (startsWith(name, "model.mm_projector.")) {
        const std::string rest = name.substr(std::string("model.mm_projector.").size()); // "0.weight"
        const std::string linear = rest[0] == '0' ? "linear_1" : "linear_2";
        return (nested ? "model.multi_modal_projector." : "multi_modal_projector.") + linear + rest.substr(1);
    }
    if (name == "lm_head.weight")
        return nested ? "lm_head.weight" : "language_model.lm_head.weight";
    return (nested ? "model.language_model." : "language_model.model.") + name.substr(std::string("model.").size());
}

geolens::JsonValue configJson(const TinyModelSpec &s, TinyLayout layout)
{
    using geolens::JsonValue;
    JsonValue text = JsonValue::object();
    text.set("hidden_size", s.hidden);
    text.set("intermediate_size", s.intermediate);
    text.set("num_hidden_layers", s.layers);
    text.set("num_attention_heads", s.heads);
    text.set("num_key_value_heads", s.kvHeads);
    text.set("vocab_size", s.vocab);
    text.set("max_position_embeddings", s.maxPositions);
    text.set("rms_norm_eps", 1e-5);
    text.set("rope_theta", 10000.0);
    text.set("hidden_act", "silu");
    JsonValue vision = JsonValue::object();
    vision.set("image_size", s.visionImageSize);
    vision.set("patch_size", s.visionPatch);
    vision.set("hidden_size", s.visionHidden);
    vision.set("intermediate_size", s.visionIntermediate);
    vision.set("num_hidden_layers", s.visionLayers);
    vision.set("num_attention_heads", s.visionHeads);
    vision.set("layer_norm_eps", 1e-5);
    vision.set("hidden_act", "quick_gelu");
    if (!usesGeoChatNames(layout)) {
        JsonValue c = JsonValue::object();
        c.set("architectures", JsonValue(JsonValue::Array{JsonValue("LlavaForConditionalGeneration")}));
        c.set("model_type", "llava");
        c.set("text_config", text);
        c.set("vision_config", vision);
        c.set("vision_feature_layer", -2);
        c.set("vision_feature_select_strategy", "default");
        c.set("image_token_index", 32000);
        c.set("projector_hidden_act", "gelu");
        return c;
    }
    JsonValue c = text;
    c.set("model_type", s.geochat ? "geochat" : "llava");
    c.set("architectures", JsonValue(JsonValue::Array{JsonValue("GeoChatLlamaForCausalLM")}));
    c.set("mm_vision_tower", "./vision_tower");
    c.set("mm_hidden_size", s.visionHidden);
    c.set("mm_projector_type", "mlp2x_gelu");
    c.set("mm_vision_select_layer", -2);
    c.set("mm_vision_select_feature", "patch");
    c.set("mm_use_im_start_end", false);
    c.set("mm_use_im_patch_token", false);
    c.set("image_aspect_ratio", "pad");
    return c;
}

void writeText(const std::filesystem::path &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

// IEEE binary16 bits of a float, rounded to nearest with ties to even as PyTorch's .half() does.
std::uint16_t halfBits(float value)
{
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    const std::uint32_t sign = (bits >> 16) & 0x8000u;
    const std::uint32_t magnitude = bits & 0x7FFFFFFFu;
    std::uint32_t half = 0;
    if (magnitude > 0x7F800000u) {
        half = 0x7E00u; // NaN
    } else if (magnitude >= 0x47800000u) {
        half = 0x7C00u; // 65536 and above round to infinity
    } else if (magnitude < 0x38800000u) {
        // Below 2^-14, the smallest normal half: a multiple of 2^-24. The float times 2^24 is
        // exact in a double and nearbyint rounds it half to even; 1024 is the smallest normal.
        half = static_cast<std::uint32_t>(std::nearbyint(std::fabs(static_cast<double>(value)) * 16777216.0));
    } else {
        // Rebias the exponent (127 -> 15) and drop 13 mantissa bits, rounding half to even; a
        // carry out of the mantissa steps the exponent, up to infinity past 65504.
        half = ((magnitude >> 23) - 112) << 10 | ((magnitude >> 13) & 0x3FFu);
        const std::uint32_t dropped = magnitude & 0x1FFFu;
        if (dropped > 0x1000u || (dropped == 0x1000u && (half & 1u)))
            ++half;
    }
    return static_cast<std::uint16_t>(sign | half);
}

// The formula's values of a tensor as raw little-endian bytes, float32 or half.
std::string tensorBytes(const Tensor &t, bool half)
{
    std::int64_t n = 1;
    for (std::int64_t d : t.shape)
        n *= d;
    std::string bytes;
    bytes.reserve(static_cast<std::size_t>(n) * (half ? 2 : 4));
    for (std::int64_t i = 0; i < n; ++i) {
        const float value = tinyWeight(t.name, static_cast<std::uint64_t>(i), t.scale) + t.offset;
        if (half) {
            const std::uint16_t bits = halfBits(value);
            bytes.append(reinterpret_cast<const char *>(&bits), sizeof bits);
        } else {
            bytes.append(reinterpret_cast<const char *>(&value), sizeof value);
        }
    }
    return bytes;
}

// model.safetensors: 8-byte little-endian header size, JSON header, then the data.
std::vector<std::string> writeSafetensors(const std::string &folder, const std::vector<Tensor> &tensors,
                                          TinyLayout layout, bool half)
{
    geolens::JsonValue header = geolens::JsonValue::object();
    std::string data;
    std::vector<std::string> names;
    for (const Tensor &t : tensors) {
        const std::size_t begin = data.size();
        data += tensorBytes(t, half);
        geolens::JsonValue entry = geolens::JsonValue::object();
        entry.set("dtype", half ? "F16" : "F32");
        geolens::JsonValue shape = geolens::JsonValue::array();
        for (std::int64_t d : t.shape)
            shape.push(d);
        entry.set("shape", shape);
        entry.set("data_offsets", geolens::JsonValue(geolens::JsonValue::Array{
                                      geolens::JsonValue(static_cast<std::int64_t>(begin)),
                                      geolens::JsonValue(static_cast<std::int64_t>(data.size()))}));
        const std::string stored = layoutName(t.name, layout);
        header.set(stored, entry);
        names.push_back(stored);
    }
    std::string headerText = header.dump();
    headerText.append((8 - headerText.size() % 8) % 8, ' ');
    std::ofstream out(std::filesystem::path(folder) / "model.safetensors", std::ios::binary);
    const std::uint64_t size = headerText.size();
    for (int i = 0; i < 8; ++i)
        out.put(static_cast<char>((size >> (8 * i)) & 0xff));
    out << headerText << data;
    if (!out)
        throw std::runtime_error("cannot write the tiny model in " + folder);
    return names;
}

// LLaMA's rotary frequencies 1 / 10000^(2i / head_dim), a buffer that the release's state dicts
// still carry (newer transformers no longer save it).
TorchSaveTensor rotaryInverseFrequencies(const std::string &name, int headDim)
{
    TorchSaveTensor t{name, TorchDType::F32, {headDim / 2}, {}};
    for (int i = 0; i < headDim / 2; ++i) {
        const float value = 1.0f / std::pow(10000.0f, static_cast<float>(2 * i) / static_cast<float>(headDim));
        t.bytes.append(reinterpret_cast<const char *>(&value), sizeof value);
    }
    return t;
}

// The release's two torch.save shards and their index.
std::vector<std::string> writeGeoChatBin(const std::string &folder, const std::vector<Tensor> &tensors,
                                         const TinyModelSpec &spec)
{
    namespace fs = std::filesystem;
    std::vector<TorchSaveTensor> all;
    std::uint64_t totalSize = 0;
    for (const Tensor &t : tensors) {
        all.push_back({t.name, spec.halfPrecision ? TorchDType::F16 : TorchDType::F32, t.shape,
                       tensorBytes(t, spec.halfPrecision)});
        totalSize += all.back().bytes.size();
        if (startsWith(t.name, "model.layers.") && t.name.find(".self_attn.o_proj.weight") != std::string::npos) {
            // where LlamaAttention registers it: after its projections
            const std::string layer = t.name.substr(0, t.name.size() - std::string("o_proj.weight").size());
            all.push_back(rotaryInverseFrequencies(layer + "rotary_emb.inv_freq", spec.hidden / spec.heads));
            totalSize += all.back().bytes.size();
        }
    }

    const std::string shardNames[] = {"pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"};
    // In order, each tensor in the shard where the middle of its bytes falls.
    std::vector<TorchSaveTensor> shards[2];
    std::uint64_t bytesBefore = 0;
    geolens::JsonValue weightMap = geolens::JsonValue::object();
    std::vector<std::string> names;
    for (TorchSaveTensor &t : all) {
        const int shard = bytesBefore * 2 + t.bytes.size() <= totalSize ? 0 : 1;
        bytesBefore += t.bytes.size();
        weightMap.set(t.name, shardNames[shard]);
        names.push_back(t.name);
        shards[shard].push_back(std::move(t));
    }
    // As older torch.save versions wrote them: the folder named after the file, no byteorder or
    // serialization id record, so loading a model also meets that form.
    for (int shard = 0; shard < 2; ++shard) {
        TorchSaveOptions options;
        options.folder = fs::path(shardNames[shard]).stem().string();
        options.byteorder.clear();
        options.serializationId.clear();
        writeTorchSave((fs::path(folder) / shardNames[shard]).string(), shards[shard], options);
    }

    geolens::JsonValue metadata = geolens::JsonValue::object();
    metadata.set("total_size", totalSize);
    geolens::JsonValue index = geolens::JsonValue::object();
    index.set("metadata", metadata);
    index.set("weight_map", weightMap);
    writeText(fs::path(folder) / "pytorch_model.bin.index.json", index.dump(2));
    return names;
}

} // namespace

float tinyWeight(const std::string &name, std::uint64_t index, float scale)
{
    const std::uint64_t r = splitmix64(fnv1a64(name) + index);
    const double u = static_cast<double>(r >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    return static_cast<float>(scale * u);
}

std::vector<std::string> writeTinyModel(const std::string &folder, const TinyModelSpec &spec, TinyLayout layout,
                                        const std::string &tokenizerModel)
{
    namespace fs = std::filesystem;
    fs::create_directories(folder);
    const std::vector<Tensor> tensors = geochatTensors(spec);
    const std::vector<std::string> names = layout == TinyLayout::GeoChatBin
                                               ? writeGeoChatBin(folder, tensors, spec)
                                               : writeSafetensors(folder, tensors, layout, spec.halfPrecision);

    writeText(fs::path(folder) / "config.json", configJson(spec, layout).dump(2));
    if (usesGeoChatNames(layout)) {
        // The vision tower named by mm_vision_tower: a folder with a CLIP vision config.
        const fs::path tower = fs::path(folder) / "vision_tower";
        fs::create_directories(tower);
        geolens::JsonValue vision = configJson(spec, TinyLayout::LlavaHf).at("vision_config");
        vision.set("model_type", "clip_vision_model");
        writeText(tower / "config.json", vision.dump(2));
        writeText(tower / "preprocessor_config.json",
                  "{\"image_mean\": [0.48145466, 0.4578275, 0.40821073], \"image_std\": [0.26862954, 0.26130258, 0.27577711]}");
    }
    fs::copy_file(tokenizerModel, fs::path(folder) / "tokenizer.model", fs::copy_options::overwrite_existing);
    return names;
}

} // namespace geolens::test
