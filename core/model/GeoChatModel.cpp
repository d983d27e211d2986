#include "model/GeoChatModel.h"

#include "common/Error.h"
#include "model/CheckpointFolder.h"
#include "model/CpuThreads.h"
#include "model/DecodeStepGraph.h"
#include "model/DecodingRun.h"
#include "model/GeoChatModelImpl.h"
#include "model/MachineLimits.h"
#include "model/ModelFolderCheck.h"
#include "model/ParameterCount.h"
#include "model/PixelBatch.h"
#include "model/ReadRateProbe.h"
#include "model/SmallBatchLinear.h"
#include "model/StreamingDecoder.h"
#include "model/TokenSampler.h"
#include "model/Tokenizer.h"

#if __has_include(<cuda_runtime_api.h>) && __has_include(<c10/cuda/CUDACachingAllocator.h>)
#include <c10/cuda/CUDACachingAllocator.h>
#include <cuda_runtime_api.h>
#define GEOLENS_HAVE_CUDA_ALLOCATOR 1
#else
#define GEOLENS_HAVE_CUDA_ALLOCATOR 0
#endif

#include <algorithm>
#include <cmath>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

namespace geolens {

namespace {

namespace fs = std::filesystem;

std::string shapeText(const std::vector<std::int64_t> &shape)
{
    std::ostringstream s;
    s << '[';
    for (std::size_t i = 0; i < shape.size(); ++i)
        s << (i ? ", " : "") << shape[i];
    s << ']';
    return s.str();
}

std::uint64_t availableMemoryBytes()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit)
        if (key == "MemAvailable:")
            return kib * 1024;
    return 0;
}

// Where the network's tensors come from: a checkpoint, or random numbers of the right shapes.
class TensorSource {
public:
    virtual ~TensorSource() = default;
    virtual torch::Tensor take(const std::string &name, const std::vector<std::int64_t> &shape,
                               std::optional<torch::ScalarType> type = std::nullopt) const = 0;
    // The first dimension of a tensor whose size the configuration does not fix.
    virtual std::int64_t rows(const std::string &name, std::int64_t expected) const = 0;
    virtual bool has(const std::string &name) const = 0;
};

// Hands out the checkpoint's tensors by name, checking each shape against the configuration and
// converting it to the engine's device and element type.
class WeightSource : public TensorSource {
public:
    WeightSource(TensorMap tensors, std::string folder, torch::Device device, torch::ScalarType type)
        : tensors_(std::move(tensors)), folder_(std::move(folder)), device_(device), type_(type)
    {
    }

    const TensorInfo &info(const std::string &name) const
    {
        auto it = tensors_.find(name);
        if (it == tensors_.end())
            throw FileError(folder_, "the checkpoint has no tensor \"" + name + "\".");
        return it->second;
    }

    bool has(const std::string &name) const override { return tensors_.count(name) != 0; }

    std::int64_t rows(const std::string &name, std::int64_t) const override { return info(name).shape.at(0); }

    torch::Tensor take(const std::string &name, const std::vector<std::int64_t> &shape,
                       std::optional<torch::ScalarType> type = std::nullopt) const override
    {
        const TensorInfo &t = info(name);
        if (t.shape != shape)
            throw FileError(folder_, "tensor \"" + name + "\" has shape " + shapeText(t.shape) + ", expected " +
                                         shapeText(shape) + ".");
        if (t.dtype != DType::F16 && t.dtype != DType::BF16 && t.dtype != DType::F32 && t.dtype != DType::F64)
            throw FileError(folder_, "tensor \"" + name + "\" holds " + dtypeName(t.dtype) + ", not floating point.");
        // The mapping is read-only and outlives this call; the copy below owns its memory.
        const auto source = torch::from_blob(const_cast<std::uint8_t *>(t.data()), t.shape, t.strides,
                                             torch::dtype(torchType(t.dtype)));
        auto copy = source.to(device_, type.value_or(type_), /*non_blocking=*/false, /*copy=*/true).contiguous();
        // The checkpoint's pages of this tensor are not needed again: without this, a loaded model
        // kept its whole checkpoint resident beside its weights (twice the memory for f32 on f32).
        t.file->release(t.offset, t.extentBytes());
        return copy;
    }

private:
    TensorMap tensors_;
    std::string folder_;
    torch::Device device_;
    torch::ScalarType type_;
};

// Random weights of the requested shapes (normal, standard deviation 0.02, norms at one), made
// directly on the device: fast to build, and what a speed measurement needs.
class RandomSource : public TensorSource {
public:
    RandomSource(torch::Device device, torch::ScalarType type) : device_(device), type_(type) {}

    torch::Tensor take(const std::string &name, const std::vector<std::int64_t> &shape,
                       std::optional<torch::ScalarType> type = std::nullopt) const override
    {
        const auto options = torch::dtype(type.value_or(type_)).device(device_);
        const bool norm = name.find("norm") != std::string::npos || name.find("layrnorm") != std::string::npos;
        if (norm && name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0)
            return torch::ones(shape, options);
        return torch::randn(shape, options) * 0.02;
    }

    std::int64_t rows(const std::string &, std::int64_t expected) const override { return expected; }
    bool has(const std::string &) const override { return true; }

private:
    torch::Device device_;
    torch::ScalarType type_;
};

const char *const VisionPrefix = "model.vision_tower.vision_tower.vision_model.";

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

// The vision tower's weights: the checkpoint's own, or those of the CLIP folder the user named,
// which replace them. A checkpoint without them (the original LLaVA-1.5 releases keep CLIP apart)
// is refused with what to download, before any weight is read.
void attachVisionTower(TensorMap &tensors, const std::string &folder, const std::string &visionTower)
{
    if (visionTower.empty()) {
        for (const auto &entry : tensors)
            if (startsWith(entry.first, VisionPrefix))
                return;
        throw FileError(folder, "holds no vision-tower weights: like the original LLaVA-1.5 releases, this checkpoint "
                                "keeps the CLIP tower apart. Download the tower its config.json names (mm_vision_tower), "
                                "e.g. `hf download openai/clip-vit-large-patch14-336 --local-dir "
                                "clip-vit-large-patch14-336`, and name that folder with --vision-tower DIR (in the Load "
                                "Model dialog: Vision tower).");
    }
    for (auto it = tensors.begin(); it != tensors.end();)
        it = startsWith(it->first, VisionPrefix) ? tensors.erase(it) : std::next(it);
    // CLIPModel and CLIPVisionModel checkpoints name the tower vision_model.*; the text half and
    // the projections of CLIPModel are not used.
    std::size_t found = 0;
    for (auto &[name, tensor] : readCheckpointFolder(visionTower)) {
        std::string canonical;
        if (startsWith(name, "vision_model."))
            canonical = VisionPrefix + name.substr(std::char_traits<char>::length("vision_model."));
        else if (startsWith(name, VisionPrefix))
            canonical = name;
        else
            continue;
        tensor.name = canonical;
        tensors.insert_or_assign(canonical, std::move(tensor));
        ++found;
    }
    if (found == 0)
        throw FileError(visionTower, "holds no CLIP vision weights (tensors named vision_model.*).");
}

} // namespace


torch::ScalarType torchType(DType t)
{
    switch (t) {
    case DType::F16: return torch::kHalf;
    case DType::BF16: return torch::kBFloat16;
    case DType::F32: return torch::kFloat32;
    case DType::F64: return torch::kFloat64;
    case DType::I64: return torch::kLong;
    case DType::I32: return torch::kInt;
    case DType::I16: return torch::kShort;
    case DType::I8: return torch::kChar;
    case DType::U8: return torch::kByte;
    case DType::Bool: return torch::kBool;
    }
    return torch::kFloat32;
}

namespace {

// The most tiles the CPU runs through vision, prefill and decoding together. Per tile, 8 at once
// were 1.12x faster than one at a time and 16 at once 0.96x (random:small, one thread; with two
// threads 1.08 against 0.92 tiles/s): beyond about 8 the activations and attention scores of a
// batch outgrow the caches. A larger batch goes in chunks.
constexpr std::size_t CpuBatchChunk = 8;

// How many of a batch's tiles go through the model together on this device.
std::size_t batchChunk(const torch::Device &device, std::size_t batch)
{
    return device.is_cuda() ? batch : std::min(batch, CpuBatchChunk);
}

} // namespace

