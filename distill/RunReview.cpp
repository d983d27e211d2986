#include "distill/RunReview.h"

#include "common/Json.h"
#include "distill/DistillConfig.h"

namespace geolens {

RunReview RunReview::of(const DistillConfig &config)
{
    RunReview review;
    review.json = config.toJson().dump(2);
    review.problems = config.validate();
    return review;
}

} // namespace geolens
