#include "model/DecodeAttention.h"

#include "model/SmallBatchLinear.h"

#include <ATen/Parallel.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include "model/VectorExp.h"

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

// How far ahead of the arithmetic each stream of keys or values is fetched into the cache, as the
// weights are in SmallBatchLinear. A head's streams are short (a few hundred positions) and cross
// a page every few positions, where the hardware's prefetchers stop; fetching ahead gained a few
// per cent on heads of 128 and nothing measurable on heads of 64.
constexpr std::int64_t attentionPrefetchBytes = 1024;

// Fetches the cache lines of the row at position, if there is one.
inline void prefetchRow(const float *rows, std::int64_t stride, std::int64_t position, std::int64_t length,
                        std::int64_t rowBytes)
{
    if (position >= length)
        return;
    const char *row = reinterpret_cast<const char *>(rows + position * stride);
    for (std::int64_t offset = 0; offset < rowBytes; offset += 64)
        _mm_prefetch(row + offset, _MM_HINT_T0);
}

// The softmax's numerators in place, exp(score - largest), and their sum.
inline float exponentiate(float *scores, std::int64_t length, float largest)
{
    float total = 0.0f;
    for (std::int64_t s = 0; s < length; ++s) {
        scores[s] = std::exp(scores[s] - largest);
        total += scores[s];
    }
    return total;
}

template <float (*Dot)(const float *, const float *, std::int64_t),
          void (*AddScaled)(float *, const float *, float, std::int64_t),
          float (*Exponentiate)(float *, std::int64_t, float)>
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
    const float inverse = 1.0f / Exponentiate(scores.data(), h.length, largest);
    for (std::int64_t s = 0; s < h.length; ++s)
        AddScaled(h.out, h.values + s * h.valueStride, scores[static_cast<std::size_t>(s)] * inverse, h.dim);
}

// exponentiate() in vectors. glibc's exp, one score at a time, took a fifth of a batch's
// attention.
GEOLENS_DECODE_AVX512 float exponentiate512(float *scores, std::int64_t length, float largest)
{
    const __m512 top = _mm512_set1_ps(largest);
    __m512 total = _mm512_setzero_ps();
    for (std::int64_t s = 0; s < length; s += 16) {
        const __mmask16 lanes = length - s >= 16 ? __mmask16(0xffff) : __mmask16((1u << (length - s)) - 1u);
        const __m512 e = vectorExp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(lanes, scores + s), top));
        _mm512_mask_storeu_ps(scores + s, lanes, e);
        total = _mm512_add_ps(total, _mm512_maskz_mov_ps(lanes, e));
    }
    return _mm512_reduce_add_ps(total);
}

// exponentiate() in AVX2's vectors.
GEOLENS_DECODE_AVX2 float exponentiate256(float *scores, std::int64_t length, float largest)
{
    const __m256 top = _mm256_set1_ps(largest);
    __m256 total = _mm256_setzero_ps();
    std::int64_t s = 0;
    for (; s + 8 <= length; s += 8) {
        const __m256 e = vectorExp256(_mm256_sub_ps(_mm256_loadu_ps(scores + s), top));
        _mm256_storeu_ps(scores + s, e);
        total = _mm256_add_ps(total, e);
    }
    float sum = horizontalSum(total);
    for (; s < length; ++s) {
        scores[s] = std::exp(scores[s] - largest);
        sum += scores[s];
    }
    return sum;
}

// Lanes 0-1 of the result: the sums of a's 128-bit lanes 0+1 and 2+3; lanes 2-3: the same of b.
GEOLENS_DECODE_AVX512 inline __m512 foldLanes(__m512 a, __m512 b)
{
    return _mm512_add_ps(_mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
}

// Lane p of the result: the sum of the sixteen lanes of v[p]. A transposing tree of adds: 45
// instructions for sixteen sums, where reducing each vector on its own takes about eight apiece.
GEOLENS_DECODE_AVX512 inline __attribute__((always_inline)) __m512 sixteenSums(const __m512 (&v)[16])
{
    __m512 pairs[8];
    for (int i = 0; i < 8; ++i) // per 128-bit lane: v[2i] and v[2i+1], two partial sums each
        pairs[i] = _mm512_add_ps(_mm512_unpacklo_ps(v[2 * i], v[2 * i + 1]), _mm512_unpackhi_ps(v[2 * i], v[2 * i + 1]));
    __m512 quads[4];
    for (int i = 0; i < 4; ++i) { // per 128-bit lane: that lane's sums of v[4i] ... v[4i+3]
        const __m512d a = _mm512_castps_pd(pairs[2 * i]), b = _mm512_castps_pd(pairs[2 * i + 1]);
        quads[i] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(a, b)), _mm512_castpd_ps(_mm512_unpackhi_pd(a, b)));
    }
    return foldLanes(foldLanes(quads[0], quads[1]), foldLanes(quads[2], quads[3]));
}

