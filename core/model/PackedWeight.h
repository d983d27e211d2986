#pragma once

// A float32 projection weight rearranged for the CPU's products. Internal to the model engine.

#include <torch/torch.h>

#include <cstdint>

namespace geolens::detail {

// W [out, in] stored as blocks of 16 output rows, each block input-major: blocks[b][k][r] is
// W[16 b + r][k], and the last block is padded with zero rows.
//
// Row-major weights make a product with a few rows read 4 KB row after row, each row a stream of
// its own that the prefetchers restart at every page, and end every row with a horizontal sum.
// In this layout a block is one contiguous stream, a register holds 16 outputs at once, and one
// multiply-add per 64 bytes of weights does all the work: one row reads the weights at about the
// rate of a plain sum, and eight rows overlap their arithmetic with the reads (1.5 times as fast as
// the row-major kernels over the small preset's matrices at eight rows, on one core).
struct PackedWeight {
    static constexpr std::int64_t BlockRows = 16;

    torch::Tensor blocks; // float32 [ceil(out / 16), in, 16], CPU
    std::int64_t out = 0;

    bool defined() const { return blocks.defined(); }
    std::int64_t in() const { return blocks.size(1); }
    // What one product reads, padding included.
    std::int64_t bytes() const { return blocks.numel() * 4; }

    // Whether this CPU has the kernels that multiply packed weights (AVX2 with FMA, or AVX-512).
    static bool available();
    // weight: float32 [out, in] on the CPU.
    static PackedWeight from(const torch::Tensor &weight);
    // The weight as [out, in] again (a copy).
    torch::Tensor unpacked() const;

    // x W^T for x [..., in], any number of rows, no gradient. Rows are multiplied in groups of
    // eight (four with AVX2) while a span of blocks stays in the cache, so that memory sees each
    // weight once per call.
    torch::Tensor multiply(const torch::Tensor &x) const;
};

} // namespace geolens::detail
