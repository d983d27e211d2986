#pragma once

#include "common/JsonIo.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace geolens {


enum class DistillMethod {
    Paper, // the paper: SFT warm start, then MiniLLM (policy + single-step) + feature alignment + L_PT
    Align, // feature alignment with cross-entropy on the dataset answers
    Kd,    // Hinton token-level KD on the dataset answers
    Sft,   // cross-entropy on the dataset answers
    Rkl,   // token-level reverse KL on the dataset answers
    SeqKd, // cross-entropy on the teacher's generated answers
};

// "paper", "align", "kd", "sft", "rkl", "seqkd": the names run.json and the command line use.
const char *methodName(DistillMethod method);
std::optional<DistillMethod> parseDistillMethod(const std::string &name);

// Weights of the loss terms; a term with weight 0 is not computed. Which token sequences the
// terms see depends on the method: the student's own samples for policy and single in "paper",
// the dataset's answers for kd, rkl, sft and align, the teacher's answers for seqkd.
struct LossTerms {
    double align = 1.0;  // MSE between teacher and student projector outputs (via a learned map)
    double policy = 1.0; // MiniLLM's long-term policy-gradient term
    double single = 1.0; // exact per-token reverse KL(q||p) over the vocabulary
    double pt = 1.0;     // L_PT on the corpus
    double kd = 0.0;     // Hinton KD, the whole (1-kd_lambda)*CE + kd_lambda*T^2*KL(p_T||q_T)
    double ce = 0.0;     // cross-entropy on the answers, prompt tokens masked
    double kdTemperature = 2.0;
    double kdLambda = 0.5;
    // "mean": the alignment is the MSE over every element; "half_sum": the paper's
    // 1/2 ||z_T - z_S||^2 summed over an image's tokens and features (about 6.6 million elements at
    // 504 px for a 5120-wide teacher, so its weight wants to be that much smaller).
    std::string alignReduction = "mean";
};

// MiniLLM's rollout and policy-optimisation settings, with the reference code's values.
struct MiniLlmSettings {
    double alpha = 0.2;        // teacher share of the sampling mixture
    double gamma = 0.95;       // discount of the long-term reward
    double clipRatio = 0.2;    // PPO clip: ratio kept within [1 - c, 1 + c]
    double rewardScale = 0.5;  // rewards are divided by this ...
    double rewardClamp = 100.0; // ... then clamped to +- this
    int ppoEpochs = 4;         // optimisation passes over each batch of rollouts
    int rolloutBatchSize = 8;  // prompts per batch of rollouts
    double kdRatio = 0.5;      // L_PT = (1 - r) * CE + r * teacher-distribution CE
    double temperature = 1.0;  // sampling temperature of the rollouts
    int topK = 0;              // 0: off
    double topP = 1.0;         // 1: off
    int maxNewTokens = 256;    // rollout length: GeoChat's evaluation answers up to 256 tokens
    bool lengthNormalise = true;
    bool whitenAdvantages = true;
    // Which rewards the long-term term's return sums: "future", the paper's R_{t+1} (the rewards
    // after t, which the single-step term does not already cover), or "from_current", MiniLLM's
    // return that includes r_t and so counts the single-step gradient a second time.
    std::string returnRange = "future";
};

struct LoraSettings {
    bool enabled = true;
    int rank = 64;
    double alpha = 16.0;
    // 0 for the paper's method: dropout would make the PPO ratio between two forward passes of
    // the same weights differ from 1 by noise alone (the reference turns dropout off). The other
    // presets use GeoChat's 0.05.
    double dropout = 0.0;
    std::vector<std::string> targets{"q", "k", "v", "o", "gate", "up", "down"};

    // The projections an adapter can wrap: the attention q, k, v, o and the MLP gate, up, down.
    static const std::vector<std::string> &knownTargets();
};

struct OptimiserSettings {
    // MiniLLM uses 5e-6 to fine-tune all of a 7B model; a LoRA update is scaled by alpha/rank
    // (0.25 here) and GeoChat trained its adapters at 2e-4 with plain SFT. 2e-5 sits between:
    // large enough to move adapters, small enough for the noisier policy gradient. Use about 5e-6
    // when LoRA is off.
    double lr = 2e-5;
    std::array<double, 2> betas{0.9, 0.95};
    double eps = 1e-8;
    double weightDecay = 1e-6;
    int warmupSteps = 100;
    std::string schedule = "cosine"; // "cosine", "linear" or "constant"
    double minLrRatio = 0.0;         // the schedule's final lr as a share of lr
    double gradClip = 1.0;           // global gradient norm; 0: no clipping
    int gradAccumulation = 1;
    int batchSize = 1;
};