// attendHead for G heads of one sequence at once, with rows of 16 * Chunks floats. Each head is
// read as one stream, its keys from first to last, then its values: G streams at once. A head's
// keys are a few hundred rows, and splitting one head into quarters, as an earlier version did,
// made streams of a few KB that the prefetchers kept restarting; whole heads read the cache of a
// batch of eight 14 % faster. The queries are read from the cache of the core, sixteen dot
// products (16 / G positions of each head) are reduced together, and the weighted sums of the
// values accumulate in registers.
template <int Chunks, int G>
GEOLENS_DECODE_AVX512 void attendHeads512(const HeadOperands *heads, float *scoreRows)
{
    static_assert(16 % G == 0 && G * Chunks <= 16, "sixteen products a block, sixteen sums in registers");
    constexpr int P = 16 / G; // positions of each head per block
    constexpr std::int64_t rowBytes = Chunks * 64;
    const std::int64_t ahead = std::max<std::int64_t>(1, attentionPrefetchBytes / rowBytes);
    const std::int64_t length = heads[0].length;
    const float *mask = heads[0].mask; // the heads are one sequence's
    float *score[G];
    for (int g = 0; g < G; ++g)
        score[g] = scoreRows + g * length;

    for (int g = 0; g < G; ++g)
        for (std::int64_t s = 0; s < ahead; ++s)
            prefetchRow(heads[g].keys, heads[g].keyStride, s, length, rowBytes);
    const __m512 scale = _mm512_set1_ps(heads[0].scale);
    __m512 largest16 = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    const std::int64_t blocked = length / P * P;
    for (std::int64_t i = 0; i < blocked; i += P) {
        __m512 products[16];
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g) {
            const HeadOperands &h = heads[g];
#pragma GCC unroll 16
            for (int r = 0; r < P; ++r) {
                prefetchRow(h.keys, h.keyStride, i + r + ahead, length, rowBytes);
                const float *key = h.keys + (i + r) * h.keyStride;
                __m512 &p = products[g * P + r];
                p = _mm512_mul_ps(_mm512_loadu_ps(h.query), _mm512_loadu_ps(key));
#pragma GCC unroll 8
                for (int c = 1; c < Chunks; ++c)
                    p = _mm512_fmadd_ps(_mm512_loadu_ps(h.query + 16 * c), _mm512_loadu_ps(key + 16 * c), p);
            }
        }
        // Lane g * P + r holds head g's position i + r.
        __m512 v = _mm512_mul_ps(sixteenSums(products), scale);
        if (mask) { // decodeAttentionApplies takes only masks of one float a position
            __m512 m;
            if constexpr (P == 16) {
                m = _mm512_loadu_ps(mask + i);
            } else if constexpr (P == 8) {
                const __m256d half = _mm256_castps_pd(_mm256_loadu_ps(mask + i));
                m = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(half), half, 1));
            } else {
                m = _mm512_broadcast_f32x4(_mm_loadu_ps(mask + i));
            }
            v = _mm512_add_ps(v, m);
        }
        alignas(64) float lanes[16];
        _mm512_store_ps(lanes, v);
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g)
            std::copy(lanes + g * P, lanes + (g + 1) * P, score[g] + i);
        largest16 = _mm512_max_ps(largest16, v);
    }
    alignas(64) float largestLanes[16];
    _mm512_store_ps(largestLanes, largest16);
    float total[G];
    for (int g = 0; g < G; ++g) {
        const HeadOperands &h = heads[g];
        float largest = *std::max_element(largestLanes + g * P, largestLanes + (g + 1) * P);
        for (std::int64_t s = blocked; s < length; ++s) {
            score[g][s] = dot512(h.query, h.keys + s * h.keyStride, h.dim) * h.scale + (mask ? mask[s] : 0.0f);
            largest = std::max(largest, score[g][s]);
        }
        total[g] = exponentiate512(score[g], length, largest);
    }

    for (int g = 0; g < G; ++g)
        for (std::int64_t s = 0; s < ahead; ++s)
            prefetchRow(heads[g].values, heads[g].valueStride, s, length, rowBytes);
    __m512 sums[G][Chunks];
    for (int g = 0; g < G; ++g)
        for (int c = 0; c < Chunks; ++c)
            sums[g][c] = _mm512_setzero_ps();
    for (std::int64_t i = 0; i < length; ++i) {
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g) {
            const HeadOperands &h = heads[g];
            prefetchRow(h.values, h.valueStride, i + ahead, length, rowBytes);
            const __m512 w = _mm512_set1_ps(score[g][i]);
            const float *value = h.values + i * h.valueStride;
#pragma GCC unroll 8
            for (int c = 0; c < Chunks; ++c)
                sums[g][c] = _mm512_fmadd_ps(w, _mm512_loadu_ps(value + 16 * c), sums[g][c]);
        }
    }
    for (int g = 0; g < G; ++g) {
        const __m512 inverse = _mm512_set1_ps(1.0f / total[g]);
        for (int c = 0; c < Chunks; ++c)
            _mm512_storeu_ps(heads[g].out + 16 * c, _mm512_mul_ps(sums[g][c], inverse));
    }
}

