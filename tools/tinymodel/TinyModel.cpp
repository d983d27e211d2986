#include "TinyModel.h"

#include "TorchSaveWriter.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "model/Tokenizer.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
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
    Tensor(std::string name, std::vector<std::int64_t> shape, float scale, float offset = 0.0f)
        : name(std::move(name)), shape(std::move(shape)), scale(scale), offset(offset)
    {
    }

    std::string name;
    std::vector<std::int64_t> shape;
    float scale;
    float offset;
    // Replaces the formula's value at a flat index when set (scripted models).
    std::function<float(std::int64_t index, float formula)> value;
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
    t.push_back({"lm_head.weight", {s.vocab, s.hidden}, static_cast<float>(s.outputScale / std::sqrt(double(s.hidden)))});
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

geolens::Json configJson(const TinyModelSpec &s, TinyLayout layout)
{
    using geolens::Json;
    Json text = Json::object();
    text["hidden_size"] = s.hidden;
    text["intermediate_size"] = s.intermediate;
    text["num_hidden_layers"] = s.layers;
    text["num_attention_heads"] = s.heads;
    text["num_key_value_heads"] = s.kvHeads;
    text["vocab_size"] = s.vocab;
    text["max_position_embeddings"] = s.maxPositions;
    text["rms_norm_eps"] = 1e-5;
    text["rope_theta"] = 10000.0;
    text["hidden_act"] = "silu";
    Json vision = Json::object();
    vision["image_size"] = s.visionImageSize;
    vision["patch_size"] = s.visionPatch;
    vision["hidden_size"] = s.visionHidden;
    vision["intermediate_size"] = s.visionIntermediate;
    vision["num_hidden_layers"] = s.visionLayers;
    vision["num_attention_heads"] = s.visionHeads;
    vision["layer_norm_eps"] = 1e-5;
    vision["hidden_act"] = "quick_gelu";
    if (!usesGeoChatNames(layout)) {
        Json c = Json::object();
        c["architectures"] = Json::array({"LlavaForConditionalGeneration"});
        c["model_type"] = "llava";
        c["text_config"] = text;
        c["vision_config"] = vision;
        c["vision_feature_layer"] = -2;
        c["vision_feature_select_strategy"] = "default";
        c["image_token_index"] = 32000;
        c["projector_hidden_act"] = "gelu";
        return c;
    }
    Json c = text;
    c["model_type"] = s.geochat ? "geochat" : "llava";
    c["architectures"] = Json::array({"GeoChatLlamaForCausalLM"});
    c["mm_vision_tower"] = "./vision_tower";
    c["mm_hidden_size"] = s.visionHidden;
    c["mm_projector_type"] = "mlp2x_gelu";
    c["mm_vision_select_layer"] = -2;
    c["mm_vision_select_feature"] = "patch";
    c["mm_use_im_start_end"] = false;
    c["mm_use_im_patch_token"] = false;
    c["image_aspect_ratio"] = "pad";
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
// The formula of TinyModel.h for the tensor whose name hashes to seed.
float weightAt(std::uint64_t seed, std::uint64_t index, float scale)
{
    const std::uint64_t r = splitmix64(seed + index);
    const double u = static_cast<double>(r >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    return static_cast<float>(scale * u);
}

std::string tensorBytes(const Tensor &t, bool half)
{
    std::int64_t n = 1;
    for (std::int64_t d : t.shape)
        n *= d;
    // The name's hash once per tensor: a 7B-shaped model has 6.7 billion elements.
    const std::uint64_t seed = fnv1a64(t.name);
    std::string bytes(static_cast<std::size_t>(n) * (half ? 2 : 4), '\0');
    for (std::int64_t i = 0; i < n; ++i) {
        const float formula = weightAt(seed, static_cast<std::uint64_t>(i), t.scale) + t.offset;
        const float value = t.value ? t.value(i, formula) : formula;
        if (half) {
            const std::uint16_t bits = halfBits(value);
            std::memcpy(&bytes[static_cast<std::size_t>(i) * 2], &bits, sizeof bits);
        } else {
            std::memcpy(&bytes[static_cast<std::size_t>(i) * 4], &value, sizeof value);
        }
    }
    return bytes;
}

// model.safetensors: 8-byte little-endian header size, JSON header, then the data.
std::vector<std::string> writeSafetensors(const std::string &folder, const std::vector<Tensor> &tensors,
                                          TinyLayout layout, bool half)
{
    geolens::Json header = geolens::Json::object();
    std::string data;
    std::vector<std::string> names;
    for (const Tensor &t : tensors) {
        const std::size_t begin = data.size();
        data += tensorBytes(t, half);
        geolens::Json entry = geolens::Json::object();
        entry["dtype"] = half ? "F16" : "F32";
        entry["shape"] = t.shape;
        entry["data_offsets"] = {static_cast<std::int64_t>(begin), static_cast<std::int64_t>(data.size())};
        const std::string stored = layoutName(t.name, layout);
        header[stored] = entry;
        names.push_back(stored);
    }
    std::string headerText = geolens::dumpJson(header);
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

// The release's two torch.save shards and their index. Written tensor by tensor, each computed
// when it is written: a 7B-shaped checkpoint (13.5 GB) never has to be in memory at once.
std::vector<std::string> writeGeoChatBin(const std::string &folder, const std::vector<Tensor> &tensors,
                                         const TinyModelSpec &spec)
{
    namespace fs = std::filesystem;
    const TorchDType dtype = spec.halfPrecision ? TorchDType::F16 : TorchDType::F32;
    const std::uint64_t elementSize = spec.halfPrecision ? 2 : 4;
    // Each entry: its declaration (no bytes yet) and how to compute its bytes.
    struct Entry {
        TorchSaveTensor declared;
        std::function<std::string()> bytes;
        std::uint64_t size = 0;
    };
    std::vector<Entry> all;
    std::uint64_t totalSize = 0;
    for (const Tensor &t : tensors) {
        std::uint64_t numel = 1;
        for (std::int64_t d : t.shape)
            numel *= static_cast<std::uint64_t>(d);
        all.push_back({{t.name, dtype, t.shape, {}}, [&t, &spec] { return tensorBytes(t, spec.halfPrecision); },
                       numel * elementSize});
        totalSize += all.back().size;
        if (startsWith(t.name, "model.layers.") && t.name.find(".self_attn.o_proj.weight") != std::string::npos) {
            // where LlamaAttention registers it: after its projections
            const std::string layer = t.name.substr(0, t.name.size() - std::string("o_proj.weight").size());
            TorchSaveTensor inv = rotaryInverseFrequencies(layer + "rotary_emb.inv_freq", spec.hidden / spec.heads);
            const std::string invBytes = inv.bytes;
            inv.bytes.clear();
            all.push_back({inv, [invBytes] { return invBytes; }, invBytes.size()});
            totalSize += all.back().size;
        }
    }

    const std::string shardNames[] = {"pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"};
    // In order, each tensor in the shard where the middle of its bytes falls.
    std::vector<const Entry *> shards[2];
    std::uint64_t bytesBefore = 0;
    geolens::Json weightMap = geolens::Json::object();
    std::vector<std::string> names;
    for (const Entry &e : all) {
        const int shard = bytesBefore * 2 + e.size <= totalSize ? 0 : 1;
        bytesBefore += e.size;
        weightMap[e.declared.name] = shardNames[shard];
        names.push_back(e.declared.name);
        shards[shard].push_back(&e);
    }
    // As older torch.save versions wrote them: the folder named after the file, no byteorder or
    // serialization id record, so loading a model also meets that form.
    for (int shard = 0; shard < 2; ++shard) {
        TorchSaveOptions options;
        options.folder = fs::path(shardNames[shard]).stem().string();
        options.byteorder.clear();
        options.serializationId.clear();
        std::vector<TorchSaveTensor> declared;
        for (const Entry *e : shards[shard])
            declared.push_back(e->declared);
        TorchSaveStream stream((fs::path(folder) / shardNames[shard]).string(), declared, options);
        for (const Entry *e : shards[shard])
            stream.append(e->bytes());
        stream.finish();
    }

    geolens::Json metadata = geolens::Json::object();
    metadata["total_size"] = totalSize;
    geolens::Json index = geolens::Json::object();
    index["metadata"] = metadata;
    index["weight_map"] = weightMap;
    writeText(fs::path(folder) / "pytorch_model.bin.index.json", geolens::dumpJson(index, 2));
    return names;
}

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Turns the decoder into a lookup table that answers spec.scriptedAnswer: attention and MLP add
// nothing to the residual stream, so the logits depend on the current token alone; the embedding of
// the k-th token of the chain is the k-th unit vector and lm_head maps it to the (k+1)-th.
void scriptAnswer(std::vector<Tensor> &tensors, const TinyModelSpec &spec, const std::string &tokenizerModel)
{
    const std::unique_ptr<geolens::Tokenizer> tokenizer = geolens::Tokenizer::load(tokenizerModel);
    // The chain starts at the template's last token, the ':' of "ASSISTANT:", and ends with EOS.
    std::vector<int> chain{tokenizer->encode("ASSISTANT:").back()};
    std::map<int, int> slot{{chain.front(), 0}}; // token -> the unit vector it is embedded as
    // The text is spelled with tokens that each occur once: any vocabulary piece that matches the
    // text at that point, or the byte token of its character, so that box grammar like "><" can
    // recur. A depth-first search with a budget (answers are a few dozen characters).
    const std::string meta = "\xE2\x96\x81"; // the word-start mark, a space in decoded text
    std::map<std::string, std::vector<int>> piecesByText;
    for (int id = 0; id < tokenizer->vocabSize(); ++id) {
        if (tokenizer->isBytePiece(id) || id == tokenizer->unk() || id == tokenizer->bos() || id == tokenizer->eos())
            continue;
        std::string text = tokenizer->idToPiece(id);
        for (std::size_t at = text.find(meta); at != std::string::npos; at = text.find(meta, at + 1))
            text.replace(at, meta.size(), " ");
        if (!text.empty() && text.size() <= 8)
            piecesByText[text].push_back(id);
    }
    const std::string &answer = spec.scriptedAnswer;
    long budget = 1000000;
    std::function<bool(std::size_t)> spell = [&](std::size_t at) {
        if (at == answer.size())
            return true;
        if (--budget < 0)
            return false;
        std::vector<std::pair<int, std::size_t>> options; // token, characters it covers
        for (std::size_t length = std::min<std::size_t>(8, answer.size() - at); length > 0; --length) {
            const auto found = piecesByText.find(answer.substr(at, length));
            if (found != piecesByText.end())
                for (int id : found->second)
                    options.push_back({id, length});
        }
        char byte[8];
        std::snprintf(byte, sizeof byte, "<0x%02X>", static_cast<unsigned char>(answer[at]));
        options.push_back({tokenizer->pieceToId(byte), 1});
        for (const auto &[id, length] : options) {
            if (id <= 0 || slot.count(id))
                continue;
            slot.emplace(id, static_cast<int>(chain.size()));
            chain.push_back(id);
            if (spell(at + length))
                return true;
            slot.erase(id);
            chain.pop_back();
        }
        return false;
    };
    if (!spell(0))
        throw geolens::InvalidArgument("\"" + answer + "\" cannot be spelled with each token once, as a scripted "
                                       "answer must be; repeat fewer characters.");
    chain.push_back(tokenizer->eos());
    if (static_cast<int>(slot.size()) > spec.hidden)
        throw geolens::InvalidArgument("A scripted answer may have at most " + std::to_string(spec.hidden - 1)
                                       + " tokens; \"" + spec.scriptedAnswer + "\" has "
                                       + std::to_string(chain.size() - 2) + ".");
    std::map<int, int> predecessorSlot; // token -> the slot of the token it follows
    for (std::size_t k = 0; k + 1 < chain.size(); ++k)
        predecessorSlot[chain[k + 1]] = static_cast<int>(k);
    const std::int64_t hidden = spec.hidden;
    for (Tensor &t : tensors) {
        if (endsWith(t.name, "self_attn.o_proj.weight") || endsWith(t.name, "mlp.down_proj.weight")) {
            t.value = [](std::int64_t, float) { return 0.0f; };
        } else if (t.name == "model.norm.weight") {
            t.value = [](std::int64_t, float) { return 1.0f; };
        } else if (t.name == "model.embed_tokens.weight") {
            t.value = [slot, hidden](std::int64_t i, float formula) {
                const auto found = slot.find(static_cast<int>(i / hidden));
                if (found == slot.end())
                    return formula;
                return i % hidden == found->second ? 1.0f : 0.0f;
            };
        } else if (t.name == "lm_head.weight") {
            // After the final RMSNorm a unit vector has sqrt(hidden) in its slot: logits near 110
            // against a few units for every other token.
            t.value = [predecessorSlot, hidden](std::int64_t i, float formula) {
                const auto found = predecessorSlot.find(static_cast<int>(i / hidden));
                if (found == predecessorSlot.end())
                    return formula;
                return i % hidden == found->second ? 20.0f : 0.0f;
            };
        }
    }
}

} // namespace

float tinyWeight(const std::string &name, std::uint64_t index, float scale)
{
    return weightAt(fnv1a64(name), index, scale);
}

std::vector<std::string> writeTinyModel(const std::string &folder, const TinyModelSpec &spec, TinyLayout layout,
                                        const std::string &tokenizerModel)
{
    namespace fs = std::filesystem;
    fs::create_directories(folder);
    std::vector<Tensor> tensors = geochatTensors(spec);
    if (!spec.scriptedAnswer.empty())
        scriptAnswer(tensors, spec, tokenizerModel);
    const std::vector<std::string> names = layout == TinyLayout::GeoChatBin
                                               ? writeGeoChatBin(folder, tensors, spec)
                                               : writeSafetensors(folder, tensors, layout, spec.halfPrecision);

    writeText(fs::path(folder) / "config.json", geolens::dumpJson(configJson(spec, layout), 2));
    if (usesGeoChatNames(layout)) {
        // The vision tower named by mm_vision_tower: a folder with a CLIP vision config.
        const fs::path tower = fs::path(folder) / "vision_tower";
        fs::create_directories(tower);
        geolens::Json vision = configJson(spec, TinyLayout::LlavaHf).at("vision_config");
        vision["model_type"] = "clip_vision_model";
        writeText(tower / "config.json", geolens::dumpJson(vision, 2));
        writeText(tower / "preprocessor_config.json",
                  "{\"image_mean\": [0.48145466, 0.4578275, 0.40821073], \"image_std\": [0.26862954, 0.26130258, 0.27577711]}");
    }
    fs::copy_file(tokenizerModel, fs::path(folder) / "tokenizer.model", fs::copy_options::overwrite_existing);
    return names;
}

} // namespace geolens::test
