#include "distill/GeoChatAspectTeacher.h"

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
    j.classProbabilities = sceneClassProbabilities(model_.scoreAnswers(image, request, classes));
    std::vector<std::string> questions;
    for (const AspectQuestion &a : aspects)
        questions.push_back(aspectPrompt(a));
    j.aspectProbabilities = model_.yesProbabilities(image, questions);
    return j;
}

} // namespace geolens
