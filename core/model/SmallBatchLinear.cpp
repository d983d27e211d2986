#include "model/SmallBatchLinear.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
// GCC 12's own AVX-512 reductions read an intentionally undefined register, which its warnings
// take for an uninitialised variable.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define GEOLENS_X86_KERNELS 1
#define GEOLENS_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma")))
#define GEOLENS_AVX2 __attribute__((target("avx2,fma")))
#endif

namespace geolens::detail {
namespace {

enum class WeightKind { F32, BF16, I8 };

// How far ahead of the product each weight row is fetched into the cache: a few lines, so that
// the rows of a block stream from memory while the previous lines are multiplied.
constexpr std::int64_t prefetchBytes = 1024;

// What one call multiplies: rows of x (float32, rowStride apart), weights [out, in] of the kind,
// outputs [rows, out] (float32), optional per-output scales.
struct Operands {
    const float *x = nullptr;
    std::int64_t rows = 0;
    std::int64_t rowStride = 0;
    const void *w = nullptr;
    std::int64_t in = 0;
    float *y = nullptr;
    std::int64_t out = 0;
    const float *scales = nullptr;
};

template <WeightKind W>
inline float scalarWeight(const void *w, std::int64_t index)
{
    if constexpr (W == WeightKind::F32) {
        return static_cast<const float *>(w)[index];
    } else if constexpr (W == WeightKind::BF16) {
        const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<const std::uint16_t *>(w)[index]) << 16;
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return f;
    } else {
        return static_cast<float>(static_cast<const std::int8_t *>(w)[index]);
    }
}

// Accumulators of a block: rows x weight rows, as many as the registers hold beside the operands.
constexpr int weightRowsPerBlock(int rows, int registers)
{
    const int n = (registers - 4) / rows;
    return n < 1 ? 1 : (n > 8 ? 8 : n);
}

#ifdef GEOLENS_X86_KERNELS

template <WeightKind W>
GEOLENS_AVX512 inline __m512 load16(const void *w, std::int64_t k)
{
    if constexpr (W == WeightKind::F32) {
        return _mm512_loadu_ps(static_cast<const float *>(w) + k);
    } else if constexpr (W == WeightKind::BF16) {
        const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(static_cast<const std::uint16_t *>(w) + k));
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    } else {
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(static_cast<const std::int8_t *>(w) + k));
        return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(b));
    }
}

template <WeightKind W, int M, int NB>
GEOLENS_AVX512 void block512(const Operands &op, std::int64_t rowBegin, std::int64_t n)
{
    const std::int64_t elementSize = W == WeightKind::F32 ? 4 : (W == WeightKind::BF16 ? 2 : 1);
    const char *wBase = static_cast<const char *>(op.w) + n * op.in * elementSize;
    const float *x = op.x + rowBegin * op.rowStride;
    __m512 acc[M][NB];
#pragma GCC unroll 16
    for (int m = 0; m < M; ++m)
#pragma GCC unroll 8
        for (int j = 0; j < NB; ++j)
            acc[m][j] = _mm512_setzero_ps();
    const std::int64_t rowBytes = op.in * elementSize;
    std::int64_t k = 0;
    for (; k + 16 <= op.in; k += 16) {
        __m512 wv[NB];
        // Past the end of its row, each row's prefetch runs on into the same row of the next
        // block, so that the next block's rows do not start cold: each row is its own stream, and
        // the hardware's prefetchers stop at the edge of a page.
        const std::int64_t ahead = k * elementSize + prefetchBytes;
        const char *prefetchBase = wBase + ahead + (ahead >= rowBytes ? (NB - 1) * rowBytes : 0);
#pragma GCC unroll 8
        for (int j = 0; j < NB; ++j) {
            _mm_prefetch(prefetchBase + j * rowBytes, _MM_HINT_T0);
            wv[j] = load16<W>(wBase + j * op.in * elementSize, k);
        }
#pragma GCC unroll 16
        for (int m = 0; m < M; ++m) {
            __m512 xv = _mm512_loadu_ps(x + m * op.rowStride + k);
            // One load of each row of x per step: folded into every product, it is loaded NB
            // times, and the rows of x stream from L2 for each block of weights.
            asm("" : "+v"(xv));
#pragma GCC unroll 8
            for (int j = 0; j < NB; ++j)
                acc[m][j] = _mm512_fmadd_ps(xv, wv[j], acc[m][j]);
        }
    }
    for (int m = 0; m < M; ++m) {
        for (int j = 0; j < NB; ++j) {
            float sum = _mm512_reduce_add_ps(acc[m][j]);
            for (std::int64_t t = k; t < op.in; ++t)
                sum += x[m * op.rowStride + t] * scalarWeight<W>(wBase + j * op.in * elementSize, t);
            if (op.scales)
                sum *= op.scales[n + j];
            op.y[(rowBegin + m) * op.out + n + j] = sum;
        }
    }
}

