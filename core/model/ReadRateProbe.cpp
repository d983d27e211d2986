#include "model/ReadRateProbe.h"

#include "model/MachineLimits.h"
#include "model/SmallBatchLinear.h"

#include <ATen/Parallel.h>

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace geolens::detail {

ReadRateProbe::ReadRateProbe()
{
    kernels_ = smallBatchKernelsAvailable();
    wide_ = smallBatchKernelsWide();
    if (!kernels_)
        return;
    const std::size_t bytes = (std::size_t(64) << 20) * static_cast<std::size_t>(std::max(1, at::get_num_threads()));
    void *pages = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED)
        return;
    data_ = static_cast<float *>(pages);
    bytes_ = bytes;
    // Ones, written once: a page never written would read as the kernel's shared zero page, from
    // the caches.
    std::fill(data_, data_ + bytes_ / sizeof(float), 1.0f);
}

ReadRateProbe::~ReadRateProbe()
{
    if (data_)
        munmap(data_, bytes_);
}

bool ReadRateProbe::available() const
{
    return kernels_ && data_;
}

double ReadRateProbe::sampleGBps() const
{
    if (!available())
        return 0.0;
    const auto start = std::chrono::steady_clock::now();
    (void)streamRead(data_, static_cast<std::int64_t>(bytes_ / sizeof(float)), wide_);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return static_cast<double>(bytes_) / seconds / 1e9;
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
