#pragma once

#include "model/ModelConfig.h"
#include "model/TensorInfo.h"

#include <string>

namespace geolens {

// Every tensor of a model folder, whatever its format: model.safetensors(.index.json) or
// pytorch_model.bin(.index.json). Shards are memory-mapped, never copied. Throws FileError naming
// the missing or broken file.
TensorMap readCheckpointFolder(const std::string &folder);

// Whether the checkpoint in folder holds vision-tower weights, from its index's names where it has
// one (no shard is opened), else from its single file's header. The original LLaVA-1.5 releases
// keep the CLIP tower apart. Throws FileError as readCheckpointFolder does.
bool checkpointHasVisionTower(const std::string &folder);

// Renames llava-hf tensors to GeoChat's names (model.*, lm_head.weight, model.mm_projector.{0,2}.*,
// model.vision_tower.vision_tower.vision_model.*), so the engine knows one naming. Sets the layout
// to LlavaHfNested when the names say so. GeoChat names pass through.
TensorMap canonicalTensorNames(TensorMap tensors, CheckpointLayout &layout);

} // namespace geolens
