#pragma once

// The classifier's state, shared by TileClassifier and ClassifierTraining (which writes it).
// Internal to the distillation engine (includes LibTorch).

#include "common/JsonIo.h"
#include "distill/TileClassifier.h"
#include "distill/TileClassifierNetwork.h"

namespace geolens {

struct TileClassifier::Impl {
    TileClassifierInfo info;
    TileClassifierNetwork network{nullptr};
};

Json classifierInfoToJson(const TileClassifierInfo &info);
TileClassifierInfo classifierInfoFromJson(const Json &json, const std::string &path);
TileClassifierShape classifierShape(const TileClassifierInfo &info);
// Writes network and info into folder (made when missing), each file atomically.
void saveTileClassifier(const std::string &folder, const TileClassifierInfo &info, TileClassifierNetwork &network);
// Reads network's weights and buffers from the archive at path. Throws FileError naming the file
// and the tensor when one is missing or of another shape (LibTorch would take it as it is).
void loadTileClassifierWeights(TileClassifierNetwork &network, const std::string &path, const torch::Device &device);
// Images as one uint8 tensor [B, 3, size, size] of their classifier input.
torch::Tensor classifierBatch(const std::vector<RgbImage> &images, int size);

} // namespace geolens
