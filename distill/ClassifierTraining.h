#pragma once

#include "common/JobProgress.h"
#include "distill/MetricsRecord.h"

#include <cstdint>
#include <functional>
#include <string>

namespace geolens {

// What the student's class outputs learn: the class each image's folder names (hard labels), or
// the teacher's class probabilities (soft labels). Auto: the folder's class when every target has
// one, else the teacher's.
enum class ClassTarget { Auto, Truth, Teacher };

// A training run of the multi-aspect student. The defaults are GeoLens's, documented in
// docs/classifier.md.
struct ClassifierTrainingOptions {
    std::string targets;                  // a targets folder (AspectTargetTable)
    std::string out;                      // the run folder
    std::string architecture = "resnet18"; // resnet18, resnet10, or clip: the tower of clipModel frozen, a head
    // clip: a GeoChat or LLaVA model folder (the teacher's) whose CLIP tower the student runs.
    // Its features are computed once per image, so the images are not augmented.
    std::string clipModel;
    int width = 64;
    int epochs = 30;
    int batch = 64;
    double learningRate = 1e-3;           // AdamW, cosine decay to 0 over the epochs
    double weightDecay = 1e-4;
    double classWeight = 1.0;             // weight of the cross-entropy on the classes
    double aspectWeight = 1.0;            // weight of the binary cross-entropy on the aspects; 0: CE only
    ClassTarget classTarget = ClassTarget::Auto;
    double validationFraction = 0.1;      // held out, chosen by seed
    int patience = 5;                     // epochs without a better validation accuracy before stopping
    bool augment = true;                  // flips, 90-degree turns, crops of 80-100 % of the side
    std::uint64_t seed = 1;
    std::string device = "auto";          // auto (CUDA when there is one), cpu, cuda
};

struct ClassifierEpoch {
    int epoch = 0;                    // 1-based
    double trainLoss = 0.0;
    double validationLoss = 0.0;
    double validationAccuracy = 0.0;  // against the truth, or the teacher's class
    double teacherAgreement = 0.0;    // validation images whose class agrees with the teacher's
    double aspectError = 0.0;         // mean |P - teacher's P| over validation images and aspects
    double seconds = 0.0;
    bool best = false;
};

struct ClassifierTrainingResult {
    int epochs = 0;             // epochs done, resumed ones included
    int bestEpoch = 0;
    double bestAccuracy = 0.0;
    std::string accuracyAgainst; // "truth" or "teacher"
    bool stoppedEarly = false;
    int resumedFromEpoch = 0;   // 0 for a fresh run
    std::string classifier;     // the folder of the best classifier (out/classifier)
    int trainImages = 0;
    int validationImages = 0;
};

// Trains a TileClassifier on a targets folder: cross-entropy on the classes plus, weighted,
// binary cross-entropy on the aspects against the teacher's P(yes). The run folder holds
// train.json (the options, which a resumed run must repeat), metrics.jsonl (a step record a batch,
// an evaluation record an epoch, the distillation's format, so the same plots follow it),
// checkpoint/ (the last finished epoch) and classifier/ (the best so far). A run that stops,
// canceled or killed, resumes from its last finished epoch with the same results it would have
// had. Shared by `geolens-cli train-classifier` and the GUI's wizard.
class ClassifierTraining {
public:
    static constexpr const char *OptionsFile = "train.json";
    static constexpr const char *ClassifierFolder = "classifier";

    explicit ClassifierTraining(ClassifierTrainingOptions options);

    void setOnRecord(std::function<void(const MetricsRecord &)> onRecord) { onRecord_ = std::move(onRecord); }
    void setOnEpoch(std::function<void(const ClassifierEpoch &)> onEpoch) { onEpoch_ = std::move(onEpoch); }

    // Throws InvalidArgument for bad options, for targets too few to split or without the truth
    // that ClassTarget::Truth needs; FileError for the targets or the run folder (one holding a
    // run of other options); Canceled when canceled (the last finished epoch stays saved).
    ClassifierTrainingResult run(const JobProgress &progress);

private:
    ClassifierTrainingOptions options_;
    std::function<void(const MetricsRecord &)> onRecord_;
    std::function<void(const ClassifierEpoch &)> onEpoch_;
};

} // namespace geolens