double devicePeakMemoryMiB(const torch::Device &device)
{
#if GEOLENS_HAVE_CUDA_ALLOCATOR
    if (device.is_cuda()) {
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index());
        return static_cast<double>(stats.allocated_bytes[0].peak) / (1024.0 * 1024.0);
    }
#else
    (void)device;
#endif
    return 0.0;
}

GeoChatModel::GeoChatModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GeoChatModel::~GeoChatModel() = default;

const ModelConfig &GeoChatModel::config() const
{
    return impl_->config;
}

detail::LlavaNetwork &GeoChatModel::network()
{
    return impl_->network;
}

const detail::LlavaNetwork &GeoChatModel::network() const
{
    return impl_->network;
}

const Tokenizer *GeoChatModel::tokenizer() const
{
    return impl_->tokenizer.get();
}

const ImagePreprocessor &GeoChatModel::preprocessor() const
{
    return impl_->preprocess;
}

bool GeoChatModel::isTrainable() const
{
    return impl_->trainable;
}

std::string GeoChatModel::deviceName() const
{
    return impl_->device.str();
}

std::string GeoChatModel::dtypeName() const
{
    switch (impl_->type) {
    case torch::kBFloat16: return "bf16";
    case torch::kHalf: return "f16";
    default: return "f32";
    }
}

namespace {

// Device, element type and CPU threads from the options: CUDA when asked for or available, bf16
// there and f32 on the CPU unless told otherwise.
void chooseDevice(torch::Device &device, torch::ScalarType &type, const ModelLoadOptions &options)
{
    const bool cuda = options.device == ComputeDevice::Cuda ||
                      (options.device == ComputeDevice::Auto && torch::cuda::is_available());
    if (cuda && !torch::cuda::is_available())
        throw InvalidArgument("CUDA was asked for, but this build of GeoLens or this machine has no CUDA device.");
    if (cuda && options.cudaIndex >= static_cast<int>(torch::cuda::device_count()))
        throw InvalidArgument("CUDA device " + std::to_string(options.cudaIndex) + " was asked for; this machine has " +
                              std::to_string(torch::cuda::device_count()) + ".");
    device = cuda ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(options.cudaIndex)) : torch::Device(torch::kCPU);
    switch (options.dtype) {
    case WeightType::Auto: type = cuda ? torch::kBFloat16 : torch::kFloat32; break;
    case WeightType::F32: type = torch::kFloat32; break;
    case WeightType::BF16: type = torch::kBFloat16; break;
    case WeightType::F16:
        if (!cuda)
            throw InvalidArgument("f16 weights need a CUDA device; on the CPU use f32 or bf16.");
        type = torch::kHalf;
        break;
    }
    // 0 leaves LibTorch's own choice: every physical core, or OMP_NUM_THREADS when it is set.
    if (!cuda)
        setCpuThreads(options.threads);

}

// The parameters of the seven projections of every decoder layer: what int8 quantisation stores
// in one byte each.
std::uint64_t projectionParameters(const TextModelConfig &t)
{
    const std::uint64_t hidden = static_cast<std::uint64_t>(t.hiddenSize);
    const std::uint64_t kvWidth = static_cast<std::uint64_t>(t.kvHeads) * static_cast<std::uint64_t>(t.hiddenSize / t.heads);
    return static_cast<std::uint64_t>(t.layers) *
           (2 * hidden * hidden + 2 * kvWidth * hidden + 3 * hidden * static_cast<std::uint64_t>(t.intermediateSize));
}

// The output rows of those projections: one int8 scale each.
std::uint64_t projectionRows(const TextModelConfig &t)
{
    const std::uint64_t kvWidth = static_cast<std::uint64_t>(t.kvHeads) * static_cast<std::uint64_t>(t.hiddenSize / t.heads);
    return static_cast<std::uint64_t>(t.layers) *
           (2 * static_cast<std::uint64_t>(t.hiddenSize) + 2 * kvWidth + 3 * static_cast<std::uint64_t>(t.intermediateSize));
}

// The bytes of the weights in the given element type and quantisation.
std::uint64_t weightBytesFor(const ModelConfig &c, torch::ScalarType type, WeightQuantization quantize)
{
    const std::uint64_t element = type == torch::kFloat32 ? 4 : 2;
    const std::uint64_t all = countParameters(c);
    if (quantize == WeightQuantization::None)
        return all * element;
    const std::uint64_t projections = projectionParameters(c.text);
    // Beside each byte, one float32 scale per output row.
    return (all - projections) * element + projections + 4 * projectionRows(c.text);
}

// The quantisation asked for, refused where it cannot run: int8 runs on the CPU and is for
// inference only. The rest of the model keeps the element type asked for (bf16 halves it).
WeightQuantization checkedQuantization(const ModelLoadOptions &options, torch::Device device)
{
    if (options.quantize == WeightQuantization::None)
        return options.quantize;
    if (!device.is_cpu())
        throw InvalidArgument("int8 weights run on the CPU only in this build: load the model with --device cpu, or "
                              "without --quantize.");
    if (options.trainable)
        throw InvalidArgument("A model with int8 weights cannot be trained: distil from full-precision weights.");
    return options.quantize;
}

// Refuses up front a model that will not fit, with the numbers, instead of failing half-way.
void checkMemory(const ModelConfig &c, torch::Device device, torch::ScalarType type, WeightQuantization quantize)
{
    const std::uint64_t bytes = weightBytesFor(c, type, quantize);
    std::uint64_t available = 0;
    std::string where = "memory";
#if GEOLENS_HAVE_CUDA_ALLOCATOR
    if (device.is_cuda()) {
        size_t freeBytes = 0, totalBytes = 0;
        cudaSetDevice(device.index()); // the free memory of the GPU asked for
        if (cudaMemGetInfo(&freeBytes, &totalBytes) == cudaSuccess)
            available = freeBytes;
        where = "GPU memory";
    } else
#endif
    if (device.is_cpu())
        available = availableMemoryBytes();
    if (available > 0 && bytes > available)
        throw InvalidArgument("The model needs " + std::to_string(bytes >> 20) + " MiB for its weights in " +
                              (type == torch::kFloat32 ? "f32" : type == torch::kHalf ? "f16" : "bf16") + ", but only " +
                              std::to_string(available >> 20) + " MiB of " + where + " is free.");
}

} // namespace

static void buildNetwork(GeoChatModel::Impl &impl, const TensorSource &w, const std::string &where,
                         const JobProgress *progress);

std::uint64_t GeoChatModel::parameterCount() const
{
    return countParameters(impl_->config);
}

std::uint64_t GeoChatModel::weightBytes() const
{
    return weightBytesFor(impl_->config, impl_->type, impl_->quantize);
}

std::unique_ptr<GeoChatModel> GeoChatModel::load(const std::string &folder, const ModelLoadOptions &options)
{
    auto impl = std::make_unique<Impl>();
    // A download still running or broken off is told apart, with what is missing and how to resume,
    // before anything is read.
    requireCompleteModelFolder(folder);
    if (!options.visionTower.empty())
        requireCompleteModelFolder(options.visionTower, false);
    const bool round = options.roundImageSizeToPatches && options.imageSize;
    impl->config = ModelConfig::load(folder, round ? std::nullopt : options.imageSize, options.visionTower);
    if (round)
        impl->config.setInputSize(ModelConfig::nearestInputSize(*options.imageSize, impl->config.vision.patchSize));
    impl->visionOnly = options.visionOnly;
    // Refused before any weight is read: every prompt would fail, after minutes of work.
    if (const std::string problem = impl->config.contextProblem(); !problem.empty() && !impl->visionOnly)
        throw InvalidArgument("The model in " + folder + " cannot take its images: " + problem);
    chooseDevice(impl->device, impl->type, options);
    impl->trainable = options.trainable;
    impl->quantize = checkedQuantization(options, impl->device);
    if (!impl->visionOnly) {
        checkMemory(impl->config, impl->device, impl->type, impl->quantize);
        // requireCompleteModelFolder has seen it there.
        impl->tokenizer = Tokenizer::load((fs::path(folder) / "tokenizer.model").string());
    }

    TensorMap tensors = canonicalTensorNames(readCheckpointFolder(folder), impl->config.layout);
    attachVisionTower(tensors, folder, options.visionTower);
    const WeightSource weights(std::move(tensors), folder, impl->device, impl->type);
    buildNetwork(*impl, weights, folder, options.progress);
    return std::unique_ptr<GeoChatModel>(new GeoChatModel(std::move(impl)));
}

