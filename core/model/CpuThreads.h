#pragma once

namespace geolens {

// Sets how many threads LibTorch's CPU kernels use, and OpenBLAS's own pool with them: its
// pthread build keeps a pool that LibTorch's setting does not reach, and would otherwise still
// use every core. Process-wide, as both pools are. threads < 1 leaves both as they are.
void setCpuThreads(int threads);

} // namespace geolens