template <WeightKind W>
GEOLENS_AVX2 inline __m256 load8(const void *w, std::int64_t k)
{
    if constexpr (W == WeightKind::F32) {
        return _mm256_loadu_ps(static_cast<const float *>(w) + k);
    } else if constexpr (W == WeightKind::BF16) {
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i *>(static_cast<const std::uint16_t *>(w) + k));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    } else {
        const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i *>(static_cast<const std::int8_t *>(w) + k));
        return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
    }
}

GEOLENS_AVX2 inline float sum8(__m256 v)
{
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

// block512 for AVX2: a function's target attribute cannot depend on a template parameter, so each
// instruction set has its own copy of the loop.
template <WeightKind W, int M, int NB>
GEOLENS_AVX2 void block256(const Operands &op, std::int64_t rowBegin, std::int64_t n)
{
    const std::int64_t elementSize = W == WeightKind::F32 ? 4 : (W == WeightKind::BF16 ? 2 : 1);
    const char *wBase = static_cast<const char *>(op.w) + n * op.in * elementSize;
    const float *x = op.x + rowBegin * op.rowStride;
    __m256 acc[M][NB];
#pragma GCC unroll 16
    for (int m = 0; m < M; ++m)
#pragma GCC unroll 8
        for (int j = 0; j < NB; ++j)
            acc[m][j] = _mm256_setzero_ps();
    std::int64_t k = 0;
    for (; k + 8 <= op.in; k += 8) {
        __m256 wv[NB];
#pragma GCC unroll 8
        for (int j = 0; j < NB; ++j)
            wv[j] = load8<W>(wBase + j * op.in * elementSize, k);
#pragma GCC unroll 16
        for (int m = 0; m < M; ++m) {
            __m256 xv = _mm256_loadu_ps(x + m * op.rowStride + k);
            asm("" : "+x"(xv));
#pragma GCC unroll 8
            for (int j = 0; j < NB; ++j)
                acc[m][j] = _mm256_fmadd_ps(xv, wv[j], acc[m][j]);
        }
    }
    for (int m = 0; m < M; ++m) {
        for (int j = 0; j < NB; ++j) {
            float sum = sum8(acc[m][j]);
            for (std::int64_t t = k; t < op.in; ++t)
                sum += x[m * op.rowStride + t] * scalarWeight<W>(wBase + j * op.in * elementSize, t);
            if (op.scales)
                sum *= op.scales[n + j];
            op.y[(rowBegin + m) * op.out + n + j] = sum;
        }
    }
}

// Weight rows [n0, n1) against rows [rowBegin, rowBegin + M) of x. The weight block stays in the
// cache between the row groups of a batch above eight rows, so memory sees each weight once.
template <WeightKind W, int M>
GEOLENS_AVX512 void span512(const Operands &op, std::int64_t rowBegin, std::int64_t n0, std::int64_t n1)
{
    constexpr int NB = weightRowsPerBlock(M, 32);
    std::int64_t n = n0;
    for (; n + NB <= n1; n += NB)
        block512<W, M, NB>(op, rowBegin, n);
    for (; n < n1; ++n)
        block512<W, M, 1>(op, rowBegin, n);
}

template <WeightKind W, int M>
GEOLENS_AVX2 void span256(const Operands &op, std::int64_t rowBegin, std::int64_t n0, std::int64_t n1)
{
    constexpr int NB = weightRowsPerBlock(M, 16);
    std::int64_t n = n0;
    for (; n + NB <= n1; n += NB)
        block256<W, M, NB>(op, rowBegin, n);
    for (; n < n1; ++n)
        block256<W, M, 1>(op, rowBegin, n);
}

template <WeightKind W, bool Wide>
void spanRows(const Operands &op, std::int64_t rowBegin, std::int64_t rows, std::int64_t n0, std::int64_t n1)
{
#define GEOLENS_SPAN_CASE(M)                                                                                           \
    case M:                                                                                                            \
        if constexpr (Wide)                                                                                            \
            span512<W, M>(op, rowBegin, n0, n1);                                                                       \
        else                                                                                                           \
            span256<W, M>(op, rowBegin, n0, n1);                                                                       \
        return;
    switch (rows) {
        GEOLENS_SPAN_CASE(1)
        GEOLENS_SPAN_CASE(2)
        GEOLENS_SPAN_CASE(3)
        GEOLENS_SPAN_CASE(4)
        GEOLENS_SPAN_CASE(5)
        GEOLENS_SPAN_CASE(6)
        GEOLENS_SPAN_CASE(7)
        GEOLENS_SPAN_CASE(8)
    default: break;
    }
#undef GEOLENS_SPAN_CASE
}

// Groups of at most eight rows per pass over a block of weight rows: more accumulators than that
// would not stay in registers.
template <WeightKind W, bool Wide>
void runKernel(const Operands &op)
{
    constexpr std::int64_t weightRowsPerTask = 64;
    constexpr std::int64_t rowGroup = 8;
    at::parallel_for(0, op.out, weightRowsPerTask, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t n0 = begin; n0 < end; n0 += weightRowsPerTask) {
            const std::int64_t n1 = std::min(end, n0 + weightRowsPerTask);
            for (std::int64_t r = 0; r < op.rows; r += rowGroup)
                spanRows<W, Wide>(op, r, std::min(rowGroup, op.rows - r), n0, n1);
        }
    });
}

