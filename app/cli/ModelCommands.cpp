#include "cli/ModelCommands.h"

#include "cli/CliArguments.h"
#include "cli/ModelOptions.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "model/CpuThreads.h"
#include "model/GeoChatModel.h"
#include "cli/ImageFile.h"

#include <cmath>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>


namespace geolens::cli {

namespace {

// Ctrl+C stops generation at the next token, and the answer so far is still printed.
std::atomic<bool> *interruptFlag = nullptr;

extern "C" void onInterrupt(int)
{
    if (interruptFlag)
        interruptFlag->store(true);
}

} // namespace

int runGenerate(const std::vector<std::string> &args)
{
    const CliArguments a(args,
                         {"model", "image", "prompt", "image-size", "max-new-tokens", "device", "dtype", "quantize", "temperature",
                          "top-p", "top-k", "repetition-penalty", "seed", "threads", "vision-tower"},
                         {"json"});
    if (!a.positional().empty())
        throw UsageError{"generate takes no positional arguments"};
    const auto folder = a.value("model");
    const auto imagePath = a.value("image");
    const auto prompt = a.value("prompt");
    if (!folder || !imagePath || !prompt)
        throw UsageError{"generate needs --model DIR, --image FILE and --prompt TEXT"};

    const ModelLoadOptions options = loadOptions(a);

    GenerationRequest request;
    request.question = *prompt;
    request.maxNewTokens = a.intValue("max-new-tokens", 256);
    request.temperature = a.doubleValue("temperature", 0.0);
    request.topP = a.doubleValue("top-p", 1.0);
    request.topK = a.intValue("top-k", 0);
    request.repetitionPenalty = a.doubleValue("repetition-penalty", 1.0);
    request.seed = static_cast<std::uint64_t>(a.intValue("seed", 0));
    if (request.maxNewTokens < 1 || request.maxNewTokens > 65536)
        throw UsageError{"--max-new-tokens must be between 1 and 65536"};
    if (request.temperature < 0 || request.topP <= 0 || request.topP > 1 || request.topK < 0 || request.repetitionPenalty <= 0)
        throw UsageError{"--temperature >= 0, 0 < --top-p <= 1, --top-k >= 0 and --repetition-penalty > 0"};
    const bool json = a.has("json");

    const RgbImage image = readImageFile(*imagePath);
    const auto loadStarted = std::chrono::steady_clock::now();
    const auto model = GeoChatModel::load(*folder, options);
    const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - loadStarted).count();

    std::atomic<bool> cancel{false};
    request.cancel = &cancel;
    interruptFlag = &cancel;
    std::signal(SIGINT, onInterrupt);
    if (!json)
        request.onText = [](const std::string &piece) {
            std::cout << piece << std::flush;
        };
    const GenerationResult r = model->generate(image, request);
    std::signal(SIGINT, SIG_DFL);
    interruptFlag = nullptr;

    if (!json) {
        std::cout << std::endl;
        if (r.cancelled)
            std::cerr << "geolens-cli: generation cancelled; the answer above is incomplete" << std::endl;
        if (r.truncated)
            std::cerr << "geolens-cli: the model's context filled up; the answer above is truncated" << std::endl;
        return r.cancelled ? 130 : 0;
    }
    Json out = Json::object();
    Json promptTokens = r.promptTokens, tokens = r.tokens, logprobs = Json::array();
    // JSON has no NaN: a log-probability that is not finite is written as null, as metrics.jsonl does.
    for (float lp : r.logprobs)
        logprobs.push_back(std::isfinite(lp) ? Json(static_cast<double>(lp)) : Json());
    out["prompt_tokens"] = promptTokens;
    out["tokens"] = tokens;
    out["logprobs"] = logprobs;
    out["text"] = r.text;
    out["num_image_tokens"] = r.numImageTokens;
    out["device"] = model->deviceName();
    out["dtype"] = model->dtypeName();
    out["quantize"] = options.quantize == WeightQuantization::Int8 ? "int8" : "none";
    out["seconds"] = r.seconds;
    out["load_seconds"] = loadSeconds;
    out["first_token_seconds"] = r.firstTokenSeconds;
    out["weight_bytes"] = model->weightBytes();
    out["stop_reason"] = r.stopReason;
    out["cancelled"] = r.cancelled;
    out["truncated"] = r.truncated;
    std::cout << dumpJson(out, 2) << std::endl;
    return r.cancelled ? 130 : 0;
}

