#include "model/CheckpointFolder.h"

#include "common/Error.h"
#include "common/JsonIo.h"
#include "model/PytorchCheckpointReader.h"
#include "model/SafetensorsReader.h"

#include <filesystem>
#include <map>
#include <set>

namespace geolens {

namespace {

namespace fs = std::filesystem;

TensorMap readShard(const fs::path &file)
{
    if (!fs::exists(file))
        throw FileError(file.string(), "the checkpoint shard is missing.");
    if (file.extension() == ".safetensors")
        return readSafetensors(file.string());
    return readPytorchCheckpoint(file.string());
}

// pytorch_model.bin.index.json has safetensors' index format, with .bin shards.
TensorMap readPytorchIndex(const fs::path &index)
{
    const Json doc = readJsonFile(index.string());
    const Json *map = jsonMember(doc, "weight_map");
    if (!map || !map->is_object())
        throw FileError(index.string(), "has no \"weight_map\" object.");
    std::map<fs::path, std::vector<std::string>> byShard;
    for (const auto &[name, shard] : map->items()) {
        if (!shard.is_string())
            throw FileError(index.string(), "the shard of \"" + name + "\" must be a file name.");
        byShard[shardBesideIndex(index.string(), name, shard.get<std::string>())].push_back(name);
    }
    TensorMap all;
    for (const auto &[file, names] : byShard) {
        TensorMap tensors = readShard(file);
        for (const std::string &name : names) {
            auto it = tensors.find(name);
            if (it == tensors.end())
                throw FileError(file.string(), "does not contain \"" + name + "\", which the index lists in it.");
            all.emplace(name, std::move(it->second));
        }
    }
    return all;
}

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

TensorMap readCheckpointFolder(const std::string &folder)
{
    const fs::path dir(folder);
    const fs::path candidates[] = {
        dir / "model.safetensors.index.json",
        dir / "model.safetensors",
        dir / "pytorch_model.bin.index.json",
        dir / "pytorch_model.bin",
    };
    if (fs::exists(candidates[0]))
        return readSafetensorsIndex(candidates[0].string());
    if (fs::exists(candidates[1]))
        return readSafetensors(candidates[1].string());
    if (fs::exists(candidates[2]))
        return readPytorchIndex(candidates[2]);
    if (fs::exists(candidates[3]))
        return readPytorchCheckpoint(candidates[3].string());
    throw FileError(folder, "holds no checkpoint (model.safetensors, model.safetensors.index.json, pytorch_model.bin or "
                            "pytorch_model.bin.index.json).");
}

bool checkpointHasVisionTower(const std::string &folder)
{
    const auto isVision = [](const std::string &name) {
        return name.find("vision_tower.") != std::string::npos || startsWith(name, "vision_model.");
    };
    for (const char *indexName : {"model.safetensors.index.json", "pytorch_model.bin.index.json"}) {
        const fs::path index = fs::path(folder) / indexName;
        if (!fs::exists(index))
            continue;
        const Json doc = readJsonFile(index.string());
        const Json *map = jsonMember(doc, "weight_map");
        if (!map || !map->is_object())
            throw FileError(index.string(), "has no \"weight_map\" object.");
        for (const auto &entry : map->items())
            if (isVision(entry.key()))
                return true;
        return false;
    }
    for (const auto &entry : readCheckpointFolder(folder))
        if (isVision(entry.first))
            return true;
    return false;
}

TensorMap canonicalTensorNames(TensorMap tensors, CheckpointLayout &layout)
{
    bool nested = false, flat = false;
    for (const auto &entry : tensors) {
        nested = nested || startsWith(entry.first, "model.language_model.");
        flat = flat || startsWith(entry.first, "language_model.");
    }
    if (!nested && !flat)
        return tensors; // GeoChat's own names
    layout = nested ? CheckpointLayout::LlavaHfNested : CheckpointLayout::LlavaHf;

    // Longest prefixes first: "model.language_model." before "model.".
    const std::pair<const char *, const char *> renames[] = {
        {"model.language_model.", "model."},
        {"language_model.model.", "model."},
        {"language_model.lm_head.", "lm_head."},
        {"model.vision_tower.vision_model.", "model.vision_tower.vision_tower.vision_model."},
        {"vision_tower.vision_model.", "model.vision_tower.vision_tower.vision_model."},
        {"model.multi_modal_projector.linear_1.", "model.mm_projector.0."},
        {"model.multi_modal_projector.linear_2.", "model.mm_projector.2."},
        {"multi_modal_projector.linear_1.", "model.mm_projector.0."},
        {"multi_modal_projector.linear_2.", "model.mm_projector.2."},
    };
    TensorMap renamed;
    for (auto &[name, tensor] : tensors) {
        std::string canonical = name;
        for (const auto &[from, to] : renames) {
            if (startsWith(name, from)) {
                canonical = to + name.substr(std::char_traits<char>::length(from));
                break;
            }
        }
        tensor.name = canonical;
        renamed.emplace(canonical, std::move(tensor));
    }
    return renamed;
}

} // namespace geolens
