#pragma once

// exp() of sixteen floats in AVX-512 registers, or eight in AVX2's, for the CPU kernels of a
// decoding step (the attention's softmax, the SwiGLU's sigmoid). Included only by files that
// compile such code behind a check of the CPU; x86-64 with GCC or Clang only.

#include <cmath>
#include <immintrin.h>

namespace geolens::detail {

// The constants both widths share: 1 / ln 2, ln 2 in two parts (so that r = x - n ln 2 keeps its
// low bits), and the polynomial's coefficients, highest degree first.
constexpr float expLog2e = 1.44269504088896341f;
constexpr float expLn2High = 0.693359375f, expLn2Low = -2.12194440e-4f;
constexpr float expCoefficients[] = {1.0f / 5040.0f, 1.0f / 720.0f, 1.0f / 120.0f, 1.0f / 24.0f,
                                     1.0f / 6.0f,    0.5f,          1.0f,          1.0f};

// exp(x) = 2^n exp(r), with n the nearest integer to x / ln 2 and |r| <= ln(2) / 2, where a
// degree-7 polynomial is within 1e-8 of exp(r). Below -200 the result is exactly 0 (masked
// positions of a softmax); above about 88.7 it is infinity; a NaN stays a NaN.
__attribute__((target("avx512f"), always_inline)) inline __m512 vectorExp512(__m512 x)
{
    // The lower bound as the first operand lets a NaN through.
    x = _mm512_max_ps(_mm512_set1_ps(-200.0f), x);
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(expLog2e)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(expLn2High), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(expLn2Low), r);
    __m512 p = _mm512_set1_ps(expCoefficients[0]);
#pragma GCC unroll 8
    for (int i = 1; i < 8; ++i)
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(expCoefficients[i]));
    return _mm512_scalef_ps(p, n);
}

// vectorExp512 in AVX2, which has no scalef: 2^n is built in the exponent bits, as two factors so
// that n = 128 (x just under 88.72) stays in range. Below about -87.34, where exp(x) is under
// float's smallest normal number, the result is exactly 0 rather than a denormal; above about
// 88.72 it is infinity; a NaN stays a NaN.
__attribute__((target("avx2,fma"), always_inline)) inline __m256 vectorExp256(__m256 x)
{
    const __m256 low = _mm256_set1_ps(-87.33654f), high = _mm256_set1_ps(88.72283f);
    const __m256 underflow = _mm256_cmp_ps(x, low, _CMP_LT_OQ);
    const __m256 overflow = _mm256_cmp_ps(x, high, _CMP_GT_OQ);
    // The bounds as the first operands let a NaN through.
    const __m256 c = _mm256_min_ps(high, _mm256_max_ps(low, x));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(c, _mm256_set1_ps(expLog2e)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(expLn2High), c);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(expLn2Low), r);
    __m256 p = _mm256_set1_ps(expCoefficients[0]);
#pragma GCC unroll 8
    for (int i = 1; i < 8; ++i)
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(expCoefficients[i]));
    const __m256i whole = _mm256_cvtps_epi32(n);
    const __m256i half = _mm256_srai_epi32(whole, 1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 first = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, bias), 23));
    const __m256 second = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(whole, half), bias), 23));
    const __m256 e = _mm256_mul_ps(_mm256_mul_ps(p, first), second);
    return _mm256_blendv_ps(_mm256_andnot_ps(underflow, e), _mm256_set1_ps(INFINITY), overflow);
}

} // namespace geolens::detail
