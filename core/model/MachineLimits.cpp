#include "model/MachineLimits.h"

#include "model/OnesPages.h"
#include "model/SmallBatchLinear.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <string>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GEOLENS_LIMIT_KERNELS 1
#endif

namespace geolens::detail {

namespace {

// Ones in pages of their own, handed back with the tensor over them (OnesPages).
torch::Tensor mappedOnes(std::int64_t floats)
{
    auto pages = std::make_shared<OnesPages>(static_cast<std::size_t>(floats));
    if (!pages->data())
        return torch::ones({floats}, torch::kFloat32);
    return torch::from_blob(pages->data(), {floats}, [pages](void *) {}, torch::kFloat32);
}

#ifdef GEOLENS_LIMIT_KERNELS

__attribute__((target("avx512f"))) float laneSum(__m512 v)
{
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, v);
    float total = 0.0f;
    for (float x : lanes)
        total += x;
    return total;
}

__attribute__((target("avx2"))) float laneSum(__m256 v)
{
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, v);
    float total = 0.0f;
    for (float x : lanes)
        total += x;
    return total;
}

// Four streams a thread, each fetched 1024 bytes ahead: how the one-row kernels read their
// weights. On one core here four streams read as fast as eight with AVX-512 (42-43 GB/s both), and
// with AVX2 eight streams of single loads read only 33-35 GB/s where four of whole lines read
// 42-44: a limit read that way sat below what the AVX2 products reached (shares of 1.07-1.21).
constexpr int Streams = 4;
constexpr std::int64_t prefetchBytes = 1024;

__attribute__((target("avx512f"))) float streamSum512(const float *data, std::int64_t count)
{
    const std::int64_t part = count / Streams / 16 * 16;
    __m512 acc[Streams];
    for (int j = 0; j < Streams; ++j)
        acc[j] = _mm512_setzero_ps();
    for (std::int64_t i = 0; i < part; i += 16) {
#pragma GCC unroll 8
        for (int j = 0; j < Streams; ++j) {
            const float *p = data + j * part + i;
            _mm_prefetch(reinterpret_cast<const char *>(p) + prefetchBytes, _MM_HINT_T0);
            acc[j] = _mm512_add_ps(acc[j], _mm512_loadu_ps(p));
        }
    }
    __m512 sum = acc[0];
    for (int j = 1; j < Streams; ++j)
        sum = _mm512_add_ps(sum, acc[j]);
    return laneSum(sum);
}

// A whole 64-byte line of each stream an iteration, two loads.
__attribute__((target("avx2"))) float streamSum256(const float *data, std::int64_t count)
{
    const std::int64_t part = count / Streams / 16 * 16;
    __m256 acc[Streams];
    for (int j = 0; j < Streams; ++j)
        acc[j] = _mm256_setzero_ps();
    for (std::int64_t i = 0; i < part; i += 16) {
#pragma GCC unroll 8
        for (int j = 0; j < Streams; ++j) {
            const float *p = data + j * part + i;
            _mm_prefetch(reinterpret_cast<const char *>(p) + prefetchBytes, _MM_HINT_T0);
            acc[j] = _mm256_add_ps(acc[j], _mm256_add_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)));
        }
    }
    __m256 sum = acc[0];
    for (int j = 1; j < Streams; ++j)
        sum = _mm256_add_ps(sum, acc[j]);
    return laneSum(sum);
}

// Chains enough to cover the multiply-add's latency on both of a core's units.
constexpr int Chains = 12;
constexpr std::int64_t Iterations = 4 << 20;

__attribute__((target("avx512f"))) float chains512()
{
    __m512 acc[Chains];
    for (int j = 0; j < Chains; ++j)
        acc[j] = _mm512_set1_ps(1.0f + 0.001f * static_cast<float>(j));
    const __m512 scale = _mm512_set1_ps(0.9999999f);
    const __m512 offset = _mm512_set1_ps(1e-7f);
    for (std::int64_t i = 0; i < Iterations; ++i)
#pragma GCC unroll 12
        for (int j = 0; j < Chains; ++j)
            acc[j] = _mm512_fmadd_ps(acc[j], scale, offset);
    __m512 sum = acc[0];
    for (int j = 1; j < Chains; ++j)
        sum = _mm512_add_ps(sum, acc[j]);
    return laneSum(sum);
}

