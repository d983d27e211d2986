#pragma once

// The loss terms of distillation as pure tensor functions: the MiniLLM objective (reverse KL of
// the student q against the teacher p, optimised by policy gradient on the student's own samples),
// the baselines an app offers (SFT, Hinton KD, token-level reverse KL), the pretraining term and the
// feature alignment of the projector outputs. Internal to the distillation engine (includes
// LibTorch).
//
// Shapes: logits [B, T, V] of any floating type; token ids [B, T] int64; per-token values [B, T];
// mask [B, T], bool or numeric, true (non-zero) on valid tokens. Position t of logits predicts the
// token at position t of the ids: callers shift once, before these functions. Softmax statistics,
// rewards and advantages are computed in float32 whatever the input type, and every result is
// float32. A "mean over valid tokens" is 0 (still part of the graph) when no token is valid.
// Padded positions never influence a result nor receive gradient: whatever the logits, ids or
// values hold there is ignored. Shape mismatches throw InvalidArgument.

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace geolens::distill {

// The per-token tensors of one batch of rollouts, all [B, T] and aligned with the generated tokens:
// entry t belongs to token t. Everything but the mask is float32 except the ids.
struct RolloutTensors {
    torch::Tensor tokens;          // int64: the sampled ids; anything at padding
    torch::Tensor mask;            // bool: the generated tokens up to and including EOS
    torch::Tensor oldLogProbs;     // log q_old(y_t): the student when the batch was sampled
    torch::Tensor teacherLogProbs; // log p(y_t)
    torch::Tensor mixLogProbs;     // log p_mix(y_t): the distribution that drew y_t
    torch::Tensor weights;         // importanceWeights(oldLogProbs, mixLogProbs, mask)
    torch::Tensor rewards;         // tokenRewards(teacherLogProbs, oldLogProbs, mask)
    torch::Tensor advantages;      // whiten(lengthNormalisedReturns(rewards, mask), mask)
};

// Mean of values over the valid entries of mask (same shape); 0 when none is valid.
torch::Tensor maskedMean(const torch::Tensor &values, const torch::Tensor &mask);

// log q(y_t) [B, T] of the given ids under logits [B, T, V]; 0 at padding.
torch::Tensor tokenLogProbs(const torch::Tensor &logits, const torch::Tensor &tokens, const torch::Tensor &mask);

// The teacher's distribution as the KL terms compare with it: its log-softmax [B, T, V] in float32,
// without gradient. A caller that meets the same teacher logits several times (each PPO pass over a
// batch of rollouts) computes it once.
struct TeacherLogProbs {
    torch::Tensor values;
};
TeacherLogProbs teacherLogProbs(const torch::Tensor &teacherLogits, double temperature = 1.0);

// The exact reverse KL(q || p) = sum_v q_v (log q_v - log p_v) at every position, [B, T], with q
// the student's softmax and p the teacher's (no gradient reaches the teacher).
torch::Tensor reverseKlPerToken(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits);
torch::Tensor reverseKlPerToken(const torch::Tensor &studentLogits, const TeacherLogProbs &teacher);

// The single-step term: reverseKlPerToken averaged over valid tokens. Not weighted by the
// importance weights, as in the reference implementation (MiniLLM).
torch::Tensor singleStepLoss(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                             const torch::Tensor &mask);
torch::Tensor singleStepLoss(const torch::Tensor &studentLogits, const TeacherLogProbs &teacher,
                             const torch::Tensor &mask);

// SFT: cross-entropy of targets under logits, averaged over valid tokens (the caller masks the
// prompt).
torch::Tensor crossEntropyLoss(const torch::Tensor &logits, const torch::Tensor &targets, const torch::Tensor &mask);

// Hinton's KD on the dataset's responses: (1 - lambda) CE + lambda T^2 KL(p_T || q_T), with p_T
// and q_T the softmax of logits / T. T^2 keeps the soft term's gradient comparable across T.
torch::Tensor hintonKdLoss(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                           const torch::Tensor &targets, const torch::Tensor &mask, double temperature = 1.0,
                           double lambda = 0.5);

// hintonKdLoss and, beside it, the masked mean of the exact reverse KL at temperature 1 (a float32
// scalar without gradient: the run's rev_kl metric), taken from the student's log-softmax that the
// hard term computes anyway.
struct KdLossAndReverseKl {
    torch::Tensor loss;
    torch::Tensor reverseKl;
};
KdLossAndReverseKl hintonKdLossAndReverseKl(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                                            const torch::Tensor &targets, const torch::Tensor &mask,
                                            double temperature = 1.0, double lambda = 0.5);

// The token-level reverse-KL baseline: KL(q || p) at every position of the dataset's responses
// (teacher-forced, not sampled), averaged over valid tokens.
torch::Tensor tokenReverseKlLoss(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                                 const torch::Tensor &mask);

// L_PT on plain text: (1 - kdRatio) CE + kdRatio mean(-sum_v p_v log q_v).
torch::Tensor pretrainLoss(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                           const torch::Tensor &targets, const torch::Tensor &mask, double kdRatio = 0.5);

// log p_mix over the vocabulary, [..., V], for teacher-mixed sampling:
// p_mix = (1 - alpha) softmax(q / T) + alpha softmax(p / T). Nothing is filtered (no top-k or
// top-p), so every token p_mix can draw keeps a finite student log-prob.
torch::Tensor mixedLogProbs(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits, double alpha = 0.2,
                            double temperature = 1.0);

// One draw per row of logProbs [B, V]: ids [B] int64. The generator must live on logProbs' device;
// the same generator state gives the same ids.
torch::Tensor sampleTokens(const torch::Tensor &logProbs, torch::Generator &generator);
// As above with a fresh CPU generator seeded with seed (the draw runs on the CPU; the ids come back
// on logProbs' device).
torch::Tensor sampleTokens(const torch::Tensor &logProbs, std::uint64_t seed);

// Importance weights w_t = q(y_t) / p_mix(y_t) from per-token log-probs [B, T]; 0 at padding. One
// factor per token, not a product over the steps. Constants for the optimiser (no gradient).
torch::Tensor importanceWeights(const torch::Tensor &studentLogProbs, const torch::Tensor &mixLogProbs,
                                const torch::Tensor &mask);

// Per-token rewards r_t = clamp((log p(y_t) - log q(y_t)) / scale, -clampAt, clampAt); 0 at
// padding; constants (no gradient).
torch::Tensor tokenRewards(const torch::Tensor &teacherLogProbs, const torch::Tensor &studentLogProbs,
                           const torch::Tensor &mask, double scale = 0.5, double clampAt = 100.0);

// Which rewards the long-term return at position t sums.
enum class ReturnRange {
    // sum_{k >= t} gamma^(k-t) r_k: what the reference implementation trains with.
    FromCurrent,
    // sum_{k > t} gamma^(k-t) r_k: the paper's R_{t+1}, the part of the return that the
    // single-step term does not already cover.
    FutureOnly,
};

struct ReturnOptions {
    double gamma = 0.95;
    ReturnRange range = ReturnRange::FromCurrent;
    // Divide by N_t, the number of valid tokens the return sums (from t to the end for FromCurrent,
    // after t for FutureOnly), so that long answers do not dominate the gradient.
    bool lengthNormalise = true;
};

// Long-term returns [B, T] float32 of rewards [B, T]: only valid rewards enter the sums (the
// exponent counts positions); 0 at padding; constants (no gradient).
torch::Tensor lengthNormalisedReturns(const torch::Tensor &rewards, const torch::Tensor &mask,
                                      const ReturnOptions &options = {});

// (x - mean) / sqrt(var + 1e-8) with mean and variance over the valid entries of the whole batch;
// 0 at padding. unbiased: the variance divides by n - 1 (by n when false). shiftMean false adds the
// mean back. Constants (no gradient). sumAcrossProcesses, when given, sums its numbers over the
// processes of a data-parallel job (in place), so that the statistics are those of the batch of all
// processes; it is called exactly twice on every process (see whitenNothing).
using ProcessSum = std::function<void(std::vector<double> &)>;
torch::Tensor whiten(const torch::Tensor &values, const torch::Tensor &mask, bool shiftMean = true,
                     bool unbiased = true, const ProcessSum &sumAcrossProcesses = {});
// A process without values takes part in the others' whitening.
void whitenNothing(const ProcessSum &sumAcrossProcesses);

// The PPO-style policy term: mean over valid tokens of max(-A ratio, -A clamp(ratio, 1 - clip,
// 1 + clip)), ratio = exp(new - old) w. Only newLogProbs carries gradient.
torch::Tensor clippedPolicyLoss(const torch::Tensor &newLogProbs, const torch::Tensor &oldLogProbs,
                                const torch::Tensor &weights, const torch::Tensor &advantages,
                                const torch::Tensor &mask, double clip = 0.2);

// How the feature alignment reduces its squared differences.
enum class AlignReduction {
    Mean,    // the mean over every element: MSE
    HalfSum, // the paper's 1/2 ||z_T - z_S||^2: half the sum over tokens and features of each image
             // ([..., N, D]: the last two dimensions), averaged over any leading (batch) dimensions
};

// The squared difference between student features [..., Ds], mapped to the teacher's width by
// projection [Dt, Ds] when given, and teacher features [..., Dt] (no gradient reaches the teacher),
// reduced as asked. Pass an undefined projection when the widths match.
torch::Tensor featureAlignmentLoss(const torch::Tensor &studentFeatures, const torch::Tensor &teacherFeatures,
                                   const torch::Tensor &projection = {},
                                   AlignReduction reduction = AlignReduction::Mean);

} // namespace geolens::distill
