#pragma once

// exp() of sixteen floats in AVX-512 registers, for the CPU kernels of a decoding step (the
// attention's softmax, the SwiGLU's sigmoid). Included only by files that compile AVX-512 code
// behind a check of the CPU; x86-64 with GCC or Clang only.

#include <immintrin.h>

namespace geolens::detail {

// exp(x) = 2^n exp(r), with n the nearest integer to x / ln 2 and |r| <= ln(2) / 2, where a
// degree-7 polynomial is within 1e-8 of exp(r). Below -200 the result is exactly 0 (masked
// positions of a softmax); above about 88.7 it is infinity; a NaN stays a NaN.
__attribute__((target("avx512f"), always_inline)) inline __m512 vectorExp512(__m512 x)
{
    // The lower bound as the first operand lets a NaN through.
    x = _mm512_max_ps(_mm512_set1_ps(-200.0f), x);
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // ln 2 in two parts, so that r = x - n ln 2 keeps its low bits.
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.0f / 5040.0f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(p, n);
}

} // namespace geolens::detail