__attribute__((target("avx2,fma"))) float chains256()
{
    __m256 acc[Chains];
    for (int j = 0; j < Chains; ++j)
        acc[j] = _mm256_set1_ps(1.0f + 0.001f * static_cast<float>(j));
    const __m256 scale = _mm256_set1_ps(0.9999999f);
    const __m256 offset = _mm256_set1_ps(1e-7f);
    for (std::int64_t i = 0; i < Iterations; ++i)
#pragma GCC unroll 12
        for (int j = 0; j < Chains; ++j)
            acc[j] = _mm256_fmadd_ps(acc[j], scale, offset);
    __m256 sum = acc[0];
    for (int j = 1; j < Chains; ++j)
        sum = _mm256_add_ps(sum, acc[j]);
    return laneSum(sum);
}

#endif

// The shortest of three timed runs after a warm-up, in seconds.
template <typename Run>
double bestSeconds(const Run &run)
{
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < 4; ++i) {
        const auto start = std::chrono::steady_clock::now();
        run();
        if (i > 0)
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
}

} // namespace

float streamRead(const float *data, std::int64_t count, bool wide)
{
    std::atomic<float> sink{0.0f};
#ifdef GEOLENS_LIMIT_KERNELS
    // Pieces of 4 MiB (four streams of 1 MiB) go out from a counter as the threads ask, as the
    // products hand out their blocks: a core that a neighbour slows then reads less instead of
    // holding the others up, and the rate is what the cores together can read.
    constexpr std::int64_t pieceFloats = std::int64_t(1) << 20;
    const std::int64_t pieces = (count + pieceFloats - 1) / pieceFloats;
    std::atomic<std::int64_t> next{0};
    at::parallel_for(0, at::get_num_threads(), 1, [&](std::int64_t, std::int64_t) {
        for (std::int64_t p = next++; p < pieces; p = next++) {
            const float *piece = data + p * pieceFloats;
            const std::int64_t floats = std::min(pieceFloats, count - p * pieceFloats);
            sink.store(wide ? streamSum512(piece, floats) : streamSum256(piece, floats), std::memory_order_relaxed);
        }
    });
#else
    (void)data;
    (void)count;
    (void)wide;
#endif
    return sink.load();
}

double measureReadBandwidthGBps(const c10::Device &device)
{
    const std::int64_t floats = std::int64_t(device.is_cuda() ? 512 : 64) << 20;
    const auto buffer = device.is_cuda() ? torch::ones({floats}, torch::dtype(torch::kFloat32).device(device))
                                         : mappedOnes(floats);
    const std::string kernels = device.is_cpu() ? smallBatchKernelName() : "none";
    double best = bestSeconds([&] { (void)buffer.sum().item<float>(); });
    if (kernels != "none")
        best = std::min(best, bestSeconds([&] {
                            (void)streamRead(buffer.data_ptr<float>(), buffer.numel(), smallBatchKernelsWide());
                        }));
    return static_cast<double>(floats) * 4.0 / best / 1e9;
}

double measureArithmeticPeakGflops()
{
#ifdef GEOLENS_LIMIT_KERNELS
    const std::string kernels = smallBatchKernelName();
    if (kernels == "none")
        return 0.0;
    const bool wide = smallBatchKernelsWide();
    const int threads = at::get_num_threads();
    std::atomic<float> sink{0.0f};
    const double best = bestSeconds([&] {
        at::parallel_for(0, threads, 1, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t t = begin; t < end; ++t)
                sink.store(wide ? chains512() : chains256(), std::memory_order_relaxed);
        });
    });
    const double lanes = wide ? 16.0 : 8.0;
    return 2.0 * lanes * Chains * static_cast<double>(Iterations) * threads / best / 1e9;
#else
    return 0.0;
#endif
}

} // namespace geolens::detail
