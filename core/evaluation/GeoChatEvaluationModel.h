#pragma once

#include "evaluation/EvaluationModel.h"

namespace geolens {

class GeoChatModel;

// The engine as an evaluation model: the questions of a batch go through one batched generation
// (left-padded prompts, as analysis and GeoChat's scripts batch them), greedy, at most
// maxNewTokens each.
class GeoChatEvaluationModel : public EvaluationModel {
public:
    GeoChatEvaluationModel(GeoChatModel &model, int maxNewTokens = 256);

    std::vector<ModelAnswer> answer(const std::vector<RgbImage> &images, const std::vector<std::string> &questions,
                                    const std::atomic<bool> *cancel) override;
    std::uint64_t parameterCount() const override;
    std::string device() const override;
    std::string dtype() const override;

private:
    GeoChatModel &model_;
    int maxNewTokens_;
};

} // namespace geolens
