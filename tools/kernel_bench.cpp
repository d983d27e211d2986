// geolens-kernel-bench [--rows 1,8,16] [--repeats N] [--threads N] [--dtype f32|bf16] [--positions N]:
// the decoding step's matrix products and attention alone. It multiplies the decoder matrices of
// the `small` preset (16 layers of 1024 wide, 2816 in the MLP, and the 32000-row output layer:
// 953 MB in float32) one after the other through the streaming kernels, as a decoding step does,
// and prints one JSON object per row count with the best pass's time, its read rate and
// arithmetic rate, and the machine's read bandwidth measured in the same run. In float32 the same
// matrices then go through the packed layout that models loaded for inference use
// (`"path": "packed"`), with the row-major weights released first, and the time packing took is
// printed (`pack_ms`). In float32 it then
// times the step's attention over a cache of N positions (350 by default, about what `bench`
// decodes at) for the same rows, beside LibTorch's operations on the same cache, and the step's
// SwiGLU products and cache writes (`"row_ops"`), fused and as LibTorch's operations. With AVX-512
// the attention line also gives the same bytes read in the kernel's order with no arithmetic
// (`pattern_read_ms`), and both against a plain read of as many bytes: what the order of the reads
// alone costs.
//
// The packed products are also timed pass by pass with a read of 64 MiB a thread between passes,
// the probe `bench` reads between decoding steps (`"paired"`): their share of the read rate
// measured around each pass. The same is done for a plain read of as many bytes as the packed
// weights, read the way the limit is: its share shows how far the probe's short samples stand from
// a long read's rate (about 1). A benchmark, not a test: it asserts nothing and is not run by
// ctest.

#include "model/CpuThreads.h"
#include "model/DecodeAttention.h"
#include "model/DecodeRowOps.h"
#include "model/MachineLimits.h"
#include "model/PackedWeight.h"
#include "model/ReadRateProbe.h"
#include "model/SmallBatchLinear.h"

#include <torch/torch.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GEOLENS_BENCH_PATTERN_READ 1
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double bestSeconds(int repeats, F &&f)
{
    double best = 1e30;
    for (int i = 0; i < repeats; ++i) {
        const auto start = Clock::now();
        f();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
    }
    return best;
}

std::vector<int> parseRows(const std::string &text)
{
    std::vector<int> rows;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        rows.push_back(std::stoi(item));
    return rows;
}

#ifdef GEOLENS_BENCH_PATTERN_READ
// The rows of four heads' caches (rows of 64 floats, stride floats apart) read as the attention
// kernel reads a task's keys or values: four streams side by side, a row of each in turn, each
// fetched 1024 bytes ahead, but with no arithmetic beyond a sum. What a kernel that reads in this
// order could reach at best.
__attribute__((target("avx512f"))) float readFourHeads(const float *const (&heads)[4], std::int64_t length,
                                                      std::int64_t stride)
{
    constexpr std::int64_t ahead = 4; // rows of 256 bytes, as the kernel's attentionPrefetchBytes
    __m512 acc[4];
    for (auto &a : acc)
        a = _mm512_setzero_ps();
    // The kernel fetches each stream's first rows before it starts.
    for (int g = 0; g < 4; ++g)
        for (std::int64_t s = 0; s < std::min(ahead, length); ++s)
            for (int c = 0; c < 4; ++c)
                _mm_prefetch(reinterpret_cast<const char *>(heads[g] + s * stride) + 64 * c, _MM_HINT_T0);
    for (std::int64_t s = 0; s < length; ++s) {
        for (int g = 0; g < 4; ++g) {
            const float *row = heads[g] + s * stride;
            for (int c = 0; c < 4; ++c) {
                if (s + ahead < length)
                    _mm_prefetch(reinterpret_cast<const char *>(row + ahead * stride) + 64 * c, _MM_HINT_T0);
                acc[g] = _mm512_add_ps(acc[g], _mm512_loadu_ps(row + 16 * c));
            }
        }
    }
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3])));
    return lanes[0];
}
#endif

