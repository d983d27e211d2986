#pragma once

#include "model/GeoChatModel.h"

#include <memory>
#include <string>
#include <vector>

namespace geolens::cli {

class CliArguments;

// --device, --dtype, --quantize, --image-size and --threads, shared by the verbs that load a model.
// Throws UsageError for a value that is not one of the choices.
ModelLoadOptions loadOptions(const CliArguments &arguments);

// Sets the device of options from the value of --option (auto, cpu, cuda or cuda:N); throws
// UsageError naming the option otherwise.
void applyDevice(const std::string &value, const std::string &option, ModelLoadOptions &options);

// The model of --model DIR, or random weights of the real shapes for "random:PRESET" (with
// --tokenizer FILE, LLaMA's SentencePiece model), to time a job without downloading weights.
std::unique_ptr<GeoChatModel> loadModelOrRandom(const std::string &folder, const CliArguments &arguments,
                                                const ModelLoadOptions &options);
// What to call the model of --model in outputs: the folder's name, or "random-PRESET".
std::string modelDisplayName(const std::string &folder);

// The classes of --classes "a,b,c" or --preset ucm|aid|nwpu; throws UsageError naming subject
// ("scene labelling") when there are none, or both options are given.
std::vector<std::string> sceneClasses(const CliArguments &arguments, const std::string &subject);

} // namespace geolens::cli