int runBench(const std::vector<std::string> &args)
{
    const CliArguments a(args, {"model", "random", "device", "dtype", "quantize", "image-size", "batch", "decode-tokens", "repeats", "threads", "vision-tower"}, {});
    if (!a.positional().empty())
        throw UsageError{"bench takes no positional arguments"};
    const auto folder = a.value("model");
    const auto preset = a.value("random");
    if (folder.has_value() == preset.has_value())
        throw UsageError{"bench needs either --model DIR or --random geochat-7b|geochat-13b|small|tiny"};
    const ModelLoadOptions options = loadOptions(a);
    BenchmarkSettings settings;
    settings.batch = a.intValue("batch", settings.batch);
    settings.decodeTokens = a.intValue("decode-tokens", settings.decodeTokens);
    settings.repeats = a.intValue("repeats", settings.repeats);
    if (settings.batch < 1 || settings.batch > 256 || settings.decodeTokens < 1 || settings.repeats < 1)
        throw UsageError{"--batch (1-256), --decode-tokens and --repeats must be positive"};

    const auto model = folder ? GeoChatModel::load(*folder, options) : GeoChatModel::createRandom(*preset, options);
    const BenchmarkReport r = model->benchmark(settings);
    Json out = Json::object();
    out["model"] = folder ? *folder : "random " + *preset;
    out["device"] = r.device;
    out["dtype"] = r.dtype;
    out["quantize"] = options.quantize == WeightQuantization::Int8 ? "int8" : "none";
    out["image_size"] = model->config().inputSize;
    out["vision_ms_per_tile"] = r.visionMsPerTile;
    out["prefill_tokens"] = r.prefillTokens;
    out["prefill_ms"] = r.prefillMs;
    out["matmul_gflops"] = r.matmulGflops;
    if (r.peakGflops > 0.0)
        out["peak_gflops"] = r.peakGflops;
    out["vision_limit_ms"] = r.visionLimitMs;
    out["vision_share_of_limit"] = r.visionLimitMs / r.visionMsPerTile;
    out["prefill_limit_ms"] = r.prefillLimitMs;
    out["prefill_share_of_limit"] = r.prefillLimitMs / r.prefillMs;
    out["decode_tokens_per_s"] = r.decodeTokensPerSecond;
    out["decode_tokens_per_s_batched"] = r.decodeTokensPerSecondBatched;
    out["decode_steps"] = r.decodeSteps;
    if (r.decodeTokensPerSecondOperations > 0.0) { // the same steps launched one by one
        out["decode_tokens_per_s_operations"] = r.decodeTokensPerSecondOperations;
        out["decode_graph_capture_ms"] = r.decodeGraphCaptureMs;
    }
    // The machine's limit beside the figure: how far from the hardware decoding is.
    out["read_bandwidth_gb_s"] = r.readBandwidthGBps;
    out["decode_bytes_per_token"] = r.decodeBytesPerToken;
    out["decode_cache_bytes_per_token"] = r.decodeCacheBytesPerToken;
    out["decode_limit_tokens_per_s"] = r.decodeLimitTokensPerSecond;
    out["decode_share_of_limit"] = r.decodeTokensPerSecond / r.decodeLimitTokensPerSecond;
    out["decode_limit_tokens_per_s_batched"] = r.decodeLimitTokensPerSecondBatched;
    out["decode_share_of_limit_batched"] = r.decodeTokensPerSecondBatched / r.decodeLimitTokensPerSecondBatched;
    // The same shares at the bandwidth measured just before and after the decoding runs
    // ("beside"), and between the decoding steps, step by step ("paired"); CPU only.
    const auto sharesAt = [&](const std::string &name, double gbps, double limit, double gbpsBatched,
                              double limitBatched) {
        if (limit <= 0.0 || limitBatched <= 0.0)
            return;
        out["decode_read_bandwidth_" + name + "_gb_s"] = gbps;
        out["decode_share_of_limit_" + name] = r.decodeTokensPerSecond / limit;
        out["decode_read_bandwidth_" + name + "_gb_s_batched"] = gbpsBatched;
        out["decode_share_of_limit_" + name + "_batched"] = r.decodeTokensPerSecondBatched / limitBatched;
    };
    sharesAt("beside", r.decodeReadBandwidthGBpsBeside, r.decodeLimitTokensPerSecondBeside,
             r.decodeReadBandwidthGBpsBatchedBeside, r.decodeLimitTokensPerSecondBatchedBeside);
    sharesAt("paired", r.decodeReadBandwidthGBpsPaired, r.decodeLimitTokensPerSecondPaired,
             r.decodeReadBandwidthGBpsBatchedPaired, r.decodeLimitTokensPerSecondBatchedPaired);
    out["scene_tiles_per_s_batch1"] = r.sceneTilesPerSecond;
    out["batch"] = r.batch;
    out["scene_tiles_per_s_batched"] = r.sceneTilesPerSecondBatched;
    out["peak_memory_mib"] = r.peakMemoryMiB;
    out["cpu_kernels"] = r.cpuKernels;
    out["blas_threading"] = blasThreading();
    std::cout << dumpJson(out, 2) << std::endl;
    return 0;
}

} // namespace geolens::cli