// Seconds of reading every layer's keys and values ([rows, heads, S, 64] each) in the order of the
// AVX-512 attention kernel, without its arithmetic; 0 where that kernel does not run.
double patternReadSeconds(const std::vector<torch::Tensor> &keys, const std::vector<torch::Tensor> &values,
                          int repeats)
{
#ifdef GEOLENS_BENCH_PATTERN_READ
    if (!geolens::detail::smallBatchKernelsWide())
        return 0.0;
    volatile float sink = 0.0f;
    return bestSeconds(repeats, [&] {
        for (std::size_t l = 0; l < keys.size(); ++l)
            for (const torch::Tensor *cache : {&keys[l], &values[l]}) {
                const float *base = cache->data_ptr<float>();
                for (std::int64_t b = 0; b < cache->size(0); ++b)
                    for (std::int64_t h = 0; h + 4 <= cache->size(1); h += 4) {
                        const float *heads[4];
                        for (int g = 0; g < 4; ++g)
                            heads[g] = base + b * cache->stride(0) + (h + g) * cache->stride(1);
                        sink = sink + readFourHeads(heads, cache->size(2), cache->stride(2));
                    }
            }
    });
#else
    (void)keys, (void)values, (void)repeats;
    return 0.0;
#endif
}

// The step's attention for rows sequences over a cache of positions, every layer of the `small`
// preset (16 heads of 64), through decodeAttention and through LibTorch's operations: the keys
// and values are read once either way.
void timeAttention(int rows, int positions, int repeats, double bandwidth)
{
    constexpr std::int64_t layers = 16, heads = 16, dim = 64;
    const std::int64_t capacity = positions + 64; // a generation's cache has room past its length
    std::vector<torch::Tensor> keys, values;
    for (std::int64_t l = 0; l < layers; ++l) {
        keys.push_back(torch::randn({rows, heads, capacity, dim}).narrow(2, 0, positions));
        values.push_back(torch::randn({rows, heads, capacity, dim}).narrow(2, 0, positions));
    }
    const auto q = torch::randn({rows, heads, 1, dim});
    const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
    const bool applies = geolens::detail::decodeAttentionApplies(q, keys[0], values[0], {});
    const double operations = bestSeconds(repeats, [&] {
        for (std::int64_t l = 0; l < layers; ++l) {
            const auto scores = torch::matmul(q, keys[static_cast<std::size_t>(l)].transpose(-1, -2)) * scale;
            (void)torch::matmul(torch::softmax(scores, -1), values[static_cast<std::size_t>(l)]);
        }
    });
    // Without the kernels (GEOLENS_CPU_KERNELS=none, or not x86-64) a step takes LibTorch's operations.
    const double kernel = !applies ? operations : bestSeconds(repeats, [&] {
        for (std::int64_t l = 0; l < layers; ++l)
            (void)geolens::detail::decodeAttention(q, keys[static_cast<std::size_t>(l)],
                                                   values[static_cast<std::size_t>(l)], {}, scale);
    });
    const double bytes = 2.0 * layers * rows * heads * positions * dim * 4.0;
    std::printf("{\"rows\": %d, \"attention_positions\": %d, \"path\": \"%s\", \"ms\": %.2f, \"read_gb_s\": %.2f, "
                "\"share_of_read_bandwidth\": %.3f, \"libtorch_ms\": %.2f, \"speedup\": %.2f",
                rows, positions, applies ? "kernel" : "libtorch", kernel * 1e3, bytes / kernel / 1e9,
                bytes / kernel / 1e9 / bandwidth, operations * 1e3, operations / kernel);
    // The same bytes in the kernel's order with no arithmetic, and a plain read of as many bytes
    // right after it: how much of the gap to the read bandwidth the order of the reads alone makes.
    if (const double pattern = applies ? patternReadSeconds(keys, values, repeats) : 0.0; pattern > 0.0) {
        const auto plain = torch::ones({static_cast<std::int64_t>(bytes / 4)});
        const double plainSeconds = bestSeconds(repeats, [&] {
            (void)geolens::detail::streamRead(plain.data_ptr<float>(), plain.numel(), true);
        });
        std::printf(", \"pattern_read_ms\": %.2f, \"pattern_share_of_plain_read\": %.3f, "
                    "\"kernel_share_of_plain_read\": %.3f",
                    pattern * 1e3, plainSeconds / pattern, plainSeconds / kernel);
    }
    std::printf("}\n");
}