// Heads [0, count) of one sequence through attendHeads512, as many at once as the registers hold.
template <int Chunks>
void attendGroup512(const HeadOperands *heads, int count, float *scoreRows)
{
    constexpr int most = Chunks <= 4 ? 4 : 2;
    int first = 0;
    for (; first + most <= count; first += most)
        attendHeads512<Chunks, most>(heads + first, scoreRows);
    if constexpr (most > 2) {
        if (first + 2 <= count) {
            attendHeads512<Chunks, 2>(heads + first, scoreRows);
            first += 2;
        }
    }
    if (first < count)
        attendHeads512<Chunks, 1>(heads + first, scoreRows);
}

// Lane j of the result: the sum of the eight lanes of v[j].
GEOLENS_DECODE_AVX2 inline __attribute__((always_inline)) __m256 eightSums(const __m256 (&v)[8])
{
    const __m256 a = _mm256_hadd_ps(_mm256_hadd_ps(v[0], v[1]), _mm256_hadd_ps(v[2], v[3]));
    const __m256 b = _mm256_hadd_ps(_mm256_hadd_ps(v[4], v[5]), _mm256_hadd_ps(v[6], v[7]));
    // a: v0..v3's sums over the low 128 bits, then over the high 128 bits; b the same of v4..v7.
    return _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
}

// attendHeads512 in AVX2 for G heads of one sequence at once, rows of 8 * Chunks floats: each
// head one stream, eight dot products (8 / G positions of each head) reduced together. AVX2's
// sixteen registers cannot hold the values' weighted sums of several heads, which accumulate in
// the core's L1 cache instead. One head at a time read the cache at about 0.6 of the read rate.
template <int Chunks, int G>
GEOLENS_DECODE_AVX2 void attendHeads256(const HeadOperands *heads, float *scoreRows)
{
    static_assert(8 % G == 0, "eight products a block");
    constexpr int P = 8 / G; // positions of each head per block
    const std::int64_t length = heads[0].length;
    const float *mask = heads[0].mask; // the heads are one sequence's
    float *score[G];
    for (int g = 0; g < G; ++g)
        score[g] = scoreRows + g * length;

    const __m256 scale = _mm256_set1_ps(heads[0].scale);
    __m256 largest8 = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    const std::int64_t blocked = length / P * P;
    for (std::int64_t i = 0; i < blocked; i += P) {
        __m256 products[8];
#pragma GCC unroll 8
        for (int g = 0; g < G; ++g) {
            const HeadOperands &h = heads[g];
#pragma GCC unroll 8
            for (int r = 0; r < P; ++r) {
                const float *key = h.keys + (i + r) * h.keyStride;
                __m256 &p = products[g * P + r];
                p = _mm256_mul_ps(_mm256_loadu_ps(h.query), _mm256_loadu_ps(key));
#pragma GCC unroll 16
                for (int c = 1; c < Chunks; ++c)
                    p = _mm256_fmadd_ps(_mm256_loadu_ps(h.query + 8 * c), _mm256_loadu_ps(key + 8 * c), p);
            }
        }
        // Lane g * P + r holds head g's position i + r.
        __m256 v = _mm256_mul_ps(eightSums(products), scale);
        if (mask) { // decodeAttentionApplies takes only masks of one float a position
            __m256 m;
            if constexpr (P == 8)
                m = _mm256_loadu_ps(mask + i);
            else if constexpr (P == 4)
                m = _mm256_broadcast_ps(reinterpret_cast<const __m128 *>(mask + i));
            else
                m = _mm256_castpd_ps(_mm256_broadcast_sd(reinterpret_cast<const double *>(mask + i)));
            v = _mm256_add_ps(v, m);
        }
        alignas(32) float lanes[8];
        _mm256_store_ps(lanes, v);
#pragma GCC unroll 8
        for (int g = 0; g < G; ++g)
            std::copy(lanes + g * P, lanes + (g + 1) * P, score[g] + i);
        largest8 = _mm256_max_ps(largest8, v);
    }
    alignas(32) float largestLanes[8];
    _mm256_store_ps(largestLanes, largest8);
    float total[G];
    for (int g = 0; g < G; ++g) {
        const HeadOperands &h = heads[g];
        float largest = *std::max_element(largestLanes + g * P, largestLanes + (g + 1) * P);
        for (std::int64_t s = blocked; s < length; ++s) {
            score[g][s] = dot256(h.query, h.keys + s * h.keyStride, h.dim) * h.scale + (mask ? mask[s] : 0.0f);
            largest = std::max(largest, score[g][s]);
        }
        total[g] = exponentiate256(score[g], length, largest);
    }

    alignas(32) float sums[G][8 * Chunks] = {};
    for (std::int64_t i = 0; i < length; ++i) {
#pragma GCC unroll 8
        for (int g = 0; g < G; ++g) {
            const __m256 w = _mm256_set1_ps(score[g][i]);
            const float *value = heads[g].values + i * heads[g].valueStride;
#pragma GCC unroll 16
            for (int c = 0; c < Chunks; ++c)
                _mm256_store_ps(sums[g] + 8 * c,
                                _mm256_fmadd_ps(w, _mm256_loadu_ps(value + 8 * c), _mm256_load_ps(sums[g] + 8 * c)));
        }
    }
    for (int g = 0; g < G; ++g) {
        const __m256 inverse = _mm256_set1_ps(1.0f / total[g]);
        for (int c = 0; c < Chunks; ++c)
            _mm256_storeu_ps(heads[g].out + 8 * c, _mm256_mul_ps(_mm256_load_ps(sums[g] + 8 * c), inverse));
    }
}

