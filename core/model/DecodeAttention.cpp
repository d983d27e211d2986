#include "model/DecodeAttention.h"

#include "model/SmallBatchLinear.h"

#include <ATen/Parallel.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
// GCC 12's own AVX-512 shuffles read an intentionally undefined register, which its warnings take
// for an uninitialised variable.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define GEOLENS_DECODE_KERNELS 1
#endif

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace geolens::detail {

#ifdef GEOLENS_DECODE_KERNELS
namespace {

#define GEOLENS_DECODE_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define GEOLENS_DECODE_AVX2 __attribute__((target("avx2,fma")))

GEOLENS_DECODE_AVX2 float horizontalSum(__m256 v)
{
    const __m128 half = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 pairs = _mm_add_ps(half, _mm_movehl_ps(half, half));
    return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_shuffle_ps(pairs, pairs, 1)));
}

// A head's dot products and weighted sums over rows of n floats, in the widest vectors the CPU
// has: the scores of every cached key, then the values weighted by the softmax.
GEOLENS_DECODE_AVX512 float dot512(const float *a, const float *b, std::int64_t n)
{
    __m512 acc = _mm512_setzero_ps();
    std::int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc);
    // The two halves added, then the eight sums (GCC 12's _mm512_reduce_add_ps warns).
    const __m512 halves = _mm512_add_ps(acc, _mm512_shuffle_f32x4(acc, acc, _MM_SHUFFLE(1, 0, 3, 2)));
    float sum = horizontalSum(_mm512_castps512_ps256(halves));
    for (; i < n; ++i)
        sum += a[i] * b[i];
    return sum;
}

GEOLENS_DECODE_AVX512 void addScaled512(float *out, const float *row, float weight, std::int64_t n)
{
    const __m512 w = _mm512_set1_ps(weight);
    std::int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(out + i, _mm512_fmadd_ps(w, _mm512_loadu_ps(row + i), _mm512_loadu_ps(out + i)));
    for (; i < n; ++i)
        out[i] += weight * row[i];
}

GEOLENS_DECODE_AVX2 float dot256(const float *a, const float *b, std::int64_t n)
{
    __m256 acc = _mm256_setzero_ps();
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
    float sum = horizontalSum(acc);
    for (; i < n; ++i)
        sum += a[i] * b[i];
    return sum;
}

GEOLENS_DECODE_AVX2 void addScaled256(float *out, const float *row, float weight, std::int64_t n)
{
    const __m256 w = _mm256_set1_ps(weight);
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_fmadd_ps(w, _mm256_loadu_ps(row + i), _mm256_loadu_ps(out + i)));
    for (; i < n; ++i)
        out[i] += weight * row[i];
}

// One head of one sequence: where its query, keys, values, mask row and output are.
struct HeadOperands {
    const float *query;
    const float *keys;
    const float *values;
    std::int64_t keyStride, valueStride; // between two cached positions
    const float *mask;                   // one value a position, or none
    std::int64_t maskStride;
    float *out;
    std::int64_t length, dim;
    float scale;
};

template <float (*Dot)(const float *, const float *, std::int64_t),
          void (*AddScaled)(float *, const float *, float, std::int64_t)>
void attendHead(const HeadOperands &h, std::vector<float> &scores)
{
    float largest = -std::numeric_limits<float>::infinity();
    for (std::int64_t s = 0; s < h.length; ++s) {
        float score = Dot(h.query, h.keys + s * h.keyStride, h.dim) * h.scale;
        if (h.mask)
            score += h.mask[s * h.maskStride];
        scores[static_cast<std::size_t>(s)] = score;
        largest = std::max(largest, score);
    }
    float total = 0.0f;
    for (std::int64_t s = 0; s < h.length; ++s) {
        scores[static_cast<std::size_t>(s)] = std::exp(scores[static_cast<std::size_t>(s)] - largest);
        total += scores[static_cast<std::size_t>(s)];
    }
    const float inverse = 1.0f / total;
    for (std::int64_t s = 0; s < h.length; ++s)
        AddScaled(h.out, h.values + s * h.valueStride, scores[static_cast<std::size_t>(s)] * inverse, h.dim);
}

} // namespace
#endif

