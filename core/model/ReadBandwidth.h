#pragma once

// The memory read rate that bounds a decoding step, measured the one way that `bench` and the
// kernel benchmark both report against. Internal to the model engine (includes LibTorch's device).

#include <c10/core/Device.h>

namespace geolens::detail {

// GB/s read on device: a float32 buffer far larger than any cache (256 MiB; 2 GiB on a GPU, where a
// smaller one is read in about the time a kernel takes to start) summed, the best of three runs
// after a warm-up. Each run ends by copying its sum to the host, which waits for a GPU to finish.
double measureReadBandwidthGBps(const c10::Device &device);

} // namespace geolens::detail
