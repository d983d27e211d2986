#include "model/PackedWeight.h"

#include "model/SmallBatchLinear.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GEOLENS_PACKED_KERNELS 1
#define GEOLENS_PACKED_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define GEOLENS_PACKED_AVX2 __attribute__((target("avx2,fma")))
#endif

namespace geolens::detail {

namespace {

constexpr std::int64_t BlockRows = PackedWeight::BlockRows;

// How far ahead of the product each block is fetched into the cache. Each step of k reads one
// 64-byte line of every block it streams. Three streams (seven or eight rows) read each line
// slowly, between 24 multiply-adds, and 1024 bytes ahead left too few lines in flight: 2048 read
// the matrices 8-10 % faster, where it made four or more streams slower. Measured with AVX-512;
// the AVX2 kernels keep 1024.
constexpr std::int64_t prefetchBytes(int streams)
{
    return streams <= 3 ? 2048 : 1024;
}
// AVX2: one row reads four blocks at once and fetches 1024 bytes ahead; two to four rows read one
// or two, which need 8192 bytes ahead to keep enough lines in flight (16-30 % faster).
constexpr std::int64_t prefetchBytes256(int streams)
{
    return streams >= 4 ? 1024 : 8192;
}

struct Operands {
    const float *x = nullptr; // rows [rows, in], rowStride apart
    std::int64_t rows = 0;
    std::int64_t rowStride = 0;
    const float *w = nullptr; // blocks [blocks, in, 16]
    std::int64_t in = 0;
    std::int64_t blocks = 0;
    float *y = nullptr; // [rows, out]
    std::int64_t out = 0;
};

// Blocks streamed at once for a group of M rows: as many accumulators (M x S) as the 32 vector
// registers hold beside the S blocks' weights and the broadcast row value. One row reads four
// blocks, the number of streams at which one core's reads stop gaining.
constexpr int streams512(int rows)
{
    return rows <= 1 ? 4 : rows <= 3 ? 6 : rows <= 6 ? 4 : 3;
}

// AVX2 has 16 registers of 8 floats: a block's 16 outputs take two, and the M row values stay in
// registers across the blocks. Five to eight rows go through pairedBlock256 instead.
constexpr int streams256(int rows)
{
    return rows <= 1 ? 4 : rows <= 2 ? 2 : 1;
}

#ifdef GEOLENS_PACKED_KERNELS

// Blocks b, b + stride, ..., b + (S - 1) stride against rows [rowBegin, rowBegin + M) of x,
// fetching ahead of each stream. A block is one stream of in * 64 bytes (64 KB for 1024 inputs), so
// a group of streams ends every few hundred KB; the last lines of each block fetch the first lines
// of the stream that takes its place, `next` (the group after, its streams stride blocks apart),
// where the prefetchers would otherwise start cold. That read the eight-row products 3-5 % faster.
template <int M, int S>
GEOLENS_PACKED_AVX512 void blocks512(const Operands &op, std::int64_t rowBegin, std::int64_t b, std::int64_t stride,
                                     const float *next)
{
    const std::int64_t blockFloats = op.in * BlockRows;
    const std::int64_t streamFloats = stride * blockFloats;
    const float *w = op.w + b * blockFloats;
    const float *x = op.x + rowBegin * op.rowStride;
    constexpr std::int64_t aheadFloats = prefetchBytes(S) / sizeof(float);
    const std::int64_t split = std::max<std::int64_t>(0, op.in - aheadFloats / BlockRows);
    __m512 acc[M][S];
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m)
#pragma GCC unroll 8
        for (int j = 0; j < S; ++j)
            acc[m][j] = _mm512_setzero_ps();
    // k advances one line of each stream; `ahead` is where the line aheadFloats on is fetched from.
    const auto step = [&](std::int64_t k, const float *ahead) __attribute__((always_inline, target("avx512f,fma"))) {
        __m512 wv[S];
#pragma GCC unroll 8
        for (int j = 0; j < S; ++j) {
            _mm_prefetch(reinterpret_cast<const char *>(ahead + j * streamFloats), _MM_HINT_T0);
            wv[j] = _mm512_loadu_ps(w + j * streamFloats + k * BlockRows);
        }
#pragma GCC unroll 8
        for (int m = 0; m < M; ++m) {
            const __m512 xv = _mm512_set1_ps(x[m * op.rowStride + k]);
#pragma GCC unroll 8
            for (int j = 0; j < S; ++j)
                acc[m][j] = _mm512_fmadd_ps(xv, wv[j], acc[m][j]);
        }
    };
    std::int64_t k = 0;
    for (; k < split; ++k)
        step(k, w + k * BlockRows + aheadFloats);
    for (; k < op.in; ++k)
        step(k, next + (k - split) * BlockRows);
#pragma GCC unroll 8
    for (int j = 0; j < S; ++j) {
        const std::int64_t n = (b + j * stride) * BlockRows;
        const std::int64_t valid = std::min<std::int64_t>(BlockRows, op.out - n);
        const __mmask16 mask = static_cast<__mmask16>((1u << valid) - 1u);
#pragma GCC unroll 8
        for (int m = 0; m < M; ++m)
            _mm512_mask_storeu_ps(op.y + (rowBegin + m) * op.out + n, mask, acc[m][j]);
    }
}

// blocks512 for AVX2: a function's target attribute cannot depend on a template parameter.
// Its streams need no `next`: the line ahead of a stream's last lines is the first of its next block.
template <int M, int S>
GEOLENS_PACKED_AVX2 void blocks256(const Operands &op, std::int64_t rowBegin, std::int64_t b, std::int64_t stride)
{
    const std::int64_t blockFloats = op.in * BlockRows;
    const std::int64_t streamFloats = stride * blockFloats;
    const float *w = op.w + b * blockFloats;
    const float *x = op.x + rowBegin * op.rowStride;
    __m256 acc[M][S][2];
#pragma GCC unroll 4
    for (int m = 0; m < M; ++m)
#pragma GCC unroll 4
        for (int j = 0; j < S; ++j)
            acc[m][j][0] = acc[m][j][1] = _mm256_setzero_ps();
    for (std::int64_t k = 0; k < op.in; ++k) {
        __m256 xv[M];
#pragma GCC unroll 4
        for (int m = 0; m < M; ++m)
            xv[m] = _mm256_broadcast_ss(x + m * op.rowStride + k);
#pragma GCC unroll 4
        for (int j = 0; j < S; ++j) {
            const float *line = w + j * streamFloats + k * BlockRows;
            _mm_prefetch(reinterpret_cast<const char *>(line) + prefetchBytes256(S), _MM_HINT_T0);
            const __m256 low = _mm256_loadu_ps(line);
            const __m256 high = _mm256_loadu_ps(line + 8);
#pragma GCC unroll 4
            for (int m = 0; m < M; ++m) {
                acc[m][j][0] = _mm256_fmadd_ps(xv[m], low, acc[m][j][0]);
                acc[m][j][1] = _mm256_fmadd_ps(xv[m], high, acc[m][j][1]);
            }
        }
    }
    for (int j = 0; j < S; ++j) {
        const std::int64_t n = (b + j * stride) * BlockRows;
        const std::int64_t valid = std::min<std::int64_t>(BlockRows, op.out - n);
        for (int m = 0; m < M; ++m) {
            float *y = op.y + (rowBegin + m) * op.out + n;
            if (valid == BlockRows) {
                _mm256_storeu_ps(y, acc[m][j][0]);
                _mm256_storeu_ps(y + 8, acc[m][j][1]);
            } else {
                alignas(32) float lanes[BlockRows];
                _mm256_store_ps(lanes, acc[m][j][0]);
                _mm256_store_ps(lanes + 8, acc[m][j][1]);
                std::copy(lanes, lanes + valid, y);
            }
        }
    }
}

// M rows of x against inputs [k0, k1) of one block, in AVX2's registers: the accumulators come
// from `saved` and go back to it. `ahead` is how far on the weights are fetched, in floats.
template <int M>
GEOLENS_PACKED_AVX2 inline __attribute__((always_inline)) void stretch256(const float *w, const float *x, std::int64_t rowStride,
                                                                         std::int64_t k0, std::int64_t k1, float (*saved)[BlockRows],
                                                                         std::int64_t ahead)
{
    __m256 acc[M][2];
#pragma GCC unroll 4
    for (int m = 0; m < M; ++m) {
        acc[m][0] = _mm256_load_ps(saved[m]);
        acc[m][1] = _mm256_load_ps(saved[m] + 8);
    }
    for (std::int64_t k = k0; k < k1; ++k) {
        const float *line = w + k * BlockRows;
        if (ahead > 0)
            _mm_prefetch(reinterpret_cast<const char *>(line + ahead), _MM_HINT_T0);
        const __m256 low = _mm256_loadu_ps(line);
        const __m256 high = _mm256_loadu_ps(line + 8);
#pragma GCC unroll 4
        for (int m = 0; m < M; ++m) {
            const __m256 xv = _mm256_broadcast_ss(x + m * rowStride + k);
            acc[m][0] = _mm256_fmadd_ps(xv, low, acc[m][0]);
            acc[m][1] = _mm256_fmadd_ps(xv, high, acc[m][1]);
        }
    }
#pragma GCC unroll 4
    for (int m = 0; m < M; ++m) {
        _mm256_store_ps(saved[m], acc[m][0]);
        _mm256_store_ps(saved[m] + 8, acc[m][1]);
    }
}

// Inputs a stretch of pairedBlock256 covers: 16 KB of a block, which stays in the core's L1 cache
// for the second set of rows. 128 was slower, 512 no faster.
constexpr std::int64_t pairedStretch = 256;

// Rows [rowBegin, rowBegin + A + B) against block b, where AVX2's sixteen registers hold the
// accumulators of four rows at most: the first A rows and then the other B over each stretch of
// inputs, the first set reading the stretch from memory and the second from the core's L1 cache.
// The first set fetches 8192 bytes ahead; the second fetches the same line of the next stretch,
// so that memory stays busy while it multiplies. Eight rows had gone as two groups of four over
// spans of 256 KB, the second group's reads from L2 apart from the first's arithmetic: 69 ms for
// the `small` preset's matrices on one core, against 44-50 ms this way.
template <int A, int B>
GEOLENS_PACKED_AVX2 void pairedBlock256(const Operands &op, std::int64_t rowBegin, std::int64_t b)
{
    const std::int64_t blockFloats = op.in * BlockRows;
    const float *w = op.w + b * blockFloats;
    const float *x = op.x + rowBegin * op.rowStride;
    alignas(32) float saved[A + B][BlockRows] = {};
    for (std::int64_t k0 = 0; k0 < op.in; k0 += pairedStretch) {
        const std::int64_t k1 = std::min(op.in, k0 + pairedStretch);
        stretch256<A>(w, x, op.rowStride, k0, k1, saved, prefetchBytes256(1) / sizeof(float));
        stretch256<B>(w, x + A * op.rowStride, op.rowStride, k0, k1, saved + A, pairedStretch * BlockRows);
    }
    const std::int64_t n = b * BlockRows;
    const std::int64_t valid = std::min<std::int64_t>(BlockRows, op.out - n);
    for (int m = 0; m < A + B; ++m)
        std::copy(saved[m], saved[m] + valid, op.y + (rowBegin + m) * op.out + n);
}

// Blocks [b0, b1) against rows [rowBegin, rowBegin + M). Each of the S streams walks its own part
// of the span block after block, so that the prefetchers follow S streams as long as the part (a
// quarter of a matrix for one row on one thread) instead of S new ones of one block (64 KB for
// 1024 inputs) each time. The last (b1 - b0) mod S blocks go one at a time.
template <int M, bool Wide>
void spanBlocks(const Operands &op, std::int64_t rowBegin, std::int64_t b0, std::int64_t b1)
{
    constexpr int S = Wide ? streams512(M) : streams256(M);
    const std::int64_t blockFloats = op.in * BlockRows;
    const std::int64_t part = (b1 - b0) / S;
    for (std::int64_t t = 0; t < part; ++t) {
        if constexpr (Wide)
            blocks512<M, S>(op, rowBegin, b0 + t, part, op.w + (b0 + std::min(t + 1, part - 1)) * blockFloats);
        else
            blocks256<M, S>(op, rowBegin, b0 + t, part);
    }
    for (std::int64_t b = b0 + part * S; b < b1; ++b) {
        if constexpr (Wide)
            blocks512<M, 1>(op, rowBegin, b, 1, op.w + std::min(b + 1, b1 - 1) * blockFloats);
        else
            blocks256<M, 1>(op, rowBegin, b, 1);
    }
}

template <bool Wide>
void spanRows(const Operands &op, std::int64_t rowBegin, std::int64_t rows, std::int64_t b0, std::int64_t b1)
{
#define GEOLENS_PACKED_CASE(M)                                                                                         \
    case M: spanBlocks<M, Wide>(op, rowBegin, b0, b1); return;
    switch (rows) {
        GEOLENS_PACKED_CASE(1)
        GEOLENS_PACKED_CASE(2)
        GEOLENS_PACKED_CASE(3)
        GEOLENS_PACKED_CASE(4)
    default: break;
    }
    if constexpr (Wide) {
        switch (rows) {
            GEOLENS_PACKED_CASE(5)
            GEOLENS_PACKED_CASE(6)
            GEOLENS_PACKED_CASE(7)
            GEOLENS_PACKED_CASE(8)
        default: break;
        }
    } else {
#define GEOLENS_PAIRED_CASE(M)                                                                                         \
    case M:                                                                                                            \
        for (std::int64_t b = b0; b < b1; ++b)                                                                         \
            pairedBlock256<4, M - 4>(op, rowBegin, b);                                                                 \
        return;
        switch (rows) {
            GEOLENS_PAIRED_CASE(5)
            GEOLENS_PAIRED_CASE(6)
            GEOLENS_PAIRED_CASE(7)
            GEOLENS_PAIRED_CASE(8)
        default: break;
        }
#undef GEOLENS_PAIRED_CASE
    }
#undef GEOLENS_PACKED_CASE
}

template <bool Wide>
void run(const Operands &op)
{
    constexpr std::int64_t group = 8;
    // The blocks go out in chunks as the threads ask for them rather than in equal halves: on a
    // shared machine one core often reads slower than the other, and a fifth of the samples of
    // two-thread decoding were the faster thread's wait in OpenMP.
    const int threads = std::max(1, at::get_num_threads());
    std::int64_t chunk = op.blocks;
    if (op.rows > group) {
        // With more than one group of rows, each group passes over a chunk of blocks while it
        // stays in the cache: a few hundred KB, whole multiples of the eight-row kernel's streams.
        constexpr std::int64_t streams = Wide ? streams512(8) : streams256(4);
        const std::int64_t spanBytes = std::int64_t(256) << 10;
        chunk = streams * std::max<std::int64_t>(1, spanBytes / (streams * op.in * BlockRows * 4));
    } else if (threads > 1) {
        // A few rows: four chunks a thread, whole multiples of their kernel's streams.
        const std::int64_t piece = Wide ? streams512(static_cast<int>(op.rows)) : streams256(static_cast<int>(op.rows));
        chunk = std::max<std::int64_t>(1, op.blocks / (4 * threads * piece)) * piece;
    }
    const std::int64_t chunks = (op.blocks + chunk - 1) / chunk;
    std::atomic<std::int64_t> next{0};
    at::parallel_for(0, threads, 1, [&](std::int64_t, std::int64_t) {
        for (std::int64_t c = next++; c < chunks; c = next++) {
            const std::int64_t b0 = c * chunk, b1 = std::min(op.blocks, b0 + chunk);
            for (std::int64_t r = 0; r < op.rows; r += group)
                spanRows<Wide>(op, r, std::min(group, op.rows - r), b0, b1);
        }
    });
}

#endif

} // namespace

