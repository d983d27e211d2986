#pragma once

#include "distill/AspectTargetJob.h"

namespace geolens {

class GeoChatModel;

// GeoChat as the teacher of a multi-aspect classifier: the class probabilities are its scene
// prompt's answers scored as whole answers (as analyze --mode score), and each aspect's
// probability is P(yes) of its answer's first token. GeoChatModel::judgeScene asks them all after
// one vision pass and one prefill of the image.
class GeoChatAspectTeacher : public AspectTeacher {
public:
    explicit GeoChatAspectTeacher(GeoChatModel &model, const std::atomic<bool> *cancel = nullptr);
    TeacherJudgement judge(const RgbImage &image, const std::vector<std::string> &classes,
                           const std::vector<AspectQuestion> &aspects) override;

private:
    GeoChatModel &model_;
    const std::atomic<bool> *cancel_;
};

} // namespace geolens
