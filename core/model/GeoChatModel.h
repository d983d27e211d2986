#pragma once

#include "common/JobProgress.h"
#include "model/ConversationPrompt.h"
#include "model/ImagePreprocessor.h"
#include "model/ModelConfig.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace geolens {

class Tokenizer;
namespace detail {
struct LlavaNetwork;
}

enum class ComputeDevice { Auto, Cpu, Cuda };
enum class WeightType { Auto, F32, BF16, F16 };
// How the decoder layers' seven projections are stored. Int8: int8 with a scale per output row,
// multiplied by GeoLens's kernels with float activations (the weights are the only copy); on the
// CPU only, for inference only. The rest of the model keeps the WeightType.
enum class WeightQuantization { None, Int8 };

struct ModelLoadOptions {
    ComputeDevice device = ComputeDevice::Auto; // Auto: CUDA when available
    int cudaIndex = 0;                          // which GPU, with CUDA
    WeightType dtype = WeightType::Auto;        // Auto: bf16 on CUDA, f32 on CPU
    WeightQuantization quantize = WeightQuantization::None;
    std::optional<int> imageSize;               // overrides the model's input resolution
    int threads = 0;                            // CPU threads; 0: LibTorch's default (OMP_NUM_THREADS)
    // A CLIP folder (openai/clip-vit-large-patch14-336's layout) whose vision weights and config
    // replace the checkpoint's: for checkpoints that keep the tower apart, as the original
    // LLaVA-1.5 releases do. Empty: the checkpoint's own tower.
    std::string visionTower;
    // Reports loading layer by layer and stops it (Canceled) when asked; may be null.
    const JobProgress *progress = nullptr;
    // Builds ordinary tensors instead of inference tensors, so that the distillation engine can
    // train the model or adapters on it. Slightly slower to run; no effect on the numbers.
    bool trainable = false;
    // Reads the CLIP tower alone (up to the hidden state the projector reads), for students that
    // keep it frozen: no decoder, projector or tokenizer, so a 13B model's tower loads in seconds.
    // Every text entry point of such a model throws InvalidArgument.
    bool visionOnly = false;
    // With imageSize: the size nearest to it that the tower's patches divide, where a size they do
    // not divide would be refused.
    bool roundImageSizeToPatches = false;
};

struct GenerationRequest {
    std::string question;           // the user's words; the template and the image are added
    std::vector<ChatTurn> history;  // earlier turns; the image belongs to the first
    int maxNewTokens = 256;
    double temperature = 0.0;       // 0: greedy
    double topP = 1.0;
    int topK = 0;
    double repetitionPenalty = 1.0;
    std::uint64_t seed = 0;
    std::vector<std::string> stopStrings;
    // Called with each newly completed piece of the answer (first image of a batch only).
    std::function<void(const std::string &text)> onText;
    const std::atomic<bool> *cancel = nullptr;
};

struct BenchmarkSettings {
    int batch = 8;          // tiles per batch for the batched scene-label measurement
    int decodeTokens = 64;  // tokens generated for the decode speed
    int sceneTokens = 5;    // tokens a scene label takes
    int repeats = 3;        // timed runs of each measurement, after one warm-up
};