bool PackedWeight::available()
{
    return smallBatchKernelsAvailable();
}

PackedWeight PackedWeight::from(const torch::Tensor &weight)
{
    if (!weight.device().is_cpu() || weight.scalar_type() != torch::kFloat32 || weight.dim() != 2)
        throw std::invalid_argument("Packed weights are float32 matrices on the CPU.");
    torch::NoGradGuard noGrad;
    const auto rows = weight.contiguous();
    const std::int64_t out = rows.size(0);
    const std::int64_t in = rows.size(1);
    const std::int64_t blocks = (out + BlockRows - 1) / BlockRows;
    PackedWeight packed;
    packed.blocks = torch::empty({blocks, in, BlockRows}, rows.options());
    packed.out = out;
    const float *source = rows.data_ptr<float>();
    float *target = packed.blocks.data_ptr<float>();
    // Tiles of 16 inputs: each output line gathers one value from each of the block's 16 rows,
    // whose pieces stay in the cache for the tile. Split between the threads by blocks.
    at::parallel_for(0, blocks, 1, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t b = begin; b < end; ++b) {
            float *block = target + b * in * BlockRows;
            const std::int64_t valid = std::min(BlockRows, out - b * BlockRows);
            const float *first = source + b * BlockRows * in;
            for (std::int64_t k0 = 0; k0 < in; k0 += BlockRows) {
                const std::int64_t k1 = std::min(in, k0 + BlockRows);
                for (std::int64_t k = k0; k < k1; ++k) {
                    float *line = block + k * BlockRows;
                    for (std::int64_t r = 0; r < valid; ++r)
                        line[r] = first[r * in + k];
                    for (std::int64_t r = valid; r < BlockRows; ++r)
                        line[r] = 0.0f;
                }
            }
        }
    });
    return packed;
}

