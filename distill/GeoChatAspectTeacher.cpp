#include "distill/GeoChatAspectTeacher.h"

#include "common/Error.h"

#include "evaluation/ScenePresets.h"
#include "model/GeoChatModel.h"

namespace geolens {

GeoChatAspectTeacher::GeoChatAspectTeacher(GeoChatModel &model, const std::atomic<bool> *cancel)
    : model_(model), cancel_(cancel)
{
}

TeacherJudgement GeoChatAspectTeacher::judge(const RgbImage &image, const std::vector<std::string> &classes,
                                             const std::vector<AspectQuestion> &aspects)
{
    TeacherJudgement j;
    GenerationRequest request;
    request.question = sceneClassificationPrompt(classes);
    request.cancel = cancel_;
    std::vector<std::string> questions;
    for (const AspectQuestion &a : aspects)
        questions.push_back(aspectPrompt(a));
    if (cancel_ && cancel_->load())
        throw Canceled();
    const SceneJudgement judged = model_.judgeScene(image, request, classes, questions);
    j.classProbabilities = sceneClassProbabilities(judged.classLogLikelihoods);
    j.aspectProbabilities = judged.yesProbabilities;
    return j;
}

} // namespace geolens
