#pragma once

// A batch of rollouts for the paper's policy terms: the student's answers drawn from the mixture
// of student and teacher, the log-probabilities the terms need, and the advantages. Internal to
// the distillation engine: it includes LibTorch.

#include "distill/DistillConfig.h"
#include "distill/DistillationLosses.h"

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace geolens::distill {

class DistillModel;

// One sampled answer and what the policy terms need of it.
struct Rollout {
    std::size_t sample = 0;  // the position in the stream of training samples it answers
    std::vector<int> tokens; // EOS included when it was drawn
    torch::Tensor oldLogProbs, teacherLogProbs, mixLogProbs; // [n] float32, CPU
    torch::Tensor weights, advantages;                        // [n] float32, CPU
    TeacherLogProbs teacher;      // the teacher's log-softmax [1, n, V], recomputed when missing
    torch::Tensor teacherFeatures; // the teacher's image features, likewise
    torch::Tensor studentPixels;   // the student's input, likewise
    double reverseKl = 0.0;        // mean per-token KL(q||p) when drawn
};

// What one rollout starts from.
struct RolloutPrompt {
    std::size_t sample = 0;
    std::vector<int> prompt;          // llava_v1 ids with the image slot
    int maxNewTokens = 0;             // at least 1
    std::int64_t room = 0;            // positions left after this prompt within max_length
    std::uint64_t seed = 0;           // of this rollout's draws alone
    torch::Tensor studentPixels;      // kept for the optimisation passes
    torch::Tensor studentFeatures;    // [1, N, hidden] of each model
    torch::Tensor teacherFeatures;
};

class RolloutBatch {
public:
    // Draws one answer per prompt, token by token, from
    // p_mix = (1 - alpha) softmax(q / T) + alpha softmax(p / T), until EOS or the prompt's
    // maxNewTokens. The prompts are decoded together (left-padded, one forward pass of each model
    // per token for all of them); each rollout draws with its own generator, seeded by its
    // prompt's seed. As every answer goes after the longest prompt's columns, no answer may
    // outgrow the room the fullest prompt leaves. Then computes the advantages. No gradients.
    static RolloutBatch draw(const DistillModel &student, const DistillModel &teacher, std::vector<RolloutPrompt> prompts,
                             const MiniLlmSettings &settings);

    // Importance weights, rewards and (whitened) length-normalised returns, over the whole batch
    // at once, padded: what the policy term of each rollout needs. With sumAcrossProcesses the
    // whitening covers the batches of all processes of a data-parallel job; every process calls it,
    // with or without rollouts.
    void computeAdvantages(const MiniLlmSettings &settings, const ProcessSum &sumAcrossProcesses = {});

    std::vector<Rollout> &rollouts() { return rollouts_; }
    const std::vector<Rollout> &rollouts() const { return rollouts_; }
    bool empty() const { return rollouts_.empty(); }
    std::size_t size() const { return rollouts_.size(); }
    void clear() { rollouts_.clear(); }
    void add(Rollout rollout) { rollouts_.push_back(std::move(rollout)); }
    // Answer tokens of all rollouts together.
    double tokenCount() const;

    // The rollouts as rollout/I/... entries of a checkpoint's tensors (what is recomputed when
    // missing is not kept), and back.
    void save(torch::serialize::OutputArchive &archive) const;
    static RolloutBatch load(torch::serialize::InputArchive &archive, std::size_t count);

private:
    std::vector<Rollout> rollouts_;
};

} // namespace geolens::distill