torch::Tensor PackedWeight::unpacked() const
{
    return blocks.transpose(1, 2).reshape({-1, in()}).narrow(0, 0, out).contiguous();
}

torch::Tensor PackedWeight::multiply(const torch::Tensor &x) const
{
    const std::int64_t inputs = in();
    if (x.size(-1) != inputs || !x.device().is_cpu())
        throw std::invalid_argument("A packed weight of " + std::to_string(inputs) + " inputs was given rows of " +
                                    std::to_string(x.size(-1)) + ".");
    const auto rows = x.reshape({-1, inputs}).to(torch::kFloat32).contiguous();
    auto y = torch::empty({rows.size(0), out}, rows.options());
    std::vector<std::int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.back() = out;
    if (rows.size(0) == 0)
        return y.view(shape).to(x.scalar_type());
#ifdef GEOLENS_PACKED_KERNELS
    Operands op;
    op.x = rows.data_ptr<float>();
    op.rows = rows.size(0);
    op.rowStride = inputs;
    op.w = blocks.data_ptr<float>();
    op.in = inputs;
    op.blocks = blocks.size(0);
    op.y = y.data_ptr<float>();
    op.out = out;
    if (smallBatchKernelsWide())
        run<true>(op);
    else if (available())
        run<false>(op);
    else
        throw std::logic_error("Packed weights need the CPU kernels, which this CPU does not run.");
#else
    throw std::logic_error("Packed weights need the CPU kernels, which this build does not have.");
#endif
    return y.view(shape).to(x.scalar_type());
}

} // namespace geolens::detail