ModelConfig GeoChatModel::presetConfig(const std::string &preset)
{
    ModelConfig c;
    c.modelType = "geochat";
    c.inputSize = 504;
    c.projectorDepth = 2;
    if (preset == "geochat-7b") {
        c.text = TextModelConfig{}; // LLaMA-7B / Vicuna-7B
    } else if (preset == "geochat-13b") {
        c.text.hiddenSize = 5120;
        c.text.intermediateSize = 13824;
        c.text.layers = 40;
        c.text.heads = c.text.kvHeads = 40;
    } else if (preset == "small") {
        // A few hundred million parameters (about 270 M in the decoder): large enough that decoding
        // reads its weights from memory, not from the caches, so that bench measures the CPU's
        // real limit; small enough for any machine.
        c.text.hiddenSize = 1024;
        c.text.intermediateSize = 2816;
        c.text.layers = 16;
        c.text.heads = c.text.kvHeads = 16;
        c.vision.imageSize = 224;
        c.vision.patchSize = 14;
        c.vision.hiddenSize = 512;
        c.vision.intermediateSize = 2048;
        c.vision.layers = 8;
        c.vision.heads = 8;
        c.inputSize = 224;
    } else if (preset == "tiny") {
        c.text.hiddenSize = 32;
        c.text.intermediateSize = 48;
        c.text.layers = 2;
        c.text.heads = 4;
        c.text.kvHeads = 2;
        c.vision.imageSize = 16;
        c.vision.patchSize = 4;
        c.vision.hiddenSize = 24;
        c.vision.intermediateSize = 40;
        c.vision.layers = 3;
        c.vision.heads = 2;
        c.inputSize = 24;
    } else {
        throw InvalidArgument("Unknown model preset \"" + preset + "\" (geochat-7b, geochat-13b, small or tiny).");
    }
    c.text.maxPositions = std::max(c.text.maxPositions, 2048);
    return c;
}

std::unique_ptr<GeoChatModel> GeoChatModel::createRandom(const std::string &preset, const ModelLoadOptions &options,
                                                        const std::string &tokenizerModel)
{
    auto impl = std::make_unique<Impl>();
    impl->config = presetConfig(preset);
    if (!tokenizerModel.empty()) {
        if (!fs::exists(tokenizerModel))
            throw FileError(tokenizerModel, "there is no SentencePiece tokenizer model here.");
        impl->tokenizer = Tokenizer::load(tokenizerModel);
    }
    if (options.imageSize)
        impl->config.inputSize = *options.imageSize;
    chooseDevice(impl->device, impl->type, options);
    impl->trainable = options.trainable;
    impl->quantize = checkedQuantization(options, impl->device);
    checkMemory(impl->config, impl->device, impl->type, impl->quantize);
    buildNetwork(*impl, RandomSource(impl->device, impl->type), "random " + preset, options.progress);
    return std::unique_ptr<GeoChatModel>(new GeoChatModel(std::move(impl)));
}

// The CLIP tower's weights, up to the hidden state the projector reads.
static void buildVisionTower(GeoChatModel::Impl &impl, const TensorSource &w, const std::string &where,
                             const std::function<void()> &step)
{
    const ModelConfig &c = impl.config;
    const VisionModelConfig &v = c.vision;
    const std::string vp = VisionPrefix;
    if (!w.has(vp + "embeddings.patch_embedding.weight"))
        throw FileError(where, "the checkpoint holds no vision tower weights (" + vp +
                                    "*); GeoLens needs them in the model folder.");
    detail::ClipVisionTower &tower = impl.network.tower;
    tower.patchSize = v.patchSize;
    tower.heads = v.heads;
    tower.layerNormEps = v.layerNormEps;
    tower.quickGelu = v.quickGelu;
    tower.classEmbedding = w.take(vp + "embeddings.class_embedding", {v.hiddenSize});
    tower.patchWeight = w.take(vp + "embeddings.patch_embedding.weight", {v.hiddenSize, 3, v.patchSize, v.patchSize});
    // The table is stored for the training resolution (or already resized); resample it in
    // float32 to the input grid, as GeoChat does at load time.
    const std::string positions = vp + "embeddings.position_embedding.weight";
    const std::int64_t rows = w.rows(positions, 1 + static_cast<std::int64_t>(v.imageSize / v.patchSize) * (v.imageSize / v.patchSize));
    const int nativeGrid = v.imageSize / v.patchSize;
    const int inputGrid = c.gridSize();
    if (rows != 1 + static_cast<std::int64_t>(nativeGrid) * nativeGrid && rows != 1 + static_cast<std::int64_t>(inputGrid) * inputGrid)
        throw FileError(where, "tensor \"" + positions + "\" has " + std::to_string(rows) + " rows, expected " +
                                    std::to_string(1 + nativeGrid * nativeGrid) + " (or " +
                                    std::to_string(1 + inputGrid * inputGrid) + ").");
    tower.positionEmbedding =
        detail::interpolatePositionTable(w.take(positions, {rows, v.hiddenSize}, torch::kFloat32), inputGrid).to(impl.type);
    tower.preNormWeight = w.take(vp + "pre_layrnorm.weight", {v.hiddenSize});
    tower.preNormBias = w.take(vp + "pre_layrnorm.bias", {v.hiddenSize});
    const int statesNeeded = c.selectLayer < 0 ? v.layers + 1 + c.selectLayer : c.selectLayer;
    // Only the layers up to the selected hidden state are loaded: it is counted from the front.
    impl.network.visionLayer = statesNeeded;
    impl.network.dropClassToken = c.dropClassToken;
    for (int i = 0; i < statesNeeded; ++i) {
        step();
        const std::string p = vp + "encoder.layers." + std::to_string(i) + ".";
        detail::ClipEncoderLayer l;
        const std::vector<std::int64_t> square{v.hiddenSize, v.hiddenSize}, vec{v.hiddenSize};
        l.norm1Weight = w.take(p + "layer_norm1.weight", vec);
        l.norm1Bias = w.take(p + "layer_norm1.bias", vec);
        l.norm2Weight = w.take(p + "layer_norm2.weight", vec);
        l.norm2Bias = w.take(p + "layer_norm2.bias", vec);
        l.qWeight = w.take(p + "self_attn.q_proj.weight", square);
        l.qBias = w.take(p + "self_attn.q_proj.bias", vec);
        l.kWeight = w.take(p + "self_attn.k_proj.weight", square);
        l.kBias = w.take(p + "self_attn.k_proj.bias", vec);
        l.vWeight = w.take(p + "self_attn.v_proj.weight", square);
        l.vBias = w.take(p + "self_attn.v_proj.bias", vec);
        l.outWeight = w.take(p + "self_attn.out_proj.weight", square);
        l.outBias = w.take(p + "self_attn.out_proj.bias", vec);
        l.fc1Weight = w.take(p + "mlp.fc1.weight", {v.intermediateSize, v.hiddenSize});
        l.fc1Bias = w.take(p + "mlp.fc1.bias", {v.intermediateSize});
        l.fc2Weight = w.take(p + "mlp.fc2.weight", {v.hiddenSize, v.intermediateSize});
        l.fc2Bias = w.take(p + "mlp.fc2.bias", vec);
        tower.layers.push_back(std::move(l));
    }
}