// Speeds as `geolens-cli bench` reports them, on this model's device and element type.
struct BenchmarkReport {
    std::string device;
    std::string dtype;
    double visionMsPerTile = 0.0;      // CLIP + projector, batch 1
    int prefillTokens = 0;             // image tokens + a scene prompt
    double prefillMs = 0.0;
    // Decode, one token at a time as generation does it, timed from the first decoding step to the
    // last (prefill excluded, the device synchronised at both ends), never differenced.
    double decodeTokensPerSecond = 0.0;        // batch 1
    double decodeTokensPerSecondBatched = 0.0; // all rows of `batch` together
    // The machine's limit for decoding: each token reads every decoder weight once (the
    // embedding table only one row of it) and its row's cached keys and values, so bandwidth /
    // decodeBytesPerToken tokens a second at batch 1.
    double readBandwidthGBps = 0.0;            // a large buffer summed on the model's device, the best of
                                               // three samples across the run on the CPU
    double decodeBytesPerToken = 0.0;          // weights and cache
    double decodeCacheBytesPerToken = 0.0;     // the cache's part, averaged over the timed steps
    double decodeLimitTokensPerSecond = 0.0;
    // On the CPU, whose bandwidth a shared machine's neighbours move by a third within minutes,
    // the same limits at the bandwidth measured beside the decoding itself: just before and just
    // after each timed run, the larger of the two, averaged over the runs. 0 on a GPU, and where
    // the system cannot reset the resident peak, which the samples' buffer would otherwise raise.
    double decodeReadBandwidthGBpsBeside = 0.0;
    double decodeLimitTokensPerSecondBeside = 0.0;
    double decodeReadBandwidthGBpsBatchedBeside = 0.0;
    double decodeLimitTokensPerSecondBatchedBeside = 0.0;
    // The same within those runs, step by step: a read of 64 MiB a thread between every two
    // steps, and the bandwidth at which the steps would have taken the time they took, each at
    // the mean of the two reads around it (their harmonic mean). A neighbour's load that changes
    // within a run reaches a step and the reads beside it alike. 0 where the beside figures are,
    // and where the CPU has no vector kernels.
    double decodeReadBandwidthGBpsPaired = 0.0;
    double decodeLimitTokensPerSecondPaired = 0.0;
    double decodeReadBandwidthGBpsBatchedPaired = 0.0;
    double decodeLimitTokensPerSecondBatchedPaired = 0.0;
    // Prefill's limit: it is matrix products, 2 x (the decoder layers' weights) x tokens
    // floating-point operations, plus the output layer for the last position, at the arithmetic
    // limit: the larger of the rate a large matrix product reaches on the model's device and, on
    // the CPU, the multiply-add peak of its cores (the engine's own kernels beat the library's
    // product there).
    double matmulGflops = 0.0;
    double peakGflops = 0.0; // CPU only; 0 on a GPU
    double prefillLimitMs = 0.0;
    // A batched decoding step reads the weights once for all its rows and does each row's
    // products: its limit is the longer of the read and of the arithmetic at that limit.
    double decodeLimitTokensPerSecondBatched = 0.0;
    // Vision's limit, likewise: the tower's products for one tile (patch embedding, the layers up
    // to the selected one with their attention) and the projector's.
    double visionLimitMs = 0.0;
    double sceneTilesPerSecond = 0.0;   // vision + prefill + sceneTokens, batch 1
    int batch = 0;
    double sceneTilesPerSecondBatched = 0.0;
    double peakMemoryMiB = 0.0;        // device memory on CUDA, resident memory on the CPU (the
                                       // bandwidth samples' own buffer left out where it can be)
    std::string cpuKernels;            // the few-row products' kernels: avx512, avx2 or none
    // How decoding steps ran: "cuda-graph" (one captured graph replayed a step), "operations"
    // (launched one by one) or "fixed" (fixed-shape steps launched one by one, as
    // GEOLENS_DECODE_STEPS=fixed asks). With a graph, batch 1 is also timed with operations.
    std::string decodeSteps;
    double decodeTokensPerSecondOperations = 0.0; // 0 unless decodeSteps is "cuda-graph"
    double decodeGraphCaptureMs = 0.0;            // one row's capture, its warm-up step included
};

// What GeoChatModel::judgeScene answers about one image.
struct SceneJudgement {
    std::vector<double> classLogLikelihoods; // of each class as the whole answer
    std::vector<double> yesProbabilities;    // of each yes/no question
};

struct GenerationResult {
    std::vector<int> promptTokens;  // -200 marks the image slot
    std::vector<int> tokens;        // generated ids, the end-of-sequence token excluded
    std::vector<float> logprobs;    // log-probability of each generated token under the model
    std::string text;
    int numImageTokens = 0;
    bool cancelled = false;
    bool truncated = false;         // the context filled up before the answer ended
    std::string stopReason;         // "eos", "stop_string", "max_new_tokens", "context", "cancelled"
    double seconds = 0.0;
    double firstTokenSeconds = 0.0; // from the start (image, prompt) to the first generated token
};

// GeoChat (or any LLaVA-1.5 model) running natively: loads a model folder in any of the three
// checkpoint layouts, prepares images exactly as the reference does, and generates answers with
// a preallocated key/value cache. LibTorch stays behind this interface.
class GeoChatModel {
public:
    // Throws FileError / InvalidArgument with a message that names the file, tensor or setting.
    static std::unique_ptr<GeoChatModel> load(const std::string &folder, const ModelLoadOptions &options = {});

