#include "distill/RunReview.h"

#include "common/JsonIo.h"
#include "distill/DistillConfig.h"

namespace geolens {

RunReview RunReview::of(const DistillConfig &config)
{
    RunReview review;
    // Not dumpJson: a setting the user typed as NaN is shown (as null) with its problem, not thrown.
    review.json = config.toJson().dump(2, ' ', false, Json::error_handler_t::replace);
    review.problems = config.validate();
    return review;
}

} // namespace geolens