// The language model's weights: embeddings, layers (each quantised as it is read), norm, output.
static void buildDecoder(GeoChatModel::Impl &impl, const TensorSource &w, const std::string &where,
                         const std::function<void()> &step)
{
    const TextModelConfig &t = impl.config.text;
    const int headDim = t.hiddenSize / t.heads;
    const std::int64_t kvDim = static_cast<std::int64_t>(t.kvHeads) * headDim;
    detail::LlamaDecoder &d = impl.network.decoder;
    d.heads = t.heads;
    d.kvHeads = t.kvHeads;
    d.headDim = headDim;
    d.rmsEps = t.rmsNormEps;
    d.ropeTheta = t.ropeTheta;
    const std::int64_t vocab = w.rows("model.embed_tokens.weight", t.vocabSize);
    if (vocab < t.vocabSize)
        throw FileError(where, "model.embed_tokens.weight has " + std::to_string(vocab) + " rows, fewer than the vocabulary of " +
                                    std::to_string(t.vocabSize) + ".");
    d.embedTokens = w.take("model.embed_tokens.weight", {vocab, t.hiddenSize});
    d.finalNorm = w.take("model.norm.weight", {t.hiddenSize});
    d.lmHead = w.take("lm_head.weight", {vocab, t.hiddenSize});
    // A float32 model that runs but is not trained multiplies on the CPU through its own kernels,
    // which read weights laid out for them (PackedWeight): the layout replaces the float copy.
    const bool pack = !impl.trainable && impl.device.is_cpu() && impl.type == torch::kFloat32 &&
                      impl.quantize == WeightQuantization::None && detail::PackedWeight::available();
    if (pack)
        d.packOutputLayer();
    for (int i = 0; i < t.layers; ++i) {
        step();
        const std::string p = "model.layers." + std::to_string(i) + ".";
        detail::LlamaLayer l;
        l.inputNorm = w.take(p + "input_layernorm.weight", {t.hiddenSize});
        l.postNorm = w.take(p + "post_attention_layernorm.weight", {t.hiddenSize});
        l.q = w.take(p + "self_attn.q_proj.weight", {t.hiddenSize, t.hiddenSize});
        l.k = w.take(p + "self_attn.k_proj.weight", {kvDim, t.hiddenSize});
        l.v = w.take(p + "self_attn.v_proj.weight", {kvDim, t.hiddenSize});
        l.o = w.take(p + "self_attn.o_proj.weight", {t.hiddenSize, t.hiddenSize});
        l.gate = w.take(p + "mlp.gate_proj.weight", {t.intermediateSize, t.hiddenSize});
        l.up = w.take(p + "mlp.up_proj.weight", {t.intermediateSize, t.hiddenSize});
        l.down = w.take(p + "mlp.down_proj.weight", {t.hiddenSize, t.intermediateSize});
        // Layer by layer, so that the float weights of one layer at most are held beside the int8.
        if (impl.quantize == WeightQuantization::Int8)
            l.quantize();
        else if (pack)
            l.pack();
        d.layers.push_back(std::move(l));
    }
}

static void buildProjector(GeoChatModel::Impl &impl, const TensorSource &w)
{
    const ModelConfig &c = impl.config;
    const std::int64_t hidden = c.text.hiddenSize;
    for (int i = 0; i < c.projectorDepth; ++i) {
        const std::string p = "model.mm_projector." + std::to_string(2 * i) + ".";
        const std::int64_t in = i == 0 ? c.vision.hiddenSize : hidden;
        impl.network.projector.weights.push_back(w.take(p + "weight", {hidden, in}));
        impl.network.projector.biases.push_back(w.take(p + "bias", {hidden}));
    }
}

static void buildNetwork(GeoChatModel::Impl &impl, const TensorSource &w, const std::string &where,
                         const JobProgress *progress)
{
    // Progress in layers (language, then vision), checked for a cancel between them.
    const int steps = (impl.visionOnly ? 0 : impl.config.text.layers) + impl.config.vision.layers + 1;
    int done = 0;
    const auto step = [&] {
        if (!progress)
            return;
        progress->throwIfCanceled();
        progress->report(++done, steps, "load");
    };
    // Inference tensors are cheaper, but autograd cannot save them for a backward pass: a model
    // that will be trained (even only through adapters) is built as ordinary tensors.
    std::optional<c10::InferenceMode> inference;
    std::optional<torch::NoGradGuard> noGrad;
    if (impl.trainable)
        noGrad.emplace();
    else
        inference.emplace();
    // A vision-only load never reads the decoder's or the projector's weights.
    if (!impl.visionOnly)
        buildDecoder(impl, w, where, step);
    buildVisionTower(impl, w, where, step);
    if (!impl.visionOnly)
        buildProjector(impl, w);
    impl.preprocess = ImagePreprocessor(impl.config.inputSize);
    if (progress)
        progress->report(steps, steps, "load");
}

std::string GeoChatModel::conversationPrompt(const std::string &question, const std::vector<ChatTurn> &history)
{
    return llavaConversationPrompt(question, history);
}

std::vector<int> GeoChatModel::tokenize(const std::string &text) const
{
    if (!impl_->tokenizer)
        throw InvalidArgument(impl_->noTextReason());
    return impl_->tokenizer->encode(text);
}

std::vector<int> GeoChatModel::promptTokens(const GenerationRequest &request) const
{
    if (!impl_->tokenizer)
        throw InvalidArgument(impl_->noTextReason());
    return impl_->tokenizer->encodePrompt(conversationPrompt(request.question, request.history));
}

std::string GeoChatModel::Impl::noTextReason() const
{
    return visionOnly ? "This model was loaded for its vision tower alone; it has no decoder or tokenizer."
                      : "This model has random weights for speed measurements and no tokenizer.";
}

torch::Tensor GeoChatModel::Impl::encodeImages(const std::vector<RgbImage> &images) const
{
    return network.imageFeatures(detail::pixelBatch(preprocess, images));
}

std::vector<float> GeoChatModel::scoreContinuation(const RgbImage &image, const GenerationRequest &request,
                                                   const std::vector<int> &continuation)
{
    c10::InferenceMode inference;
    if (continuation.empty())
        return {};
    const std::vector<int> prompt = promptTokens(request);
    const auto embeds = impl_->network.promptEmbeddings(prompt, impl_->encodeImages({image}), continuation);
    const std::int64_t length = embeds.size(1);
    if (length > impl_->config.text.maxPositions)
        throw InvalidArgument("The prompt and continuation take " + std::to_string(length) + " tokens, more than the context of " +
                              std::to_string(impl_->config.text.maxPositions) + ".");
    detail::KvCache cache = impl_->network.decoder.makeCache(1, length);
    // Token k of the continuation is predicted at the position just before it.
    const std::int64_t first = length - static_cast<std::int64_t>(continuation.size()) - 1;
    const auto logits = impl_->network.decoder.forward(embeds, cache, false)[0].narrow(
        0, first, static_cast<std::int64_t>(continuation.size()));
    std::vector<std::int64_t> next(continuation.begin(), continuation.end());
    const auto scores = detail::logProbsAt(logits, torch::tensor(next, torch::kLong).to(logits.device())).to(torch::kCPU).contiguous();
    return std::vector<float>(scores.data_ptr<float>(), scores.data_ptr<float>() + scores.numel());
}