// The SwiGLU product and the two cache writes of every layer of a step (the element-wise work
// between the products that costs most at a batch of eight), through the fused loops and through
// LibTorch's operations. Each pass writes the next position of the cache, as decoding does, so
// that the writes meet lines the cache of the core does not hold yet.
void timeRowOps(int rows, int positions, int repeats)
{
    constexpr std::int64_t layers = 16, heads = 16, dim = 64, intermediate = 2816;
    const std::int64_t capacity = positions + repeats + 1;
    std::vector<torch::Tensor> keys, values;
    for (std::int64_t l = 0; l < layers; ++l) {
        keys.push_back(torch::zeros({rows, heads, capacity, dim}));
        values.push_back(torch::zeros({rows, heads, capacity, dim}));
    }
    const auto gate = torch::randn({rows, 1, intermediate});
    const auto up = torch::randn({rows, 1, intermediate});
    // [B, T, H, D] seen as [B, H, T, D], as the projections hand the step's keys over.
    const auto step = torch::randn({rows, 1, heads, dim}).transpose(1, 2);
    const bool fusedApplies = geolens::detail::siluProductRowsApplies(gate, up) &&
                              geolens::detail::cachePositionWriteApplies(keys[0], step);
    if (!fusedApplies)
        return;
    std::int64_t position = positions;
    const double fused = bestSeconds(repeats, [&] {
        for (std::int64_t l = 0; l < layers; ++l) {
            (void)geolens::detail::siluProductRows(gate, up);
            geolens::detail::writeCachePosition(keys[static_cast<std::size_t>(l)], position, step);
            geolens::detail::writeCachePosition(values[static_cast<std::size_t>(l)], position, step);
        }
        ++position;
    });
    position = positions;
    const double reference = bestSeconds(repeats, [&] {
        for (std::int64_t l = 0; l < layers; ++l) {
            (void)(torch::silu(gate) * up);
            keys[static_cast<std::size_t>(l)].slice(2, position, position + 1).copy_(step);
            values[static_cast<std::size_t>(l)].slice(2, position, position + 1).copy_(step);
        }
        ++position;
    });
    std::printf("{\"rows\": %d, \"row_ops\": \"swiglu and cache writes\", \"ms\": %.3f, \"libtorch_ms\": %.3f, "
                "\"speedup\": %.2f}\n",
                rows, fused * 1e3, reference * 1e3, reference / fused);
}