bool decodeAttentionApplies(const torch::Tensor &q, const torch::Tensor &keys, const torch::Tensor &values,
                            const torch::Tensor &mask)
{
    if (!smallBatchKernelsAvailable())
        return false;
    if (!q.device().is_cpu() || q.scalar_type() != torch::kFloat32 || keys.scalar_type() != torch::kFloat32 ||
        values.scalar_type() != torch::kFloat32)
        return false;
    if (q.dim() != 4 || keys.dim() != 4 || values.dim() != 4 || q.size(2) != 1)
        return false;
    if (q.requires_grad() || keys.requires_grad() || values.requires_grad())
        return false;
    const auto batch = q.size(0), heads = q.size(1), dim = q.size(3);
    if (keys.sizes() != values.sizes() || keys.size(0) != batch || keys.size(3) != dim || keys.size(1) < 1 ||
        heads % keys.size(1) != 0)
        return false;
    if (q.stride(3) != 1 || keys.stride(3) != 1 || values.stride(3) != 1)
        return false;
    if (mask.defined()) {
        if (mask.scalar_type() != torch::kFloat32 || mask.dim() != 4 || (mask.size(0) != 1 && mask.size(0) != batch) ||
            mask.size(1) != 1 || mask.size(2) != 1 || mask.size(3) != keys.size(2) || mask.stride(3) != 1 ||
            mask.requires_grad())
            return false;
    }
    return true;
}

torch::Tensor decodeAttention(const torch::Tensor &q, const torch::Tensor &keys, const torch::Tensor &values,
                              const torch::Tensor &mask, double scale)
{
#ifndef GEOLENS_DECODE_KERNELS
    (void)q, (void)keys, (void)values, (void)mask, (void)scale;
    throw std::logic_error("decodeAttention needs an x86-64 CPU; decodeAttentionApplies says so");
#else
    const std::int64_t batch = q.size(0), heads = q.size(1), dim = q.size(3), length = keys.size(2);
    const std::int64_t perKv = heads / keys.size(1);
    auto out = torch::zeros({batch, heads, 1, dim}, q.options());
    const float *qData = q.data_ptr<float>();
    const float *kData = keys.data_ptr<float>();
    const float *vData = values.data_ptr<float>();
    const float *mData = mask.defined() ? mask.data_ptr<float>() : nullptr;
    float *oData = out.data_ptr<float>();
    const float factor = static_cast<float>(scale);

    const bool wide = std::string(smallBatchKernelName()) == "avx512";
    at::parallel_for(0, batch * heads, 1, [&](std::int64_t begin, std::int64_t end) {
        std::vector<float> scores(static_cast<std::size_t>(length));
        for (std::int64_t task = begin; task < end; ++task) {
            const std::int64_t b = task / heads, h = task % heads, kvh = h / perKv;
            HeadOperands head{};
            head.query = qData + b * q.stride(0) + h * q.stride(1);
            head.keys = kData + b * keys.stride(0) + kvh * keys.stride(1);
            head.values = vData + b * values.stride(0) + kvh * values.stride(1);
            head.keyStride = keys.stride(2);
            head.valueStride = values.stride(2);
            head.mask = mData ? mData + (mask.size(0) == 1 ? 0 : b * mask.stride(0)) : nullptr;
            head.maskStride = mData ? mask.stride(3) : 0;
            head.out = oData + (b * heads + h) * dim;
            head.length = length;
            head.dim = dim;
            head.scale = factor;
            if (wide)
                attendHead<dot512, addScaled512>(head, scores);
            else
                attendHead<dot256, addScaled256>(head, scores);
        }
    });
    return out;
#endif
}

} // namespace geolens::detail