namespace {

// Each answer as generation would produce it: SentencePiece pieces (with the leading space the
// first word takes after "ASSISTANT:"), then end of sequence.
std::vector<std::vector<std::int64_t>> answerTokens(const GeoChatModel &model, const std::vector<std::string> &candidates)
{
    std::vector<std::vector<std::int64_t>> answers;
    for (const std::string &c : candidates) {
        std::vector<std::int64_t> ids;
        for (int id : model.tokenize(c))
            ids.push_back(id);
        if (ids.empty())
            throw InvalidArgument("An answer to score is empty.");
        ids.push_back(model.config().text.eosTokenId);
        answers.push_back(std::move(ids));
    }
    return answers;
}

std::size_t longestOf(const std::vector<std::vector<std::int64_t>> &rows)
{
    std::size_t longest = 0;
    for (const auto &r : rows)
        longest = std::max(longest, r.size());
    return longest;
}

// The log-likelihood of each answer as the continuation of what cache holds, whose last position
// gave firstLogits [V]: the answers in one batch after the cached prefix.
std::vector<double> scoreAnswersAfter(const GeoChatModel::Impl &m, const detail::KvCache &cache,
                                      const torch::Tensor &firstLogits, const std::vector<std::vector<std::int64_t>> &answers)
{
    // Answers right-padded with end-of-sequence; padding positions are never read. Token 0 is
    // predicted by the prompt's last position, token k by the answer's k - 1: next holds, at each
    // answer position, the token it predicts.
    const auto rows = static_cast<std::int64_t>(answers.size());
    const auto columns = static_cast<std::int64_t>(longestOf(answers));
    std::vector<std::int64_t> ids(static_cast<std::size_t>(rows * columns), m.config.text.eosTokenId);
    std::vector<std::int64_t> next(ids.size(), m.config.text.eosTokenId), firstIds;
    for (std::int64_t r = 0; r < rows; ++r) {
        firstIds.push_back(answers[r][0]);
        for (std::size_t k = 0; k < answers[r].size(); ++k) {
            ids[static_cast<std::size_t>(r * columns) + k] = answers[r][k];
            if (k > 0)
                next[static_cast<std::size_t>(r * columns) + k - 1] = answers[r][k];
        }
    }
    const auto asTensor = [&](const std::vector<std::int64_t> &values, std::int64_t width) {
        return torch::tensor(values, torch::kLong).view({-1, width}).to(m.device);
    };
    const auto logits = m.network.decoder.forwardAfterPrefix(m.network.decoder.embed(asTensor(ids, columns)), cache);
    // Only the candidates' tokens are scored: no [N, L, V] log-softmax is made or copied.
    const auto firstScores = detail::logProbsAt(firstLogits.unsqueeze(0).expand({rows, -1}), asTensor(firstIds, 1).squeeze(1)).to(torch::kCPU);
    const auto laterScores = detail::logProbsAt(logits, asTensor(next, columns)).to(torch::kCPU);
    const auto firstAt = firstScores.accessor<float, 1>();
    const auto laterAt = laterScores.accessor<float, 2>();
    std::vector<double> scores;
    for (std::int64_t r = 0; r < rows; ++r) {
        double total = firstAt[r];
        for (std::size_t k = 1; k < answers[r].size(); ++k)
            total += laterAt[r][static_cast<std::int64_t>(k) - 1];
        scores.push_back(total);
    }
    return scores;
}

struct YesNoTokens {
    std::vector<std::int64_t> yes, no;
};

// The first piece of each spelling as an answer's first word ("\u2581Yes"), and the word as a
// piece without the word-start mark where the vocabulary has it.
YesNoTokens yesNoTokens(const GeoChatModel &model, const Tokenizer &tokenizer)
{
    const auto firstPieces = [&](std::initializer_list<const char *> words) {
        std::vector<std::int64_t> ids;
        const auto add = [&](int id) {
            if (id != tokenizer.unk() && std::find(ids.begin(), ids.end(), id) == ids.end())
                ids.push_back(id);
        };
        for (const char *w : words) {
            if (const std::vector<int> t = model.tokenize(w); !t.empty())
                add(t.front());
            add(tokenizer.pieceToId(w));
        }
        return ids;
    };
    YesNoTokens t{firstPieces({"Yes", "yes"}), firstPieces({"No", "no"})};
    const bool overlap = std::any_of(t.yes.begin(), t.yes.end(),
                                     [&](std::int64_t id) { return std::find(t.no.begin(), t.no.end(), id) != t.no.end(); });
    if (t.yes.empty() || t.no.empty() || overlap)
        throw InvalidArgument("The model's tokenizer does not tell yes from no in an answer's first token.");
    return t;
}

// P(yes) after each suffix continuing what cache holds: the suffixes right-padded in one batch
// (later positions never reach earlier ones), each read at its last real position.
std::vector<double> yesAfter(const GeoChatModel::Impl &m, const detail::KvCache &cache,
                             const std::vector<std::vector<std::int64_t>> &suffixes, const YesNoTokens &tokens)
{
    if (suffixes.empty())
        return {};
    const auto rows = static_cast<std::int64_t>(suffixes.size());
    const auto columns = static_cast<std::int64_t>(longestOf(suffixes));
    std::vector<std::int64_t> ids(static_cast<std::size_t>(rows * columns), m.config.text.eosTokenId), last;
    for (std::int64_t r = 0; r < rows; ++r) {
        const auto &suffix = suffixes[static_cast<std::size_t>(r)];
        std::copy(suffix.begin(), suffix.end(), ids.begin() + r * columns);
        last.push_back(static_cast<std::int64_t>(suffix.size()) - 1);
    }
    const auto batch = torch::tensor(ids, torch::kLong).view({rows, columns}).to(m.device);
    const auto lastLogits = m.network.decoder.forwardAfterPrefix(m.network.decoder.embed(batch), cache,
                                                                 torch::tensor(last, torch::kLong));
    const auto logProbs = torch::log_softmax(lastLogits.to(torch::kFloat32), -1);
    const auto mass = [&](const std::vector<std::int64_t> &set) {
        return torch::logsumexp(logProbs.index_select(1, torch::tensor(set, torch::kLong).to(m.device)), 1);
    };
    const auto p = torch::sigmoid(mass(tokens.yes) - mass(tokens.no)).to(torch::kCPU, torch::kFloat64).contiguous();
    return std::vector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
}

// How many leading tokens every prompt shares, leaving each at least its last token (whose
// logits are read). Throws InvalidArgument when the image is not among them.
std::size_t sharedPrefix(const std::vector<std::vector<int>> &prompts)
{
    std::size_t shared = prompts.front().size() - 1;
    for (const std::vector<int> &p : prompts) {
        std::size_t same = 0;
        while (same < shared && same < p.size() && p[same] == prompts.front()[same])
            ++same;
        shared = std::min(same, p.size() - 1);
    }
    const auto end = prompts.front().begin() + static_cast<std::ptrdiff_t>(shared);
    if (std::find(prompts.front().begin(), end, Tokenizer::ImageToken) == end)
        throw InvalidArgument("The questions' prompts do not share the image; ask them one at a time.");
    return shared;
}

std::vector<std::int64_t> tokensFrom(const std::vector<int> &prompt, std::size_t first)
{
    return std::vector<std::int64_t>(prompt.begin() + static_cast<std::ptrdiff_t>(first), prompt.end());
}

} // namespace

std::vector<double> GeoChatModel::scoreAnswers(const RgbImage &image, const GenerationRequest &request,
                                               const std::vector<std::string> &candidates)
{
    c10::InferenceMode inference;
    if (candidates.empty())
        return {};
    Impl &m = *impl_;
    const std::vector<int> prompt = promptTokens(request);
    const auto answers = answerTokens(*this, candidates);
    const auto embeds = m.network.promptEmbeddings(prompt, m.encodeImages({image}), {});
    const std::int64_t length = embeds.size(1);
    if (length + static_cast<std::int64_t>(longestOf(answers)) > m.config.text.maxPositions)
        throw InvalidArgument("The prompt and the longest answer do not fit the model's context.");
    detail::KvCache cache = m.network.decoder.makeCache(1, length);
    const auto firstLogits = m.network.decoder.forward(embeds, cache, true)[0][0]; // [V]
    return scoreAnswersAfter(m, cache, firstLogits, answers);
}

std::vector<double> GeoChatModel::yesProbabilities(const RgbImage &image, const std::vector<std::string> &questions)
{
    if (questions.empty())
        return {};
    return judgeScene(image, {}, {}, questions).yesProbabilities;
}

SceneJudgement GeoChatModel::judgeScene(const RgbImage &image, const GenerationRequest &classRequest,
                                        const std::vector<std::string> &classes,
                                        const std::vector<std::string> &yesNoQuestions)
{
    c10::InferenceMode inference;
    Impl &m = *impl_;
    if (!m.tokenizer)
        throw InvalidArgument(m.noTextReason());
    SceneJudgement judgement;
    if (classes.empty() && yesNoQuestions.empty())
        return judgement;
    const YesNoTokens tokens = yesNoQuestions.empty() ? YesNoTokens{} : yesNoTokens(*this, *m.tokenizer);
    // The class question first (when there are classes), then the yes/no questions.
    std::vector<std::vector<int>> prompts;
    if (!classes.empty())
        prompts.push_back(promptTokens(classRequest));
    for (const std::string &q : yesNoQuestions) {
        GenerationRequest r;
        r.question = q;
        prompts.push_back(promptTokens(r));
    }
    const std::size_t shared = sharedPrefix(prompts);
    const std::vector<int> prefix(prompts.front().begin(), prompts.front().begin() + static_cast<std::ptrdiff_t>(shared));
    const auto embeds = m.network.promptEmbeddings(prefix, m.encodeImages({image}), {});
    const std::int64_t length = embeds.size(1);
    std::vector<std::vector<std::int64_t>> suffixes;
    for (std::size_t i = classes.empty() ? 0 : 1; i < prompts.size(); ++i)
        suffixes.push_back(tokensFrom(prompts[i], shared));
    const auto answers = answerTokens(*this, classes);
    const std::vector<std::int64_t> classSuffix = classes.empty() ? std::vector<std::int64_t>() : tokensFrom(prompts.front(), shared);
    const auto classLength = static_cast<std::int64_t>(classSuffix.size());
    if (length + static_cast<std::int64_t>(longestOf(suffixes)) > m.config.text.maxPositions ||
        length + classLength + static_cast<std::int64_t>(longestOf(answers)) > m.config.text.maxPositions)
        throw InvalidArgument("A question and its answer do not fit the model's context with the image.");

    // The image and what the prompts share, once; the yes/no questions after it; then the class
    // question's own tokens appended to the cache, and the classes after them.
    detail::KvCache cache = m.network.decoder.makeCache(1, length + classLength);
    m.network.decoder.forward(embeds, cache, true);
    judgement.yesProbabilities = yesAfter(m, cache, suffixes, tokens);
    if (!classes.empty()) {
        const auto suffix = torch::tensor(classSuffix, torch::kLong).view({1, classLength}).to(m.device);
        const auto firstLogits = m.network.decoder.forward(m.network.decoder.embed(suffix), cache, true)[0][0];
        judgement.classLogLikelihoods = scoreAnswersAfter(m, cache, firstLogits, answers);
    }
    return judgement;
}

