#pragma once

#include <cstdint>
#include <string>

namespace geolens {

struct DistillConfig;
struct ModelConfig;

// Bytes per weight for a run's dtype setting on a device: "f32" 4, "bf16" and "f16" 2, and "auto"
// as the engine resolves it: bf16 on a GPU, f32 on the CPU ("cpu").
int bytesPerWeight(const std::string &dtype, const std::string &device);

// What a run's models need in memory, before it starts: the weights in the run's precision, for
// the student 12 bytes per trainable parameter on top (its f32 gradient and AdamW's two moments),
// and the key/value cache of a batch of rollouts, which grows with minillm.max_new_tokens.
// Activations, the image cache and the framework's own memory are not included.
struct MemoryEstimate {
    std::uint64_t teacherParameters = 0;
    std::uint64_t studentParameters = 0;
    // Every student parameter, or only the LoRA adapters' when the run trains adapters.
    std::uint64_t trainableParameters = 0;
    // Weights, optimiser state and, when the run samples rollouts, the key/value cache of a batch of
    // them (both models decode together for teacher-mixed sampling).
    double teacherBytes = 0;
    double studentBytes = 0;
    // The rollout caches alone (included above): rollout_batch_size sequences of the image's tokens,
    // PromptTextTokens of text and max_new_tokens of answer, keys and values of every layer.
    double teacherCacheBytes = 0;
    double studentCacheBytes = 0;
    static constexpr int PromptTextTokens = 128;

    // Optimiser state per trainable parameter: an f32 gradient and AdamW's two f32 moments.
    static constexpr double BytesPerTrainableParameter = 12.0;

    // teacherDevice and studentDevice are the devices as resolved ("cpu", "cuda:0", ...): an
    // "auto" that stands for the CPU must be given as "cpu" to count f32 weights there.
    static MemoryEstimate of(const DistillConfig &config, const ModelConfig &teacher, const ModelConfig &student,
                             const std::string &teacherDevice, const std::string &studentDevice);
};

} // namespace geolens
