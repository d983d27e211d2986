#include "model/ModelConfig.h"

#include "common/Error.h"
#include "common/JsonIo.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace geolens {

namespace {

namespace fs = std::filesystem;

// Reads optional fields with a check of their type, so a wrong type names the field and the file
// instead of failing somewhere later.
class Fields {
public:
    Fields(const Json &object, std::string path) : object_(object), path_(std::move(path)) {}

    int integer(const char *key, int fallback) const
    {
        const Json *v = jsonMember(object_, key);
        if (!v || v->is_null())
            return fallback;
        const std::optional<std::int64_t> integer = exactInt64(*v);
        if (!integer || *integer < -1000000000LL || *integer > 1000000000LL)
            throw FileError(path_, std::string("\"") + key + "\" must be an integer.");
        return static_cast<int>(*integer);
    }

    double number(const char *key, double fallback) const
    {
        const Json *v = jsonMember(object_, key);
        if (!v || v->is_null())
            return fallback;
        if (!v->is_number())
            throw FileError(path_, std::string("\"") + key + "\" must be a number.");
        return v->get<double>();
    }

    std::string string(const char *key, const std::string &fallback) const
    {
        const Json *v = jsonMember(object_, key);
        if (!v || v->is_null())
            return fallback;
        if (!v->is_string())
            throw FileError(path_, std::string("\"") + key + "\" must be a string.");
        return v->get<std::string>();
    }

    bool boolean(const char *key, bool fallback) const
    {
        const Json *v = jsonMember(object_, key);
        if (!v || v->is_null())
            return fallback;
        if (!v->is_boolean())
            throw FileError(path_, std::string("\"") + key + "\" must be true or false.");
        return v->get<bool>();
    }

    const Json *object(const char *key) const
    {
        const Json *v = jsonMember(object_, key);
        if (v && !v->is_null() && !v->is_object())
            throw FileError(path_, std::string("\"") + key + "\" must be an object.");
        return v && v->is_object() ? v : nullptr;
    }