    // The real shapes of a named model ("geochat-7b", "geochat-13b", "tiny") filled with random
    // weights, to measure speed without downloading anything. Without a tokenizer model
    // generate() refuses and benchmark() works; with one (LLaMA's SentencePiece file) it answers
    // gibberish, which is enough to time distillation.
    static std::unique_ptr<GeoChatModel> createRandom(const std::string &preset, const ModelLoadOptions &options = {},
                                                      const std::string &tokenizerModel = {});
    static ModelConfig presetConfig(const std::string &preset);
    ~GeoChatModel();

    const ModelConfig &config() const;
    std::string deviceName() const; // "cpu", "cuda:0"
    std::string dtypeName() const;  // "f32", "bf16", "f16"
    std::uint64_t parameterCount() const;
    std::uint64_t weightBytes() const; // parameters times the element size in use

    // The llava_v1 conversation text for a question (with the <image> marker in the first turn).
    static std::string conversationPrompt(const std::string &question, const std::vector<ChatTurn> &history);
    // SentencePiece ids of plain text (with the leading space a word takes in an answer).
    std::vector<int> tokenize(const std::string &text) const;
    // Token ids of that text, -200 where the image features go.
    std::vector<int> promptTokens(const GenerationRequest &request) const;

    GenerationResult generate(const RgbImage &image, const GenerationRequest &request);
    // The same question for several images at once (scene labels for a batch of tiles).
    std::vector<GenerationResult> generateBatch(const std::vector<RgbImage> &images, const GenerationRequest &request);
    // One request per image in one forward pass (region captions with different boxes): prompts
    // of different lengths are left-padded and masked. onText streams the first image's answer.
    std::vector<GenerationResult> generateBatch(const std::vector<RgbImage> &images,
                                                const std::vector<GenerationRequest> &requests);

    // Log-probability of each token of continuation after the prompt and the tokens before it, in
    // one forward pass (teacher forcing): what parity tests and distillation losses compare.
    std::vector<float> scoreContinuation(const RgbImage &image, const GenerationRequest &request,
                                         const std::vector<int> &continuation);

    BenchmarkReport benchmark(const BenchmarkSettings &settings = {});

    // The log-likelihood of each candidate as the whole answer (its tokens, then the end of the
    // answer), in one batched pass after a single prefill: scene labels as real probabilities.
    std::vector<double> scoreAnswers(const RgbImage &image, const GenerationRequest &request,
                                     const std::vector<std::string> &candidates);

    // For each yes/no question about one image, the probability that the answer starts with yes:
    // the next-token distribution after the prompt, its mass on the yes tokens ("Yes", "yes", as
    // an answer's first word and as bare pieces) against the no tokens ("No", "no"). One vision pass and one prefill of what the prompts
    // share, then every question's own tokens in one batch. Throws InvalidArgument without a
    // tokenizer or when the tokenizer has no distinct yes and no tokens.
    std::vector<double> yesProbabilities(const RgbImage &image, const std::vector<std::string> &questions);
    // Both at once, as the teacher of a tile classifier asks them: classRequest's candidates
    // scored as scoreAnswers does (classes may be empty) and P(yes) of each yes/no question. One
    // vision pass and one prefill of what every prompt shares (the system text and the image)
    // serve them all.
    SceneJudgement judgeScene(const RgbImage &image, const GenerationRequest &classRequest,
                              const std::vector<std::string> &classes, const std::vector<std::string> &yesNoQuestions);

    // The projected image features [tokens x hidden] as float32, for tests and the distiller.
    std::vector<float> imageFeatures(const RgbImage &image);

    // For the distillation engine, which trains the network in place. The network's definition
    // (model/LlavaNetwork.h) includes LibTorch.
    detail::LlavaNetwork &network();
    const detail::LlavaNetwork &network() const;
    // Null for random weights made without a tokenizer model.
    const Tokenizer *tokenizer() const;
    const ImagePreprocessor &preprocessor() const;
    // Built as ordinary tensors (ModelLoadOptions::trainable), so that gradients can flow.
    bool isTrainable() const;

    struct Impl; // the engine's state, defined in model/GeoChatModelImpl.h (LibTorch)

private:
    explicit GeoChatModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace geolens
