#include "common/JobProgress.h"

#include "common/Error.h"

namespace geolens {

void JobProgress::throwIfCanceled() const
{
    if (isCanceled())
        throw Canceled();
}

} // namespace geolens
