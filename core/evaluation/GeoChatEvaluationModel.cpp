#include "evaluation/GeoChatEvaluationModel.h"

#include "common/Error.h"
#include "model/FlopCount.h"
#include "model/GeoChatModel.h"

namespace geolens {

GeoChatEvaluationModel::GeoChatEvaluationModel(GeoChatModel &model, int maxNewTokens)
    : model_(model), maxNewTokens_(maxNewTokens)
{
}

std::vector<ModelAnswer> GeoChatEvaluationModel::answer(const std::vector<RgbImage> &images,
                                                        const std::vector<std::string> &questions,
                                                        const std::atomic<bool> *cancel)
{
    std::vector<GenerationRequest> requests(questions.size());
    for (std::size_t i = 0; i < questions.size(); ++i) {
        requests[i].question = questions[i];
        requests[i].maxNewTokens = maxNewTokens_;
        requests[i].cancel = cancel;
    }
    const std::vector<GenerationResult> results = model_.generateBatch(images, requests);
    std::vector<ModelAnswer> answers;
    for (const GenerationResult &r : results) {
        if (r.cancelled)
            throw Canceled();
        ModelAnswer a;
        a.text = r.text;
        long long imageSlots = 0;
        for (int t : r.promptTokens)
            imageSlots += t < 0 ? 1 : 0;
        a.promptTokens = static_cast<long long>(r.promptTokens.size()) - imageSlots + imageSlots * r.numImageTokens;
        a.generatedTokens = static_cast<long long>(r.tokens.size());
        a.flops = flopsPerAnswer(model_.config(), a.promptTokens, a.generatedTokens);
        answers.push_back(std::move(a));
    }
    return answers;
}

std::uint64_t GeoChatEvaluationModel::parameterCount() const
{
    return model_.parameterCount();
}

std::string GeoChatEvaluationModel::device() const
{
    return model_.deviceName();
}

std::string GeoChatEvaluationModel::dtype() const
{
    return model_.dtypeName();
}

} // namespace geolens