// Heads [0, count) of one sequence through attendHeads256, up to four at once.
template <int Chunks>
void attendGroup256(const HeadOperands *heads, int count, float *scoreRows)
{
    int first = 0;
    for (; first + 4 <= count; first += 4)
        attendHeads256<Chunks, 4>(heads + first, scoreRows);
    if (first + 2 <= count) {
        attendHeads256<Chunks, 2>(heads + first, scoreRows);
        first += 2;
    }
    if (first < count)
        attendHeads256<Chunks, 1>(heads + first, scoreRows);
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

    const auto operands = [&](std::int64_t b, std::int64_t h) {
        HeadOperands head{};
        const std::int64_t kvh = h / perKv;
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
        return head;
    };

    const bool wide = smallBatchKernelsWide();
    if (dim == 64 || dim == 128) {
        // Tasks of up to four heads of one sequence, fewer where that leaves threads idle.
        const std::int64_t threads = at::get_num_threads();
        std::int64_t group = dim == 64 || !wide ? 4 : 2;
        while (group > 1 && batch * ((heads + group - 1) / group) < threads)
            group /= 2;
        const std::int64_t groups = (heads + group - 1) / group;
        at::parallel_for(0, batch * groups, 1, [&](std::int64_t begin, std::int64_t end) {
            // A row of scores for each head of a task.
            std::vector<float> scores(static_cast<std::size_t>(group * length));
            HeadOperands members[4];
            for (std::int64_t task = begin; task < end; ++task) {
                const std::int64_t b = task / groups, first = task % groups * group;
                const int count = static_cast<int>(std::min(group, heads - first));
                for (int g = 0; g < count; ++g)
                    members[g] = operands(b, first + g);
                if (wide && dim == 64)
                    attendGroup512<4>(members, count, scores.data());
                else if (wide)
                    attendGroup512<8>(members, count, scores.data());
                else if (dim == 64)
                    attendGroup256<8>(members, count, scores.data());
                else
                    attendGroup256<16>(members, count, scores.data());
            }
        });
        return out;
    }
    at::parallel_for(0, batch * heads, 1, [&](std::int64_t begin, std::int64_t end) {
        std::vector<float> scores(static_cast<std::size_t>(length));
        for (std::int64_t task = begin; task < end; ++task) {
            const HeadOperands head = operands(task / heads, task % heads);
            if (wide)
                attendHead<dot512, addScaled512, exponentiate>(head, scores);
            else
                attendHead<dot256, addScaled256, exponentiate256>(head, scores);
        }
    });
    return out;
#endif
}

} // namespace geolens::detail
