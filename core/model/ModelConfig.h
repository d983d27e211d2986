#pragma once

#include <array>
#include <optional>
#include <string>

namespace geolens {

// How a model folder names its tensors.
enum class CheckpointLayout {
    GeoChat,        // GeoChat / original LLaVA release: model.*, lm_head, model.mm_projector.*
    LlavaHf,        // LlavaForConditionalGeneration: language_model.model.*, multi_modal_projector.*
    LlavaHfNested,  // newer exports of the same: model.language_model.*, model.vision_tower.*
};

// The layout's name as GeoLens shows it: "GeoChat", "llava-hf" or "llava-hf (nested)".
const char *checkpointLayoutName(CheckpointLayout layout);

struct TextModelConfig {
    int hiddenSize = 4096;
    int intermediateSize = 11008;
    int layers = 32;
    int heads = 32;
    int kvHeads = 32;
    int vocabSize = 32000;
    int maxPositions = 2048;
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    int bosTokenId = 1;
    int eosTokenId = 2;
};

struct VisionModelConfig {
    int imageSize = 336; // the resolution the tower was trained at
    int patchSize = 14;
    int hiddenSize = 1024;
    int intermediateSize = 4096;
    int layers = 24;
    int heads = 16;
    double layerNormEps = 1e-5;
    bool quickGelu = true;
    std::array<float, 3> imageMean{0.48145466f, 0.4578275f, 0.40821073f};
    std::array<float, 3> imageStd{0.26862954f, 0.26130258f, 0.27577711f};
};

// Everything the engine needs to know about a model folder before reading a weight: its
// checkpoint layout, the LLaMA and CLIP shapes and how they are joined. Plain data; no LibTorch.
struct ModelConfig {
    std::string folder;
    std::string modelType; // config.json's model_type
    CheckpointLayout layout = CheckpointLayout::GeoChat;
    TextModelConfig text;
    VisionModelConfig vision;
    int inputSize = 336;              // what the tower runs at: 504 for GeoChat
    int selectLayer = -2;             // hidden_states index fed to the projector
    bool dropClassToken = true;       // "patch" / "default" feature selection
    int projectorDepth = 2;           // mlpNx_gelu: N linear layers; "linear": 1
    std::optional<int> imageTokenIndex; // llava-hf's id for <image>; GeoChat splices at -200
    bool useImageStartEnd = false;

    int gridSize() const { return inputSize / vision.patchSize; }
    int imageTokens() const { return gridSize() * gridSize() + (dropClassToken ? 0 : 1); }

    // Text positions a prompt needs besides the image for a question and its answer to fit.
    static constexpr int MinimumTextPositions = 64;
    // The largest input size, a multiple of the patch, whose image leaves MinimumTextPositions of
    // the context; 0 when none does.
    int largestInputSizeForContext() const;
    // Empty when the context holds the image at inputSize and room for a question and an answer;
    // else a sentence that says what does not fit and the image size that would.
    std::string contextProblem() const;
    // Sets inputSize; throws InvalidArgument unless the patches divide size, from one patch to 4096.
    void setInputSize(int size);
    // The input size nearest to size that the patches divide, at least one patch.
    static int nearestInputSize(int size, int patchSize);

    // Reads FOLDER/config.json and, for GeoChat-style configs, the vision tower it names (a
    // built-in well-known name, or a folder, absolute or relative to FOLDER, with a CLIP
    // config.json and preprocessor_config.json). imageSize overrides the input resolution.
    // visionTowerFolder, when not empty, is a CLIP folder that replaces the tower a GeoChat-style
    // config names. Throws FileError naming the file and the problem.
    static ModelConfig load(const std::string &folder, std::optional<int> imageSize = std::nullopt,
                            const std::string &visionTowerFolder = {});
};

} // namespace geolens
