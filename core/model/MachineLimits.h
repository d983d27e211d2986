#pragma once

// The machine's limits that `bench` and the kernel benchmark report their figures against: the
// memory read rate that bounds a decoding step and the arithmetic rate that bounds the products.
// Internal to the model engine (includes LibTorch's device).

#include <c10/core/Device.h>

#include <cstdint>

namespace geolens::detail {

// GB/s read on device: a float32 buffer far larger than any cache (256 MiB; 2 GiB on a GPU, where a
// smaller one is read in about the time a kernel takes to start) summed, the best of three runs
// after a warm-up. Each run ends by copying its sum to the host, which waits for a GPU to finish.
// On a CPU with the engine's vector kernels the buffer is also summed as they read (four streams
// a thread, fetched ahead), which one core reads faster than LibTorch's sum, and the faster of the
// two counts: the limit is the most the machine was seen to read, not what one library reaches.
// The CPU's buffer is mapped for the call alone, so it leaves the resident peak as it was.
double measureReadBandwidthGBps(const c10::Device &device);

// GFLOP/s of float32 multiply-adds on every thread of LibTorch's pool: twelve independent chains
// in the widest vectors the CPU has, held in registers, the best of three runs after a warm-up.
// No product can go faster, whoever wrote it; a large matrix product measures only how close one
// library comes. 0 where the build has no vector kernels.
double measureArithmeticPeakGflops();

// data[0, count) read in pieces of 4 MiB that LibTorch's threads take as they come, each piece in
// four streams of whole lines fetched ahead, as the engine's one-row kernels read their weights
// (wide: AVX-512, else AVX2); a piece's rest of fewer than 64 floats is left unread. Returns one
// piece's sum, so that the reads cannot be left out. Where the build has no vector kernels it
// reads nothing and returns 0.
float streamRead(const float *data, std::int64_t count, bool wide);

} // namespace geolens::detail