enum class Instructions { None, Avx2, Avx512 };

Instructions cpuInstructions()
{
    // GEOLENS_CPU_KERNELS=avx2 or none caps the choice: to compare the paths, and to test the AVX2
    // kernels on a CPU that has AVX-512.
    static const Instructions found = [] {
        const char *cap = std::getenv("GEOLENS_CPU_KERNELS");
        const std::string capped = cap ? cap : "";
        __builtin_cpu_init();
        if (capped != "avx2" && capped != "none" && __builtin_cpu_supports("avx512f") &&
            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
            return Instructions::Avx512;
        if (capped != "none" && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
            return Instructions::Avx2;
        return Instructions::None;
    }();
    return found;
}

template <WeightKind W>
void multiply(const Operands &op)
{
    if (cpuInstructions() == Instructions::Avx512)
        runKernel<W, true>(op);
    else
        runKernel<W, false>(op);
}

#else

enum class Instructions { None };
Instructions cpuInstructions() { return Instructions::None; }
template <WeightKind W>
void multiply(const Operands &)
{
}

#endif

torch::Tensor outputShape(const torch::Tensor &x, const torch::Tensor &y2d)
{
    std::vector<std::int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.back() = y2d.size(1);
    return y2d.view(shape);
}

} // namespace

int smallBatchKernelThreads()
{
    std::mutex mutex;
    std::set<int> threads;
    at::parallel_for(0, 1024, 1, [&](std::int64_t, std::int64_t) {
        const std::lock_guard<std::mutex> lock(mutex);
        threads.insert(at::get_thread_num());
    });
    return static_cast<int>(threads.size());
}

const char *smallBatchKernelName()
{
#ifdef GEOLENS_X86_KERNELS
    switch (cpuInstructions()) {
    case Instructions::Avx512: return "avx512";
    case Instructions::Avx2: return "avx2";
    case Instructions::None: break;
    }
#endif
    return "none";
}

bool smallBatchKernelsWide()
{
#ifdef GEOLENS_X86_KERNELS
    return cpuInstructions() == Instructions::Avx512;
#else
    return false;
#endif
}

bool smallBatchKernelsAvailable()
{
    return cpuInstructions() != decltype(cpuInstructions())::None;
}

bool smallBatchLinearApplies(const torch::Tensor &x, const torch::Tensor &w)
{
    if (!smallBatchKernelsAvailable() || !x.device().is_cpu() || !w.device().is_cpu() || w.dim() != 2)
        return false;
    if (torch::GradMode::is_enabled() && (x.requires_grad() || w.requires_grad()))
        return false;
    const auto xt = x.scalar_type();
    const auto wt = w.scalar_type();
    if (!((wt == torch::kFloat32 && xt == torch::kFloat32) ||
          (wt == torch::kBFloat16 && (xt == torch::kBFloat16 || xt == torch::kFloat32))))
        return false;
    const std::int64_t in = x.size(-1);
    // LibTorch's bf16 products use the CPU's bf16 dot-product instructions where it has them, and
    // from about eight rows they beat converting bf16 weights to float here.
    const std::int64_t limit = wt == torch::kBFloat16 ? 4 : smallBatchRowLimit;
    return in == w.size(1) && in > 0 && x.numel() / in <= limit;
}

namespace {

// x W^T through the streaming kernels: the rows of x as float32, y as float32, then both in x's
// shape and type.
template <WeightKind W>
torch::Tensor streamRows(const torch::Tensor &x, const void *weights, std::int64_t out, const float *scales = nullptr)
{
    const std::int64_t in = x.size(-1);
    const auto rows = x.reshape({-1, in}).to(torch::kFloat32).contiguous();
    auto y = torch::empty({rows.size(0), out}, rows.options());
    Operands op;
    op.x = rows.data_ptr<float>();
    op.rows = rows.size(0);
    op.rowStride = in;
    op.w = weights;
    op.in = in;
    op.y = y.data_ptr<float>();
    op.out = out;
    op.scales = scales;
    multiply<W>(op);
    return outputShape(x, y).to(x.scalar_type());
}

} // namespace

torch::Tensor smallBatchLinear(const torch::Tensor &x, const torch::Tensor &w)
{
    const auto weights = w.contiguous();
    if (weights.scalar_type() == torch::kFloat32)
        return streamRows<WeightKind::F32>(x, weights.data_ptr(), w.size(0));
    return streamRows<WeightKind::BF16>(x, weights.data_ptr(), w.size(0));
}

torch::Tensor int8WeightLinear(const torch::Tensor &x, const torch::Tensor &q, const torch::Tensor &scales)
{
    const std::int64_t in = x.size(-1);
    const std::int64_t rows = x.numel() / in;
    const std::int64_t out = q.size(0);
    if (smallBatchKernelsAvailable() && rows <= smallBatchRowLimit)
        return streamRows<WeightKind::I8>(x, q.data_ptr<std::int8_t>(), out, scales.data_ptr<float>());
    // Many rows: the product is bound by arithmetic, so a float block of weight rows, converted in
    // the cache, feeds the matrix-matrix product; the scales apply to the output rows afterwards.
    // bf16 rows multiply in bf16 (int8 values are exact in bf16): LibTorch runs those products on
    // its own threads, where float32 ones go to OpenBLAS's, which contend with LibTorch's idle ones.
    constexpr std::int64_t block = 128;
    const auto computeType = x.scalar_type() == torch::kBFloat16 ? torch::kBFloat16 : torch::kFloat32;
    const auto xt = x.reshape({-1, in}).to(computeType).t();
    auto yt = torch::empty({out, rows}, xt.options());
    auto weights = torch::empty({std::min(block, out), in}, xt.options());
    for (std::int64_t n0 = 0; n0 < out; n0 += block) {
        const std::int64_t nb = std::min(block, out - n0);
        auto blockWeights = weights.narrow(0, 0, nb);
        blockWeights.copy_(q.narrow(0, n0, nb));
        auto target = yt.narrow(0, n0, nb);
        torch::mm_out(target, blockWeights, xt);
    }
    auto scaled = yt.to(torch::kFloat32).mul_(scales.unsqueeze(1));
    return outputShape(x, scaled.t().contiguous()).to(x.scalar_type());
}

} // namespace geolens::detail
