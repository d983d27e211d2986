#include "model/DecodeRowOps.h"

#include "model/SmallBatchLinear.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__x86_64__) && defined(__GNUC__)
#include "model/VectorExp.h"
// GCC 12's own AVX-512 intrinsics read an intentionally undefined register, which its warnings
// take for an uninitialised variable.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define GEOLENS_ROW_OPS_KERNELS 1
#endif

namespace geolens::detail {
namespace {

bool wantsGradient(const torch::Tensor &t)
{
    return torch::GradMode::is_enabled() && t.requires_grad();
}

bool isCpuFloat(const torch::Tensor &t)
{
    return t.defined() && t.device().is_cpu() && t.scalar_type() == torch::kFloat32 && !wantsGradient(t);
}

float silu(float g)
{
    return g / (1.0f + std::exp(-g));
}

#ifdef GEOLENS_ROW_OPS_KERNELS
__attribute__((target("avx512f"))) void siluProduct512(const float *gate, const float *up, float *out, std::int64_t n)
{
    const __m512 one = _mm512_set1_ps(1.0f);
    for (std::int64_t i = 0; i < n; i += 16) {
        const __mmask16 lanes = n - i >= 16 ? __mmask16(0xffff) : __mmask16((1u << (n - i)) - 1u);
        const __m512 g = _mm512_maskz_loadu_ps(lanes, gate + i);
        const __m512 e = vectorExp512(_mm512_sub_ps(_mm512_setzero_ps(), g));
        const __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, e));
        _mm512_mask_storeu_ps(out + i, lanes, _mm512_mul_ps(silu, _mm512_maskz_loadu_ps(lanes, up + i)));
    }
}

__attribute__((target("avx2,fma"))) void siluProduct256(const float *gate, const float *up, float *out, std::int64_t n)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    std::int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 e = vectorExp256(_mm256_sub_ps(_mm256_setzero_ps(), g));
        const __m256 silu = _mm256_div_ps(g, _mm256_add_ps(one, e));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
    }
    for (; i < n; ++i)
        out[i] = silu(gate[i]) * up[i];
}

#endif

} // namespace

bool rmsNormRowsApplies(const torch::Tensor &x, const torch::Tensor &weight)
{
    if (!smallBatchKernelsAvailable() || !isCpuFloat(x) || !isCpuFloat(weight) || x.dim() < 1 || weight.dim() != 1)
        return false;
    const std::int64_t width = x.size(-1);
    return width > 0 && weight.size(0) == width && weight.is_contiguous() && x.is_contiguous() &&
           x.numel() / width <= decodeRowOpsRowLimit;
}

torch::Tensor rmsNormRows(const torch::Tensor &x, const torch::Tensor &weight, double eps)
{
    const std::int64_t width = x.size(-1);
    const std::int64_t rows = x.numel() / width;
    auto out = torch::empty_like(x);
    const float *in = x.data_ptr<float>();
    const float *w = weight.data_ptr<float>();
    float *o = out.data_ptr<float>();
    for (std::int64_t r = 0; r < rows; ++r) {
        const float *row = in + r * width;
        // The sum in double, at least as exact as LibTorch's float reduction whatever its order,
        // in eight independent parts so that the additions overlap.
        double parts[8] = {};
        std::int64_t i = 0;
        for (; i + 8 <= width; i += 8)
            for (int j = 0; j < 8; ++j)
                parts[j] += static_cast<double>(row[i + j]) * row[i + j];
        for (; i < width; ++i)
            parts[0] += static_cast<double>(row[i]) * row[i];
        const double squares = ((parts[0] + parts[1]) + (parts[2] + parts[3])) + ((parts[4] + parts[5]) + (parts[6] + parts[7]));
        // The reference's operations in its order and type: mean, + eps, rsqrt, x * r, w * (x r).
        const float variance = static_cast<float>(squares / static_cast<double>(width));
        const float scale = 1.0f / std::sqrt(variance + static_cast<float>(eps));
        float *dst = o + r * width;
        for (std::int64_t k = 0; k < width; ++k)
            dst[k] = w[k] * (row[k] * scale);
    }
    return out;
}

bool rotaryRowsApplies(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin)
{
    if (!smallBatchKernelsAvailable() || !isCpuFloat(x) || !isCpuFloat(cos) || !isCpuFloat(sin))
        return false;
    if (x.dim() != 4 || cos.dim() != 4 || sin.dim() != 4 || cos.sizes() != sin.sizes())
        return false;
    const std::int64_t batch = x.size(0), tokens = x.size(2), dim = x.size(3);
    if (dim % 2 != 0 || batch * tokens > decodeRowOpsRowLimit)
        return false;
    if ((cos.size(0) != 1 && cos.size(0) != batch) || cos.size(1) != 1 || cos.size(2) != tokens || cos.size(3) != dim)
        return false;
    return x.stride(3) == 1 && cos.stride(3) == 1 && sin.stride(3) == 1;
}