int usage()
{
    std::cerr << "usage: geolens-kernel-bench [--rows 1,8,16] [--repeats N] [--threads N] [--dtype f32|bf16] "
                 "[--positions N]\n";
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<int> rowCounts{1, 8, 16};
    int repeats = 5;
    int threads = 1;
    std::string dtype = "f32";
    int positions = 350;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc)
            return usage();
        const std::string value = argv[++i];
        try {
            if (arg == "--rows")
                rowCounts = parseRows(value);
            else if (arg == "--repeats")
                repeats = std::max(1, std::stoi(value));
            else if (arg == "--threads")
                threads = std::max(1, std::stoi(value));
            else if (arg == "--dtype")
                dtype = value;
            else if (arg == "--positions")
                positions = std::stoi(value);
            else
                return usage();
        } catch (const std::exception &) { // std::stoi: not a number
            return usage();
        }
    }
    const bool rowsValid = !rowCounts.empty() && std::all_of(rowCounts.begin(), rowCounts.end(), [](int r) { return r > 0; });
    if (!rowsValid || (dtype != "f32" && dtype != "bf16") || positions < 1)
        return usage();
    geolens::setCpuThreads(threads);
    torch::NoGradGuard noGrad;
    const auto type = dtype == "f32" ? torch::kFloat32 : torch::kBFloat16;

    constexpr std::int64_t hidden = 1024, intermediate = 2816, layers = 16, vocab = 32000;
    std::vector<torch::Tensor> weights;
    for (std::int64_t l = 0; l < layers; ++l) {
        for (int p = 0; p < 4; ++p)
            weights.push_back(torch::randn({hidden, hidden}).to(type));
        weights.push_back(torch::randn({intermediate, hidden}).to(type));
        weights.push_back(torch::randn({intermediate, hidden}).to(type));
        weights.push_back(torch::randn({hidden, intermediate}).to(type));
    }
    weights.push_back(torch::randn({vocab, hidden}).to(type));
    double bytes = 0, weightCount = 0;
    for (const auto &w : weights) {
        bytes += static_cast<double>(w.numel() * w.element_size());
        weightCount += static_cast<double>(w.numel());
    }

    const double bandwidth = geolens::detail::measureReadBandwidthGBps(torch::kCPU);

    std::printf("{\"kernel\": \"%s\", \"dtype\": \"%s\", \"threads\": %d, \"weight_bytes\": %.0f, "
                "\"read_bandwidth_gb_s\": %.2f}\n",
                geolens::detail::smallBatchKernelName(), dtype.c_str(), threads, bytes, bandwidth);
    for (const int rows : rowCounts) {
        std::vector<torch::Tensor> inputs;
        for (const auto &w : weights)
            inputs.push_back(torch::randn({rows, w.size(1)}));
        bool applies = true;
        for (std::size_t i = 0; i < weights.size(); ++i)
            applies = applies && geolens::detail::smallBatchLinearApplies(inputs[i], weights[i]);
        const double seconds = bestSeconds(repeats, [&] {
            for (std::size_t i = 0; i < weights.size(); ++i) {
                if (applies)
                    (void)geolens::detail::smallBatchLinear(inputs[i], weights[i]);
                else
                    (void)torch::linear(inputs[i], weights[i]);
            }
        });
        const double readRate = bytes / seconds / 1e9;
        std::printf("{\"rows\": %d, \"path\": \"%s\", \"ms\": %.2f, \"read_gb_s\": %.2f, \"gflop_s\": %.1f, "
                    "\"share_of_read_bandwidth\": %.3f}\n",
                    rows, applies ? "kernel" : "linear", seconds * 1e3, readRate,
                    2.0 * weightCount * rows / seconds / 1e9, readRate / bandwidth);
    }
    if (type == torch::kFloat32 && geolens::detail::PackedWeight::available()) {
        std::vector<geolens::detail::PackedWeight> packed;
        const auto packStart = Clock::now();
        for (auto &w : weights) {
            packed.push_back(geolens::detail::PackedWeight::from(w));
            w = torch::Tensor();
        }
        // What packing adds to loading a model of this size.
        std::printf("{\"pack_ms\": %.1f}\n", std::chrono::duration<double, std::milli>(Clock::now() - packStart).count());
        double packedBytes = 0;
        for (const auto &p : packed)
            packedBytes += static_cast<double>(p.bytes());
        // Pass by pass between the probe's reads ("paired"): each pass's time against the read
        // rate measured just before and just after it. Rate and share are 0 where no probe can be
        // made (a build or CPU without the vector kernels).
        const auto pairedShare = [&](const std::function<void()> &pass) {
            geolens::detail::ReadRateProbe probe;
            if (!probe.available())
                return std::make_pair(0.0, 0.0);
            double seconds = 0.0;
            const int passes = 2 * repeats;
            for (int i = 0; i < passes; ++i)
                seconds += probe.timeBetweenSamples(pass);
            const double paired = probe.pairedGBps();
            return std::make_pair(paired, packedBytes * passes / seconds / 1e9 / paired);
        };
        {
            // One buffer of the weights' size, read in one call so that every thread has pieces to
            // take; the products' own matrices are a few MB each.
            const auto plain = torch::ones({static_cast<std::int64_t>(packedBytes / 4)});
            const auto [readRate, readShare] = pairedShare([&] {
                (void)geolens::detail::streamRead(plain.data_ptr<float>(), plain.numel(),
                                                 geolens::detail::smallBatchKernelsWide());
            });
            if (readRate > 0.0)
                std::printf("{\"path\": \"plain read\", \"paired_read_gb_s\": %.2f, \"paired_share\": %.3f}\n",
                            readRate, readShare);
        }
        for (const int rows : rowCounts) {
            std::vector<torch::Tensor> inputs;
            for (const auto &p : packed)
                inputs.push_back(torch::randn({rows, p.in()}));
            const auto pass = [&] {
                for (std::size_t i = 0; i < packed.size(); ++i)
                    (void)packed[i].multiply(inputs[i]);
            };
            const double seconds = bestSeconds(repeats, pass);
            const double readRate = packedBytes / seconds / 1e9;
            std::printf("{\"rows\": %d, \"path\": \"packed\", \"ms\": %.2f, \"read_gb_s\": %.2f, \"gflop_s\": %.1f, "
                        "\"share_of_read_bandwidth\": %.3f}\n",
                        rows, seconds * 1e3, readRate, 2.0 * weightCount * rows / seconds / 1e9, readRate / bandwidth);
            if (const auto [rate, share] = pairedShare(pass); rate > 0.0) {
                std::printf("{\"rows\": %d, \"path\": \"packed\", \"paired_read_gb_s\": %.2f, "
                            "\"paired_share\": %.3f}\n",
                            rows, rate, share);
            }
        }
    }
    if (type == torch::kFloat32) {
        for (const int rows : rowCounts)
            timeAttention(rows, positions, repeats, bandwidth);
        for (const int rows : rowCounts)
            timeRowOps(rows, positions, repeats);
    }
    return 0;
}