std::vector<float> GeoChatModel::imageFeatures(const RgbImage &image)
{
    c10::InferenceMode inference;
    const auto features = impl_->encodeImages({image})[0].to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(features.data_ptr<float>(), features.data_ptr<float>() + features.numel());
}

GenerationResult GeoChatModel::generate(const RgbImage &image, const GenerationRequest &request)
{
    return generateBatch({image}, request).front();
}

std::vector<GenerationResult> GeoChatModel::generateBatch(const std::vector<RgbImage> &images, const GenerationRequest &request)
{
    return generateBatch(images, std::vector<GenerationRequest>(images.size(), request));
}

std::vector<GenerationResult> GeoChatModel::generateBatch(const std::vector<RgbImage> &images,
                                                          const std::vector<GenerationRequest> &requests)
{
    if (images.empty() || images.size() != requests.size())
        throw InvalidArgument("A batch needs one request per image, and at least one image.");
    for (const GenerationRequest &r : requests)
        if (r.maxNewTokens < 1)
            throw InvalidArgument("max new tokens must be at least 1.");
    if (!impl_->tokenizer)
        throw InvalidArgument(impl_->noTextReason());
    c10::InferenceMode inference;
    const std::size_t chunk = batchChunk(impl_->device, images.size());
    if (images.size() == chunk)
        return impl_->run(images, requests);
    std::vector<GenerationResult> results;
    for (std::size_t first = 0; first < images.size(); first += chunk) {
        const std::size_t last = std::min(images.size(), first + chunk);
        const std::vector<RgbImage> someImages(images.begin() + first, images.begin() + last);
        std::vector<GenerationRequest> someRequests(requests.begin() + first, requests.begin() + last);
        if (first > 0) // the text streams for the batch's first row alone, as in one chunk
            someRequests.front().onText = nullptr;
        for (GenerationResult &r : impl_->run(someImages, someRequests))
            results.push_back(std::move(r));
    }
    return results;
}

GeoChatModel::Impl::~Impl() = default;

void GeoChatModel::Impl::releaseBatchedDecodeSteps()
{
    if (decodeSteps && decodeSteps->batch() > 1)
        decodeSteps.reset();
}

std::vector<GenerationResult> GeoChatModel::Impl::run(const std::vector<RgbImage> &images,
                                                      const std::vector<GenerationRequest> &requests)
{
    const auto started = std::chrono::steady_clock::now();
    const std::int64_t batch = static_cast<std::int64_t>(images.size());
    std::vector<std::vector<int>> prompts;
    for (const GenerationRequest &r : requests) {
        prompts.push_back(tokenizer->encodePrompt(conversationPrompt(r.question, r.history)));
        if (std::count(prompts.back().begin(), prompts.back().end(), Tokenizer::ImageToken) != 1)
            throw InvalidArgument("The prompt must hold exactly one image slot.");
    }

    const auto features = encodeImages(images); // [B, N, hidden]
    const std::int64_t imageTokens = features.size(1);
    // Rows of different lengths are left-padded to the longest, masked in attention.
    std::int64_t longest = 0, maxNew = 0;
    for (std::size_t b = 0; b < prompts.size(); ++b) {
        longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(prompts[b].size()) - 1 + imageTokens);
        maxNew = std::max<std::int64_t>(maxNew, requests[b].maxNewTokens);
    }
    if (longest >= config.text.maxPositions)
        throw InvalidArgument("The prompt takes " + std::to_string(longest) + " tokens (" + std::to_string(imageTokens) +
                              " of them the image), which leaves no room in the model's context of " +
                              std::to_string(config.text.maxPositions) + ".");
    const std::int64_t capacity = std::min<std::int64_t>(longest + maxNew, config.text.maxPositions);

    std::vector<torch::Tensor> rows;
    std::vector<std::int64_t> padding;
    for (std::int64_t b = 0; b < batch; ++b) {
        const auto row = network.promptEmbeddings(prompts[b], features.slice(0, b, b + 1), {});
        const std::int64_t pad = longest - row.size(1);
        padding.push_back(pad);
        rows.push_back(pad == 0 ? row : torch::cat({torch::zeros({1, pad, row.size(2)}, row.options()), row}, 1));
    }
    const auto embeds = torch::cat(rows, 0);
    const bool padded = std::any_of(padding.begin(), padding.end(), [](std::int64_t p) { return p > 0; });
    const torch::Tensor leftPadding = padded ? torch::tensor(padding, torch::kLong).to(device) : torch::Tensor();

    detail::DecodingRun decoding(network.decoder, decodeSteps, batch, capacity, maxNew, config.text.maxPositions);
    auto logits = decoding.prefill(embeds, leftPadding); // [B, vocab]
    const detail::KvCache &cache = decoding.cache();

    std::vector<GenerationResult> results(images.size());
    std::vector<detail::TokenSampler> samplers;
    std::vector<std::vector<std::int64_t>> contexts;
    bool greedy = true;
    for (std::int64_t b = 0; b < batch; ++b) {
        const GenerationRequest &r = requests[b];
        results[b].promptTokens = prompts[b];
        results[b].numImageTokens = static_cast<int>(imageTokens);
        samplers.emplace_back(detail::SamplingSettings{r.temperature, r.topK, r.topP, r.repetitionPenalty,
                                                       r.seed + static_cast<std::uint64_t>(b)});
        std::vector<std::int64_t> context;
        for (int id : prompts[b])
            if (id >= 0)
                context.push_back(id);
        contexts.push_back(std::move(context));
        greedy = greedy && r.temperature == 0.0 && r.repetitionPenalty == 1.0;
    }
    std::vector<bool> finished(images.size(), false);
    StreamingDecoder stream(*tokenizer);
    const auto &onText = requests.front().onText;
    const int eos = config.text.eosTokenId;

    auto finish = [&](std::int64_t b, const char *reason) {
        finished[b] = true;
        results[b].stopReason = reason;
    };
    for (int step = 0;; ++step) {
        for (std::int64_t b = 0; b < batch; ++b)
            if (!finished[b] && requests[b].cancel && requests[b].cancel->load()) {
                finish(b, "cancelled");
                results[b].cancelled = true;
            }
        if (std::all_of(finished.begin(), finished.end(), [](bool f) { return f; }))
            break;
        const auto logprobs = torch::log_softmax(logits, -1);
        std::vector<std::int64_t> chosen(images.size(), eos);
        if (greedy) {
            const auto best = logits.argmax(-1);
            const auto bestLogprob = logprobs.gather(1, best.unsqueeze(1)).squeeze(1);
            const auto bestCpu = best.to(torch::kCPU);
            const auto lpCpu = bestLogprob.to(torch::kCPU);
            for (std::int64_t b = 0; b < batch; ++b) {
                if (finished[b])
                    continue;
                chosen[b] = bestCpu[b].item<std::int64_t>();
                if (chosen[b] != eos)
                    results[b].logprobs.push_back(lpCpu[b].item<float>());
            }
        } else {
            for (std::int64_t b = 0; b < batch; ++b) {
                if (finished[b])
                    continue;
                chosen[b] = samplers[b].next(logits[b], contexts[b]);
                if (chosen[b] != eos)
                    results[b].logprobs.push_back(logprobs[b][chosen[b]].item<float>());
            }
        }
        for (std::int64_t b = 0; b < batch; ++b) {
            if (finished[b]) {
                chosen[b] = eos;
                continue;
            }
            if (chosen[b] == eos) {
                finish(b, "eos");
                continue;
            }
            const GenerationRequest &request = requests[b];
            GenerationResult &r = results[b];
            if (r.tokens.empty())
                r.firstTokenSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            r.tokens.push_back(static_cast<int>(chosen[b]));
            contexts[b].push_back(chosen[b]);
            if (b == 0 && onText) {
                const std::string piece = stream.push(static_cast<int>(chosen[b]));
                if (!piece.empty())
                    onText(piece);
            }
            if (!request.stopStrings.empty()) {
                const std::string text = tokenizer->decode(r.tokens);
                for (const std::string &stop : request.stopStrings)
                    if (!stop.empty() && text.find(stop) != std::string::npos)
                        finish(b, "stop_string");
            }
            if (!finished[b] && static_cast<int>(r.tokens.size()) >= request.maxNewTokens)
                finish(b, "max_new_tokens");
            if (!finished[b] && cache.length >= cache.capacity) {
                finish(b, "context");
                r.truncated = true;
            }
        }
        if (std::all_of(finished.begin(), finished.end(), [](bool f) { return f; }))
            break;
        logits = decoding.step(torch::tensor(chosen, torch::kLong).to(device));
    }
    releaseBatchedDecodeSteps();
    if (onText) {
        const std::string rest = stream.finish();
        if (!rest.empty())
            onText(rest);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (std::int64_t b = 0; b < batch; ++b) {
        GenerationResult &r = results[b];
        r.text = tokenizer->decode(r.tokens);
        for (const std::string &stop : requests[b].stopStrings) {
            const auto at = stop.empty() ? std::string::npos : r.text.find(stop);
            if (at != std::string::npos)
                r.text.erase(at);
        }
        r.seconds = seconds;
    }
    return results;
}

