#include "model/ReadRateProbe.h"

#include "model/MachineLimits.h"
#include "model/OnesPages.h"
#include "model/SmallBatchLinear.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace geolens::detail {

ReadRateProbe::ReadRateProbe()
{
    wide_ = smallBatchKernelsWide();
    if (smallBatchKernelsAvailable())
        pages_ = std::make_unique<OnesPages>((std::size_t(64) << 20) / sizeof(float) *
                                             static_cast<std::size_t>(std::max(1, at::get_num_threads())));
}

ReadRateProbe::~ReadRateProbe() = default;

bool ReadRateProbe::available() const
{
    return pages_ && pages_->data();
}

double ReadRateProbe::mebibytes() const
{
    return available() ? static_cast<double>(pages_->bytes()) / (1 << 20) : 0.0;
}

double ReadRateProbe::sampleGBps() const
{
    if (!available())
        return 0.0;
    const auto start = std::chrono::steady_clock::now();
    (void)streamRead(pages_->data(), static_cast<std::int64_t>(pages_->bytes() / sizeof(float)), wide_);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return static_cast<double>(pages_->bytes()) / seconds / 1e9;
}

double ReadRateProbe::timeBetweenSamples(const std::function<void()> &step)
{
    if (last_ <= 0.0)
        last_ = sampleGBps();
    const auto start = std::chrono::steady_clock::now();
    step();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double next = sampleGBps();
    inverseRates_ += 2.0 / (last_ + next);
    last_ = next;
    ++steps_;
    return seconds;
}

} // namespace geolens::detail
