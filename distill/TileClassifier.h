#pragma once

#include "distill/AspectQuestions.h"
#include "model/ImagePreprocessor.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace geolens {

// What a trained classifier folder says of itself (classifier.json).
struct TileClassifierInfo {
    std::string architecture; // resnet18, resnet10, clip (the teacher's CLIP tower frozen, a head)
    int width = 0;
    int inputSize = 0;
    std::vector<std::string> classes;
    std::vector<AspectQuestion> aspects;
    std::string teacher;      // the model whose targets it learnt
    std::string targets;      // the targets folder
    int epochs = 0;           // epochs trained when this was the best
    double validationAccuracy = 0.0;
    std::string accuracyAgainst; // "truth" or "teacher"
    double aspectWeight = 0.0;
    // clip: the model folder whose CLIP tower the student runs, frozen. The folder holds the
    // head alone, so the tower must stay where it was when the classifier was trained.
    std::string tower;
};

struct TilePrediction {
    int classIndex = 0;
    double probability = 0.0;                // of classIndex
    std::vector<double> classProbabilities;  // softmax over the classes
    std::vector<double> aspectProbabilities; // sigmoid of each aspect's output
};

// A trained multi-aspect tile classifier (ClassifierTraining writes it): loads a folder and
// labels images in batches on the CPU. LibTorch stays behind this interface.
class TileClassifier {
public:
    static constexpr const char *InfoFile = "classifier.json";
    static constexpr const char *WeightsFile = "weights.pt";

    // Throws FileError naming the folder or file and the problem (not a classifier, unreadable
    // weights, weights of another shape).
    static std::unique_ptr<TileClassifier> load(const std::string &folder);
    ~TileClassifier();

    const TileClassifierInfo &info() const;
    std::uint64_t parameterCount() const;
    // Each image made square with the model's pad colour and scaled to the input size, as the
    // targets' images were. Throws InvalidArgument for an empty image.
    std::vector<TilePrediction> predict(const std::vector<RgbImage> &images) const;

    struct Impl;

private:
    explicit TileClassifier(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The image as the classifier sees it: square with the pad colour, size x size.
RgbImage classifierInputImage(const RgbImage &image, int size);

} // namespace geolens