    const std::string &path() const { return path_; }

private:
    const Json &object_;
    std::string path_;
};

Json readJson(const std::string &path)
{
    if (!fs::exists(path))
        throw FileError(path, "the file does not exist.");
    Json doc;
    try {
        doc = readJsonFile(path);
    } catch (const FileError &) {
        throw;
    } catch (const std::exception &e) {
        throw FileError(path, std::string("is not valid JSON: ") + e.what());
    }
    if (!doc.is_object())
        throw FileError(path, "must hold a JSON object.");
    return doc;
}

// LLaMA fields, with transformers' LlamaConfig defaults for the ones a config leaves out.
TextModelConfig readText(const Fields &f)
{
    TextModelConfig t;
    t.hiddenSize = f.integer("hidden_size", t.hiddenSize);
    t.intermediateSize = f.integer("intermediate_size", t.intermediateSize);
    t.layers = f.integer("num_hidden_layers", t.layers);
    t.heads = f.integer("num_attention_heads", t.heads);
    t.kvHeads = f.integer("num_key_value_heads", t.heads);
    t.vocabSize = f.integer("vocab_size", t.vocabSize);
    t.maxPositions = f.integer("max_position_embeddings", t.maxPositions);
    t.rmsNormEps = f.number("rms_norm_eps", t.rmsNormEps);
    t.ropeTheta = f.number("rope_theta", t.ropeTheta);
    t.bosTokenId = f.integer("bos_token_id", t.bosTokenId);
    t.eosTokenId = f.integer("eos_token_id", t.eosTokenId);
    const std::string activation = f.string("hidden_act", "silu");
    if (activation != "silu")
        throw FileError(f.path(), "hidden_act \"" + activation + "\" is not supported; LLaMA models use silu.");
    if (t.hiddenSize <= 0 || t.layers <= 0 || t.heads <= 0 || t.kvHeads <= 0 || t.vocabSize <= 0 ||
        t.intermediateSize <= 0 || t.maxPositions <= 0)
        throw FileError(f.path(), "the language model's sizes must be positive.");
    // Either at zero or below makes every activation NaN: refused here rather than found in the answers.
    if (!(t.rmsNormEps > 0.0) || !std::isfinite(t.rmsNormEps))
        throw FileError(f.path(), "rms_norm_eps must be a positive number, not " + std::to_string(t.rmsNormEps) + ".");
    if (!(t.ropeTheta > 0.0) || !std::isfinite(t.ropeTheta))
        throw FileError(f.path(), "rope_theta must be a positive number, not " + std::to_string(t.ropeTheta) + ".");
    if (t.hiddenSize % t.heads != 0 || t.heads % t.kvHeads != 0)
        throw FileError(f.path(), "hidden_size must divide into num_attention_heads, and those into "
                                  "num_key_value_heads.");
    return t;
}

// CLIP vision fields, with defaults supplied by the caller (they differ between sources).
VisionModelConfig readVision(const Fields &f, VisionModelConfig v)
{
    v.imageSize = f.integer("image_size", v.imageSize);
    v.patchSize = f.integer("patch_size", v.patchSize);
    v.hiddenSize = f.integer("hidden_size", v.hiddenSize);
    v.intermediateSize = f.integer("intermediate_size", v.intermediateSize);
    v.layers = f.integer("num_hidden_layers", v.layers);
    v.heads = f.integer("num_attention_heads", v.heads);
    v.layerNormEps = f.number("layer_norm_eps", v.layerNormEps);
    const std::string activation = f.string("hidden_act", v.quickGelu ? "quick_gelu" : "gelu");
    if (activation != "quick_gelu" && activation != "gelu")
        throw FileError(f.path(), "vision hidden_act \"" + activation + "\" is not supported.");
    v.quickGelu = activation == "quick_gelu";
    if (v.imageSize <= 0 || v.patchSize <= 0 || v.hiddenSize <= 0 || v.layers <= 0 || v.heads <= 0 ||
        v.hiddenSize % v.heads != 0)
        throw FileError(f.path(), "the vision tower's sizes are not valid.");
    return v;
}

VisionModelConfig clipLarge336()
{
    return VisionModelConfig{}; // the defaults are CLIP ViT-L/14 at 336 px
}

void readPreprocessor(const std::string &path, VisionModelConfig &v)
{
    if (!fs::exists(path))
        return;
    const Json doc = readJson(path);
    auto triple = [&](const char *key, std::array<float, 3> &out) {
        const Json *a = jsonMember(doc, key);
        if (!a)
            return;
        if (!a->is_array() || a->size() != 3 || !(*a)[0].is_number() || !(*a)[1].is_number() || !(*a)[2].is_number())
            throw FileError(path, std::string("\"") + key + "\" must list three numbers.");
        for (std::size_t i = 0; i < 3; ++i)
            out[i] = static_cast<float>((*a)[i].get<double>());
    };
    triple("image_mean", v.imageMean);
    triple("image_std", v.imageStd);
}

// GeoChat names its tower: a well-known name or a folder with a CLIP config.
VisionModelConfig resolveVisionTower(const std::string &name, const fs::path &modelFolder, const std::string &configPath)
{
    if (name == "openai/clip-vit-large-patch14-336")
        return clipLarge336();
    if (name == "openai/clip-vit-large-patch14") {
        VisionModelConfig v = clipLarge336();
        v.imageSize = 224;
        return v;
    }
    fs::path folder(name);
    if (folder.is_relative())
        folder = modelFolder / folder;
    const fs::path config = folder / "config.json";
    if (!fs::is_directory(folder) || !fs::exists(config))
        throw FileError(configPath, "mm_vision_tower \"" + name +
                                        "\" is neither a built-in vision tower nor a folder holding a CLIP config.json "
                                        "(looked in " + folder.string() + ").");
    const Json doc = readJson(config.string());
    // Either a vision config or a full CLIP config with vision_config inside.
    const Json *vision = jsonMember(doc, "vision_config");
    const Json &fields = vision && vision->is_object() ? *vision : doc;
    VisionModelConfig v = readVision(Fields(fields, config.string()), clipLarge336());
    readPreprocessor((folder / "preprocessor_config.json").string(), v);
    return v;
}

int projectorDepthOf(const std::string &type, const std::string &path)
{
    if (type == "linear")
        return 1;
    // mlpNx_gelu
    if (type.size() > 9 && type.rfind("mlp", 0) == 0 && type.compare(type.size() - 6, 6, "x_gelu") == 0) {
        try {
            const int depth = std::stoi(type.substr(3, type.size() - 9));
            if (depth >= 1 && depth <= 8)
                return depth;
        } catch (const std::exception &) {
        }
    }
    throw FileError(path, "mm_projector_type \"" + type + "\" is not supported (linear or mlpNx_gelu).");
}

} // namespace

