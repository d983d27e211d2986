#pragma once

#include "evaluation/EvaluationModel.h"

#include <string>

namespace geolens {

class TileClassifier;

// A trained tile classifier as an evaluation model, for scene benchmarks only: its answer to a
// question is the class it gives the image (the question is not read), so `geolens-cli evaluate`
// scores it against the ground truth exactly as it scores GeoChat.
class TileClassifierEvaluationModel : public EvaluationModel {
public:
    explicit TileClassifierEvaluationModel(const TileClassifier &classifier);

    std::vector<ModelAnswer> answer(const std::vector<RgbImage> &images, const std::vector<std::string> &questions,
                                    const std::atomic<bool> *cancel) override;
    std::uint64_t parameterCount() const override;
    std::string device() const override { return "cpu"; }
    std::string dtype() const override { return "f32"; }

private:
    const TileClassifier &classifier_;
};

// Whether folder holds a tile classifier (classifier.json), as ClassifierTraining writes it.
bool isTileClassifierFolder(const std::string &folder);

} // namespace geolens