torch::Tensor rotaryRows(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin)
{
    const std::int64_t batch = x.size(0), heads = x.size(1), tokens = x.size(2), dim = x.size(3);
    const std::int64_t half = dim / 2;
    auto out = torch::empty({batch, heads, tokens, dim}, x.options());
    float *o = out.data_ptr<float>();
    const float *xs = x.data_ptr<float>();
    const float *cs = cos.data_ptr<float>();
    const float *ss = sin.data_ptr<float>();
    for (std::int64_t b = 0; b < batch; ++b) {
        const std::int64_t tb = cos.size(0) == 1 ? 0 : b;
        for (std::int64_t h = 0; h < heads; ++h) {
            for (std::int64_t t = 0; t < tokens; ++t) {
                const float *row = xs + b * x.stride(0) + h * x.stride(1) + t * x.stride(2);
                const float *c = cs + tb * cos.stride(0) + t * cos.stride(2);
                const float *s = ss + tb * sin.stride(0) + t * sin.stride(2);
                float *dst = o + ((b * heads + h) * tokens + t) * dim;
                // rotate_half(x) is [-x2, x1]: the two products rounded apart, then added, as the
                // reference's separate operations round them.
                for (std::int64_t i = 0; i < half; ++i) {
                    const float a = row[i] * c[i];
                    const float r = -row[i + half] * s[i];
                    dst[i] = a + r;
                }
                for (std::int64_t i = half; i < dim; ++i) {
                    const float a = row[i] * c[i];
                    const float r = row[i - half] * s[i];
                    dst[i] = a + r;
                }
            }
        }
    }
    return out;
}

bool siluProductRowsApplies(const torch::Tensor &gate, const torch::Tensor &up)
{
    if (!smallBatchKernelsAvailable() || !isCpuFloat(gate) || !isCpuFloat(up) || gate.dim() < 1 ||
        gate.sizes() != up.sizes() || !gate.is_contiguous() || !up.is_contiguous())
        return false;
    const std::int64_t width = gate.size(-1);
    return width > 0 && gate.numel() / width <= decodeRowOpsRowLimit;
}

torch::Tensor siluProductRows(const torch::Tensor &gate, const torch::Tensor &up)
{
    auto out = torch::empty_like(gate);
    const float *g = gate.data_ptr<float>();
    const float *u = up.data_ptr<float>();
    float *o = out.data_ptr<float>();
    const std::int64_t n = gate.numel();
#ifdef GEOLENS_ROW_OPS_KERNELS
    if (smallBatchKernelsWide()) {
        siluProduct512(g, u, o, n);
        return out;
    }
    if (smallBatchKernelsAvailable()) {
        siluProduct256(g, u, o, n);
        return out;
    }
#endif
    for (std::int64_t i = 0; i < n; ++i)
        o[i] = silu(g[i]) * u[i];
    return out;
}

bool cachePositionWriteApplies(const torch::Tensor &cache, const torch::Tensor &rows)
{
    if (!cache.defined() || !rows.defined() || !cache.device().is_cpu() || !rows.device().is_cpu() ||
        cache.scalar_type() != torch::kFloat32 || rows.scalar_type() != torch::kFloat32 || wantsGradient(rows))
        return false;
    if (cache.dim() != 4 || rows.dim() != 4 || rows.size(2) != 1)
        return false;
    return cache.size(0) == rows.size(0) && cache.size(1) == rows.size(1) && cache.size(3) == rows.size(3) &&
           cache.stride(3) == 1 && rows.stride(3) == 1;
}

void writeCachePosition(torch::Tensor &cache, std::int64_t position, const torch::Tensor &rows)
{
    if (position < 0 || position >= cache.size(2))
        throw std::out_of_range("cache position " + std::to_string(position) + " is outside its " +
                                std::to_string(cache.size(2)) + " positions");
    const std::int64_t batch = rows.size(0), heads = rows.size(1), dim = rows.size(3);
    float *target = cache.data_ptr<float>() + position * cache.stride(2);
    const float *source = rows.data_ptr<float>();
    for (std::int64_t b = 0; b < batch; ++b)
        for (std::int64_t h = 0; h < heads; ++h)
            std::memcpy(target + b * cache.stride(0) + h * cache.stride(1), source + b * rows.stride(0) + h * rows.stride(1),
                        static_cast<std::size_t>(dim) * sizeof(float));
}

} // namespace geolens::detail
