#pragma once

// One line of a distillation run's metrics.jsonl: the run writes it, the command line prints it,
// and the run monitor, the loss plot and the trial measurement read it. The keys are named here
// once. Plain C++, without LibTorch or Qt.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace geolens {

// The keys of metrics.jsonl (docs/distillation.md says what each holds).
struct MetricsKey {
    static constexpr const char *Step = "step";         // optimiser steps done; 0 before the first
    static constexpr const char *Seconds = "seconds";   // since the run started, resumes included
    static constexpr const char *Lr = "lr";
    static constexpr const char *Loss = "loss";         // only step records have it
    static constexpr const char *Align = "align";
    static constexpr const char *Policy = "policy";
    static constexpr const char *Single = "single";
    static constexpr const char *Pt = "pt";
    static constexpr const char *Kd = "kd";
    static constexpr const char *Ce = "ce";
    static constexpr const char *ReverseKl = "rev_kl";
    static constexpr const char *StudentLength = "student_len";
    // Distillation steps: the largest |q_new / q_old - 1| of a rollout's tokens (mean over the
    // batch) and the share of tokens whose weighted ratio the PPO clip holds.
    static constexpr const char *RatioDeviation = "ratio_dev";
    static constexpr const char *ClipFraction = "clip_frac";
    // Distillation steps with the alignment term: |its gradient| / |the step's whole gradient|,
    // before clipping; how much the term pulls, whatever its reduction and weight.
    static constexpr const char *AlignGradientShare = "align_grad_share";
    static constexpr const char *TokensPerSecond = "tokens_per_s";
    static constexpr const char *GpuMemoryGb = "gpu_mem_gb";
    static constexpr const char *ResidentGb = "rss_gb";
    static constexpr const char *GradNorm = "grad_norm";
    static constexpr const char *Phase = "phase";       // text: "sft", "distill" or the method's name
    static constexpr const char *Skipped = "skipped";   // text: why the step was skipped
    static constexpr const char *ValidationLoss = "val_loss";
    static constexpr const char *ValidationReverseKl = "val_rev_kl";
    // A multi-aspect classifier's run (distill/ClassifierTraining): the aspects' binary
    // cross-entropy beside ce, the epoch, and each epoch's validation figures.
    static constexpr const char *AspectBce = "bce";
    static constexpr const char *Epoch = "epoch";
    static constexpr const char *ValidationAccuracy = "val_accuracy";
    static constexpr const char *ValidationTeacherAgreement = "val_teacher_agreement";
    static constexpr const char *ValidationAspectError = "val_aspect_error";

    // The loss terms a step may report, in the order the run writes them.
    static constexpr const char *Terms[] = {Align, Policy, Single, Pt, Kd, Ce};
};

class MetricsRecord {
public:
    // A record with a loss is an optimiser step; one without is an evaluation.
    enum class Kind { Step, Evaluation };

    // A value: a number (NaN stands for null, which is how a value that was not finite is
    // written) or a text.
    using Value = std::variant<double, std::string>;
    struct Field {
        std::string key;
        Value value;
    };

    explicit MetricsRecord(int step = 0) : step_(step) {}

    int step() const { return step_; }
    Kind kind() const { return has(MetricsKey::Loss) ? Kind::Step : Kind::Evaluation; }

    // Sets a value: appended after the others, or replaced where it is. A number that is not
    // finite is kept as null.
    MetricsRecord &set(std::string_view key, double value);
    MetricsRecord &setText(std::string_view key, std::string value);

    // Whether the record holds key (even as null). Every record holds its step.
    bool has(std::string_view key) const { return key == MetricsKey::Step || find(key) != nullptr; }
    // The number under key; nothing when it is absent, null or a text.
    std::optional<double> number(std::string_view key) const;
    // The text under key; empty when it is absent or a number.
    std::string text(std::string_view key) const;

    // Every value but the step, in the record's order.
    const std::vector<Field> &fields() const { return fields_; }
    // Every number but the step that is not null, in the record's order: the series a plot draws,
    // the keys known above and any a newer writer adds alike.
    std::vector<std::pair<std::string, double>> numbers() const;

    // One line of JSON, without its newline: the step first, then the fields in order, nulls
    // where a number was not finite.
    std::string toJsonLine() const;
    // Reads a line back. Nothing for a line that is not a JSON object with a numeric step (a line
    // cut short by an interruption, or no record at all). Numbers, nulls and texts are kept;
    // other values (booleans, arrays, objects) are left out.
    static std::optional<MetricsRecord> parse(std::string_view line);

private:
    const Field *find(std::string_view key) const;
    Field &slot(std::string_view key);

    int step_;
    std::vector<Field> fields_;
};

} // namespace geolens
