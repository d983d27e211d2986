#pragma once

// The classifier's state, shared by TileClassifier and ClassifierTraining (which writes it).
// Internal to the distillation engine (includes LibTorch).

#include "common/JsonIo.h"
#include "distill/TileClassifier.h"
#include "distill/ClipHeadNetwork.h"
#include "distill/ClipTowerFeatures.h"
#include "distill/TileClassifierNetwork.h"

#include <memory>

namespace geolens {

struct TileClassifier::Impl {
    TileClassifierInfo info;
    TileClassifierNetwork network{nullptr}; // resnet18, resnet10
    ClipHeadNetwork head{nullptr};          // clip: the head over the frozen tower
    std::unique_ptr<ClipTowerFeatures> tower;

    // What training changes and the folder stores: the CNN, or the head.
    torch::nn::Module &trained();
};

// The architecture whose student is the teacher's CLIP tower, frozen, with ClipHeadNetwork.
constexpr const char *ClipArchitecture = "clip";

Json classifierInfoToJson(const TileClassifierInfo &info);
TileClassifierInfo classifierInfoFromJson(const Json &json, const std::string &path);
TileClassifierShape classifierShape(const TileClassifierInfo &info);
// Writes network and info into folder (made when missing), each file atomically.
void saveTileClassifier(const std::string &folder, const TileClassifierInfo &info, torch::nn::Module &network);
// Reads network's weights and buffers from the archive at path. Throws FileError naming the file
// and the tensor when one is missing or of another shape (LibTorch would take it as it is).
void loadTileClassifierWeights(torch::nn::Module &network, const std::string &path, const torch::Device &device);
// Images as one uint8 tensor [B, 3, size, size] of their classifier input.
torch::Tensor classifierBatch(const std::vector<RgbImage> &images, int size);

} // namespace geolens