namespace {

double residentPeakMiB()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

// Sets the resident peak back to the resident size now (Linux). Each bandwidth sample on the CPU
// maps 256 MiB of its own, beside the batch's cache for the samples beside its decoding, and that
// would count in the peak that bench reports for the model.
bool resetResidentPeak()
{
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    return static_cast<bool>(clear);
}

} // namespace

BenchmarkReport GeoChatModel::benchmark(const BenchmarkSettings &settings)
{
    if (settings.batch < 1 || settings.decodeTokens < 1 || settings.sceneTokens < 1 || settings.repeats < 1)
        throw InvalidArgument("Benchmark settings must all be positive.");
    c10::InferenceMode inference;
    Impl &m = *impl_;
    using Clock = std::chrono::steady_clock;
    const auto sync = [&] {
        if (m.device.is_cuda())
            torch::cuda::synchronize();
    };
    // One warm-up run, then the mean of the timed ones, in milliseconds.
    const auto timeMs = [&](const std::function<void()> &run) {
        run();
        sync();
        const auto start = Clock::now();
        for (int i = 0; i < settings.repeats; ++i)
            run();
        sync();
        return std::chrono::duration<double, std::milli>(Clock::now() - start).count() / settings.repeats;
    };

    const int size = m.preprocess.size();
    const auto pixels = [&](int batch) { return torch::randn({batch, 3, size, size}, torch::dtype(m.type).device(m.device)); };
    const auto encode = [&](const torch::Tensor &p) { return m.network.imageFeatures(p); };
    // A scene-label prompt: the llava_v1 system text and question around the image, 60 tokens.
    std::vector<int> prompt;
    for (int i = 0; i < 35; ++i)
        prompt.push_back(100 + 37 * i);
    prompt.push_back(Tokenizer::ImageToken);
    for (int i = 0; i < 25; ++i)
        prompt.push_back(200 + 53 * i);

    // Vision and prefill of a scene prompt for batch tiles, with room in the cache for steps more.
    // The steps run as generation runs them (replayed as a CUDA graph where it would), unless
    // operationsOnly.
    struct Prefilled {
        detail::DecodingRun decoding;
        torch::Tensor logits;
    };
    bool operationsOnly = false;
    const auto prefill = [&](int batch, int steps) {
        const auto features = encode(pixels(batch));
        const auto embeds = m.network.promptEmbeddings(prompt, features, {});
        Prefilled p{detail::DecodingRun(m.network.decoder, m.decodeSteps, batch, embeds.size(1) + steps, steps,
                                        m.config.text.maxPositions, operationsOnly),
                    {}};
        p.logits = p.decoding.prefill(embeds, {});
        return p;
    };
    // One greedy token with the host reading it, as generation does.
    const auto decodeStep = [&](Prefilled &p) {
        const auto next = p.logits.argmax(-1);
        (void)next[0].item<std::int64_t>();
        p.logits = p.decoding.step(next);
    };
    // steps tokens one at a time.
    const auto decode = [&](Prefilled &p, int steps) {
        for (int s = 0; s < steps; ++s)
            decodeStep(p);
    };
    // In chunks, as generateBatch runs a batch.
    const auto scene = [&](int batch, int steps) {
        const int chunk = static_cast<int>(batchChunk(m.device, static_cast<std::size_t>(batch)));
        for (int first = 0; first < batch; first += chunk) {
            Prefilled p = prefill(std::min(chunk, batch - first), steps);
            decode(p, steps);
        }
        m.releaseBatchedDecodeSteps();
    };
    // The shortest of three timed runs after a warm-up, in seconds: for the machine's limits.
    const auto bestSeconds = [&](const std::function<void()> &run) {
        double best = std::numeric_limits<double>::infinity();
        for (int i = 0; i < 4; ++i) {
            sync();
            const auto start = Clock::now();
            run();
            sync();
            if (i > 0)
                best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
        }
        return best;
    };

    // The read limit and the cores' arithmetic peak, sampled across the run on the CPU and the
    // best kept: on a shared machine the neighbours move them by a fifth within a minute, and a
    // sample from a busy moment made a limit a floor that the figures exceeded. A GPU's buffer
    // would stay in its allocator's peak: it is measured once, last.
    double bandwidth = 0.0;
    double peakGflops = 0.0;
    // A CPU sample maps a buffer of its own, which would count in the resident peak that bench
    // reports for the model: the peak so far is kept before each sample and reset after it, where
    // the system can. Where it cannot, no samples are taken beside the decoding, whose batch
    // holds the most memory.
    double residentPeak = residentPeakMiB();
    const bool resettablePeak = m.device.is_cpu() && resetResidentPeak();
    const auto sampleBandwidth = [&] {
        residentPeak = std::max(residentPeak, residentPeakMiB());
        const double sample = detail::measureReadBandwidthGBps(m.device);
        if (resettablePeak)
            resetResidentPeak();
        bandwidth = std::max(bandwidth, sample);
        return sample;
    };
    const auto sampleLimits = [&] {
        sampleBandwidth();
        if (m.device.is_cpu())
            peakGflops = std::max(peakGflops, detail::measureArithmeticPeakGflops());
    };
    if (m.device.is_cpu())
        sampleLimits();

    BenchmarkReport r;
    r.device = deviceName();
    r.dtype = dtypeName();
    const auto one = pixels(1);
    r.visionMsPerTile = timeMs([&] { encode(one); });
    const auto features = encode(one);
    const auto embeds = m.network.promptEmbeddings(prompt, features, {});
    r.prefillTokens = static_cast<int>(embeds.size(1));
    r.prefillMs = timeMs([&] {
        detail::KvCache cache = m.network.decoder.makeCache(1, embeds.size(1));
        m.network.decoder.forward(embeds, cache, true);
    });
    // The decoding steps alone: the prefill before them is not timed. On the CPU the read
    // bandwidth is also sampled just before and just after each timed run, and the larger of the
    // two averaged over the runs, into bandwidthBeside (0 where the peak cannot be reset). Within
    // those runs a probe is read between the steps, each step is timed alone, and bandwidthPaired
    // is the rate at which all the steps together would have read at the mean of the two samples
    // around each: the harmonic mean of those means, so that the share against it is the steps'
    // time at the rate measured around each over the time they took.
    const auto decodeMs = [&](int batch, int steps, double *bandwidthBeside, double *bandwidthPaired) {
        double total = 0.0;
        double beside = 0.0;
        double inverseRates = 0.0;
        std::int64_t pairedSteps = 0;
        for (int i = 0; i <= settings.repeats; ++i) { // the first is a warm-up (and captures a graph)
            Prefilled p = prefill(batch, steps);
            const bool sampled = i > 0 && bandwidthBeside && resettablePeak;
            const double before = sampled ? sampleBandwidth() : 0.0;
            bool paired = false;
            if (sampled && bandwidthPaired) {
                detail::ReadRateProbe probe;
                if (probe.available()) {
                    for (int s = 0; s < steps; ++s)
                        total += 1000.0 * probe.timeBetweenSamples([&] { decodeStep(p); });
                    inverseRates += probe.inverseRateSum();
                    pairedSteps += probe.timedSteps();
                    // The probe's pages were resident from before the first step to after the
                    // last: the run's own peak is the peak less them.
                    residentPeak = std::max(residentPeak, residentPeakMiB() - probe.mebibytes());
                    paired = true;
                }
            }
            if (paired) {
                resetResidentPeak(); // the probe's pages are handed back by now
            } else {
                sync();
                const auto start = Clock::now();
                decode(p, steps);
                sync();
                if (i > 0)
                    total += std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            }
            if (sampled)
                beside += std::max(before, sampleBandwidth());
        }
        if (bandwidthBeside)
            *bandwidthBeside = beside / settings.repeats;
        if (bandwidthPaired)
            *bandwidthPaired = pairedSteps > 0 ? static_cast<double>(pairedSteps) / inverseRates : 0.0;
        return total / settings.repeats;
    };
    r.decodeTokensPerSecond =
        settings.decodeTokens /
        (decodeMs(1, settings.decodeTokens, &r.decodeReadBandwidthGBpsBeside, &r.decodeReadBandwidthGBpsPaired) / 1000.0);
    if (m.device.is_cpu())
        sampleLimits();
    const bool replayed = m.decodeSteps && m.decodeSteps->replays();
    r.decodeSteps = replayed ? "cuda-graph" : m.decodeSteps ? "fixed" : "operations";
    if (replayed) {
        r.decodeGraphCaptureMs = m.decodeSteps->captureSeconds() * 1000.0;
        operationsOnly = true;
        r.decodeTokensPerSecondOperations = settings.decodeTokens / (decodeMs(1, settings.decodeTokens, nullptr, nullptr) / 1000.0);
        operationsOnly = false;
    }
    r.decodeTokensPerSecondBatched =
        static_cast<double>(settings.decodeTokens) * settings.batch /
        (decodeMs(settings.batch, settings.decodeTokens, &r.decodeReadBandwidthGBpsBatchedBeside,
                  &r.decodeReadBandwidthGBpsBatchedPaired) / 1000.0);
    m.releaseBatchedDecodeSteps();

    r.sceneTilesPerSecond = 1000.0 / timeMs([&] { scene(1, settings.sceneTokens); });
    r.batch = settings.batch;
    r.sceneTilesPerSecondBatched = 1000.0 * settings.batch / timeMs([&] { scene(settings.batch, settings.sceneTokens); });
    r.peakMemoryMiB = m.device.is_cuda() ? devicePeakMemoryMiB(m.device) : std::max(residentPeak, residentPeakMiB());

    // Measured after the peak memory, which a GPU's buffer would otherwise raise.
    sampleLimits();
    r.readBandwidthGBps = bandwidth;
    r.peakGflops = peakGflops;
    const detail::LlamaDecoder &decoder = m.network.decoder;
    double bytes = 0.0;
    for (const torch::Tensor *t : {&decoder.embedTokens, &decoder.finalNorm})
        bytes += static_cast<double>(t->numel()) * t->element_size();
    bytes += decoder.outputLayerBytes();
    for (const detail::LlamaLayer &layer : decoder.layers)
        bytes += layer.projectionBytes() + static_cast<double>(layer.inputNorm.numel() + layer.postNorm.numel()) *
                                               layer.inputNorm.element_size();
    // The embedding table is read one row a token.
    const auto &table = m.network.decoder.embedTokens;
    bytes -= static_cast<double>(table.numel() - table.size(1)) * table.element_size();
    // Each step also reads its row's keys and values for every position before it: on average
    // over the timed steps, the prompt and half the decoded tokens.
    const double meanPositions = r.prefillTokens + (settings.decodeTokens - 1) / 2.0;
    r.decodeCacheBytesPerToken = 2.0 * static_cast<double>(decoder.layers.size()) * decoder.kvHeads * decoder.headDim *
                                 table.element_size() * meanPositions;
    r.decodeBytesPerToken = bytes + r.decodeCacheBytesPerToken;
    r.decodeLimitTokensPerSecond = r.readBandwidthGBps * 1e9 / r.decodeBytesPerToken;
    r.decodeLimitTokensPerSecondBeside = r.decodeReadBandwidthGBpsBeside * 1e9 / r.decodeBytesPerToken;
    r.decodeLimitTokensPerSecondPaired = r.decodeReadBandwidthGBpsPaired * 1e9 / r.decodeBytesPerToken;

    // The compute rate: a 1024^3 product in the model's element type; 8192^3 on a GPU, where a
    // 1024^3 one measured mostly its launch (84 TFLOP/s on a GPU that multiplies at about 790).
    const std::int64_t side = m.device.is_cuda() ? 8192 : 1024;
    const auto square = torch::randn({side, side}, torch::dtype(m.type).device(m.device));
    r.matmulGflops = 2.0 * std::pow(static_cast<double>(side), 3.0) /
                     bestSeconds([&] { (void)torch::mm(square, square); }) / 1e9;
    const double layerWeights = static_cast<double>(projectionParameters(m.config.text));
    const double prefillFlops = 2.0 * layerWeights * r.prefillTokens +
                                2.0 * static_cast<double>(m.network.decoder.outputLayerParameters());
    const double computeGflops = std::max(r.matmulGflops, r.peakGflops);
    r.prefillLimitMs = prefillFlops / (computeGflops * 1e9) * 1000.0;
    const double stepFlops = 2.0 * (layerWeights + static_cast<double>(m.network.decoder.outputLayerParameters())) * settings.batch;
    const double stepBytes = bytes + r.decodeCacheBytesPerToken * settings.batch;
    const auto batchedLimit = [&](double gbps) {
        return settings.batch / std::max(stepBytes / (gbps * 1e9), stepFlops / (computeGflops * 1e9));
    };
    r.decodeLimitTokensPerSecondBatched = batchedLimit(r.readBandwidthGBps);
    if (r.decodeReadBandwidthGBpsBatchedBeside > 0.0)
        r.decodeLimitTokensPerSecondBatchedBeside = batchedLimit(r.decodeReadBandwidthGBpsBatchedBeside);
    if (r.decodeReadBandwidthGBpsBatchedPaired > 0.0)
        r.decodeLimitTokensPerSecondBatchedPaired = batchedLimit(r.decodeReadBandwidthGBpsBatchedPaired);
    r.cpuKernels = detail::smallBatchKernelName();

    const VisionModelConfig &v = m.config.vision;
    const double patches = static_cast<double>(m.config.gridSize()) * m.config.gridSize();
    const double n = patches + 1.0; // with the class token
    const double width = v.hiddenSize;
    const int layersRun = m.config.selectLayer < 0 ? v.layers + 1 + m.config.selectLayer : m.config.selectLayer;
    const double perLayer = 2.0 * n * (4.0 * width * width + 2.0 * width * v.intermediateSize) + 4.0 * n * n * width;
    const double textWidth = m.config.text.hiddenSize;
    const double projector = 2.0 * patches * (width * textWidth + (m.config.projectorDepth - 1) * textWidth * textWidth);
    const double visionFlops = 2.0 * patches * width * 3.0 * v.patchSize * v.patchSize + layersRun * perLayer + projector;
    r.visionLimitMs = visionFlops / (computeGflops * 1e9) * 1000.0;
    return r;
}

} // namespace geolens
