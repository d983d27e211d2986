#pragma once

namespace geolens {

// Sets how many threads LibTorch's CPU kernels use, and OpenBLAS's own pool with them: its
// pthread build keeps a pool that LibTorch's setting does not reach, and would otherwise still
// use every core. Process-wide, as both pools are. threads < 1 leaves both as they are.
void setCpuThreads(int threads);

// Which threads LibTorch's matrix products run on, as OpenBLAS reports it: "openmp" (LibTorch's own
// pool), "pthreads" (a pool of OpenBLAS's own beside it), "serial", or "other" where the BLAS is not
// OpenBLAS (PyTorch's LibTorch multiplies through MKL).
const char *blasThreading();

} // namespace geolens
