#include "model/ReadBandwidth.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <limits>

namespace geolens::detail {

double measureReadBandwidthGBps(const c10::Device &device)
{
    const std::int64_t floats = std::int64_t(device.is_cuda() ? 512 : 64) << 20;
    const auto buffer = torch::ones({floats}, torch::dtype(torch::kFloat32).device(device));
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < 4; ++i) {
        const auto start = std::chrono::steady_clock::now();
        (void)buffer.sum().item<float>();
        if (i > 0)
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return static_cast<double>(floats) * 4.0 / best / 1e9;
}

} // namespace geolens::detail