struct RunSettings {
    int steps = 1000;           // optimiser steps; used when epochs is 0
    int epochs = 0;             // passes over the training data; 0: use steps
    // Supervised steps on the answers before the paper's objective starts; the checkpoint with the
    // lowest validation loss among them is where distillation continues. 0: the student is
    // already fine-tuned.
    int sftWarmupSteps = 500;
    int evalInterval = 100;      // steps between validation passes; 0: only at the end
    int checkpointInterval = 500; // steps between checkpoints; 0: only at the end
    std::uint64_t seed = 1;
    std::string teacherDevice = "auto"; // "auto", "cpu", "cuda" or "cuda:N"
    std::string studentDevice = "auto";
    std::string dtype = "auto";         // "auto", "f32", "bf16" or "f16"
    int imageSize = 0;                  // 0: the model's own input resolution
    // Positions of the language model per sample: the prompt with the image features (1296 for
    // GeoChat at 504 px) plus the answer. GeoChat was trained with 2048.
    int maxLength = 2048;
    // Decodes and resizes each image once per run into RUN_DIR/image-cache (the model's input
    // square: 762 KB at 504 px), so later epochs do not decode and resample again.
    bool cacheImages = false;
    // The paper's warm start: "kd", the answers and the teacher's outputs together (Hinton's KD with
    // terms.kd_temperature and terms.kd_lambda), as the paper's first stage fine-tunes "using the
    // teacher's outputs and the ground truth"; or "ce", the answers alone, with the teacher idle
    // except at validations.
    std::string warmupLoss = "kd";
    // On several processes (torchrun): how long a rank waits for the others at a collective before
    // the run stops with an error. A rank that dies is seen at once; this bounds the wait on one
    // that hangs, and must cover the longest work one rank does alone (rank 0 writing a checkpoint).
    int rankTimeoutSeconds = 1800;
};

// The configuration of one distillation run, kept as RUN_DIR/run.json.
//
// JSON layout: the paths, "method" and "validation_fraction" at the top level, the rest in the
// sections "terms", "minillm", "lora", "optimiser" and "run", every name in snake_case
// (minillm.clip_ratio, optimiser.weight_decay, run.sft_warmup_steps). Unset optional paths are
// written as null. Keys missing from a file take the defaults of the preset its "method" names,
// so a hand-written file can hold only what differs; unknown keys and wrong types are errors.
//
// Enumerated settings (method, schedule, devices, dtype) are kept as the text the user wrote so
// that validate() can report every problem at once; methodKind() gives the method as an enum.
struct DistillConfig {
    std::string teacher;
    std::string student;
    std::string data;           // instruction JSON
    std::string images;         // the folder the instruction data's image paths are relative to
    std::string corpus;         // optional: plain text or .jsonl for L_PT
    std::string tokenizer;      // optional: the SentencePiece model of random:PRESET teachers and students
    std::string validationData; // optional: takes the place of validation_fraction
    double validationFraction = 0.05;
    std::string out;            // the run folder
    std::string method = "paper";

    LossTerms terms;
    MiniLlmSettings minillm;
    LoraSettings lora;
    OptimiserSettings optimiser;
    RunSettings run;

    // The defaults of a method. DistillConfig{} is preset(DistillMethod::Paper).
    //   paper: align, policy, single and pt at 1, sft_warmup_steps 500, LoRA dropout 0.
    //   align: align and ce at 1 (alignment alone only moves the projector, never the language
    //          model, so it is paired with SFT; compare it with sft to see what alignment adds).
    //   kd:    kd at 1 (temperature 2, lambda 0.5).   sft: ce at 1.
    //   rkl:   single at 1, on the dataset answers.   seqkd: ce at 1, on the teacher's answers.
    // Every preset but paper has no SFT warm start and LoRA dropout 0.05.
    static DistillConfig preset(DistillMethod method);
    // Throws InvalidArgument naming the known methods when name is not one.
    static DistillConfig preset(const std::string &methodName);

    // The method as an enum; throws InvalidArgument naming the known methods for any other text.
    DistillMethod methodKind() const;

    Json toJson() const;
    // Throws InvalidArgument whose message starts with source (a file name, "the command line")
    // and names the key: unknown keys, wrong types, integers out of range.
    static DistillConfig fromJson(const Json &json, const std::string &source);
    // Throws FileError naming the file for I/O errors, invalid JSON and the errors of fromJson.
    static DistillConfig load(const std::string &path);
    // Writes atomically, so a crash never leaves a half-written run.json.
    void save(const std::string &path) const;
    // RUN_DIR/run.json.
    static std::string runFilePath(const std::string &runDir);

    // Every problem that stops a run, one sentence each, empty when the configuration is usable.
    std::vector<std::string> validate() const;

    // Sets one setting from text, as a command line gives it: key is the JSON name, with its
    // section ("lora.rank") or without it when no other section has that name ("rank" is
    // lora.rank, "alpha" is ambiguous); '-' may stand for '_'. Numbers, true/false (also
    // yes/no, on/off, 1/0), lists as comma-separated items; an empty value clears an optional
    // path. Setting "method" changes only the method, not the other settings: start from
    // preset(method) to get its defaults. Throws InvalidArgument naming the key.
    void applyOverride(const std::string &key, const std::string &value);
    // The full JSON names of every setting ("teacher", ..., "lora.rank", ...), in file order.
    static std::vector<std::string> keys();

    // Same settings; compares what toJson() writes.
    friend bool operator==(const DistillConfig &a, const DistillConfig &b);
    friend bool operator!=(const DistillConfig &a, const DistillConfig &b) { return !(a == b); }
};

} // namespace geolens