ModelConfig ModelConfig::load(const std::string &folder, std::optional<int> imageSize, const std::string &visionTowerFolder)
{
    if (!fs::is_directory(folder))
        throw FileError(folder, "is not a model folder.");
    const std::string path = (fs::path(folder) / "config.json").string();
    const Json doc = readJson(path);
    const Fields f(doc, path);

    ModelConfig c;
    c.folder = folder;
    c.modelType = f.string("model_type", "");
    const Json *textConfig = f.object("text_config");
    const Json *visionConfig = f.object("vision_config");
    std::string architecture;
    if (const Json *a = jsonMember(doc, "architectures"); a && a->is_array() && !a->empty() && a->front().is_string())
        architecture = a->front().get<std::string>();

    if (!visionTowerFolder.empty() && !fs::exists(fs::path(visionTowerFolder) / "config.json"))
        throw FileError(visionTowerFolder, "is not a CLIP vision tower folder: it has no config.json.");
    if (jsonMember(doc, "mm_vision_tower")) {
        // GeoChat and the original LLaVA: LLaMA fields at the top, the multimodal ones mm_*.
        c.layout = CheckpointLayout::GeoChat;
        c.text = readText(f);
        c.vision = resolveVisionTower(visionTowerFolder.empty() ? f.string("mm_vision_tower", "")
                                                                : fs::absolute(visionTowerFolder).string(),
                                      fs::path(folder), path);
        c.selectLayer = f.integer("mm_vision_select_layer", -2);
        const std::string feature = f.string("mm_vision_select_feature", "patch");
        if (feature != "patch" && feature != "cls_patch")
            throw FileError(path, "mm_vision_select_feature \"" + feature + "\" is not supported.");
        c.dropClassToken = feature == "patch";
        c.projectorDepth = projectorDepthOf(f.string("mm_projector_type", "linear"), path);
        c.useImageStartEnd = f.boolean("mm_use_im_start_end", false);
        const int mmHidden = f.integer("mm_hidden_size", c.vision.hiddenSize);
        if (mmHidden != c.vision.hiddenSize)
            throw FileError(path, "mm_hidden_size " + std::to_string(mmHidden) + " does not match the vision tower's width " +
                                      std::to_string(c.vision.hiddenSize) + ".");
        c.inputSize = c.modelType == "geochat" ? 504 : c.vision.imageSize;
    } else if (textConfig || visionConfig || architecture == "LlavaForConditionalGeneration" || c.modelType == "llava") {
        // llava-hf: nested configs; a missing one takes transformers' LlavaConfig defaults.
        c.layout = CheckpointLayout::LlavaHf; // refined to LlavaHfNested by the tensor names
        const Json empty = Json::object();
        c.text = readText(Fields(textConfig ? *textConfig : empty, path));
        c.vision = readVision(Fields(visionConfig ? *visionConfig : empty, path), clipLarge336());
        c.selectLayer = f.integer("vision_feature_layer", -2);
        const std::string strategy = f.string("vision_feature_select_strategy", "default");
        if (strategy != "default" && strategy != "full")
            throw FileError(path, "vision_feature_select_strategy \"" + strategy + "\" is not supported.");
        c.dropClassToken = strategy == "default";
        const std::string act = f.string("projector_hidden_act", "gelu");
        if (act != "gelu")
            throw FileError(path, "projector_hidden_act \"" + act + "\" is not supported.");
        c.projectorDepth = 2;
        c.imageTokenIndex = f.integer("image_token_index", 32000);
        c.inputSize = c.vision.imageSize;
        readPreprocessor((fs::path(folder) / "preprocessor_config.json").string(), c.vision);
    } else {
        throw FileError(path, "is not a LLaVA or GeoChat configuration (no mm_vision_tower, text_config or "
                              "vision_config).");
    }
    if (imageSize)
        c.setInputSize(*imageSize);
    if (c.inputSize % c.vision.patchSize != 0)
        throw FileError(path, "the input size " + std::to_string(c.inputSize) + " is not a multiple of the patch size.");
    const int states = c.vision.layers + 1;
    if (c.selectLayer >= states || c.selectLayer < -states)
        throw FileError(path, "the vision select layer " + std::to_string(c.selectLayer) + " is outside the tower's " +
                                  std::to_string(c.vision.layers) + " layers.");
    return c;
}

void ModelConfig::setInputSize(int size)
{
    if (size < vision.patchSize || size % vision.patchSize != 0 || size > 4096)
        throw InvalidArgument("The image size " + std::to_string(size) + " must be a multiple of the patch size " +
                              std::to_string(vision.patchSize) + " between " + std::to_string(vision.patchSize) + " and 4096.");
    inputSize = size;
}

int ModelConfig::nearestInputSize(int size, int patchSize)
{
    const int patches = std::max(1, (size + patchSize / 2) / patchSize);
    return patches * patchSize;
}

const char *checkpointLayoutName(CheckpointLayout layout)
{
    switch (layout) {
    case CheckpointLayout::GeoChat: return "GeoChat";
    case CheckpointLayout::LlavaHf: return "llava-hf";
    case CheckpointLayout::LlavaHfNested: return "llava-hf (nested)";
    }
    return "unknown";
}

int ModelConfig::largestInputSizeForContext() const
{
    const int patch = std::max(1, vision.patchSize);
    const int room = text.maxPositions - MinimumTextPositions - (dropClassToken ? 0 : 1);
    if (room < 1)
        return 0;
    int grid = static_cast<int>(std::sqrt(static_cast<double>(room)));
    while (grid > 0 && grid * grid > room)
        --grid;
    return grid * patch;
}

std::string ModelConfig::contextProblem() const
{
    if (imageTokens() + MinimumTextPositions <= text.maxPositions)
        return {};
    const int largest = largestInputSizeForContext();
    std::string what = "at " + std::to_string(inputSize) + " px an image takes " + std::to_string(imageTokens()) +
                        " of the model's " + std::to_string(text.maxPositions) +
                        " context positions, which leaves no room for a question and its answer (at least " +
                        std::to_string(MinimumTextPositions) + "). ";
    if (largest > 0)
        return what + "Choose an image size of at most " + std::to_string(largest) +
               " px, or a model with a longer context.";
    return what + "The context is too short for any image: choose a model with a longer context.";
}

} // namespace geolens
