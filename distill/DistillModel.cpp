#include "distill/DistillModel.h"

#include "common/Error.h"
#include "model/CheckpointFolder.h"
#include "model/PixelBatch.h"
#include "model/SafetensorsWriter.h"
#include "model/TorchTypes.h"
#include "model/Tokenizer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

namespace geolens::distill {

namespace {

namespace fs = std::filesystem;

using detail::Projection;

const std::pair<const char *, Projection> ProjectionNames[] = {
    {"q", Projection::Q},       {"k", Projection::K},   {"v", Projection::V},      {"o", Projection::O},
    {"gate", Projection::Gate}, {"up", Projection::Up}, {"down", Projection::Down},
};

// The adapter's short name, as lora.targets spells it.
const char *adapterKey(Projection p)
{
    for (const auto &[key, projection] : ProjectionNames)
        if (projection == p)
            return key;
    return "";
}

void setRequiresGrad(torch::Tensor &t, bool on)
{
    if (t.defined())
        t.set_requires_grad(on);
}

// A contiguous CPU copy of t in the given element type, kept alive by the descriptor.
TensorBytes tensorBytes(const std::string &name, const torch::Tensor &t, DType type, std::vector<std::int64_t> shape)
{
    auto cpu = std::make_shared<torch::Tensor>(t.detach().to(torch::kCPU, torchType(type)).contiguous());
    const void *data = cpu->data_ptr();
    const std::uint64_t size = cpu->numel() * cpu->element_size();
    return TensorBytes::view(name, type, std::move(shape), data, size, std::shared_ptr<const void>(cpu, data));
}

} // namespace

bool DistillModel::isRandom(const std::string &source)
{
    return source.rfind("random:", 0) == 0;
}

std::unique_ptr<DistillModel> DistillModel::load(const std::string &folder, ModelLoadOptions options,
                                                 const std::string &tokenizerModel)
{
    options.trainable = true;
    if (isRandom(folder)) {
        if (tokenizerModel.empty())
            throw InvalidArgument("The model " + folder + " has random weights and no tokenizer: set tokenizer to a "
                                  "SentencePiece model (LLaMA's tokenizer.model).");
        return std::make_unique<DistillModel>(GeoChatModel::createRandom(folder.substr(7), options, tokenizerModel),
                                              folder);
    }
    return std::make_unique<DistillModel>(GeoChatModel::load(folder, options), folder);
}

DistillModel::DistillModel(std::unique_ptr<GeoChatModel> model, std::string folder)
    : model_(std::move(model)), folder_(std::move(folder))
{
    if (!model_->isTrainable())
        throw InvalidArgument("A model to distil must be loaded with trainable tensors.");
    if (!model_->tokenizer())
        throw InvalidArgument("A model to distil needs its tokenizer.");
}

int DistillModel::eos() const
{
    return tokenizer().eos();
}

torch::Tensor DistillModel::pixels(const RgbImage &image) const
{
    return detail::pixelBatch(model_->preprocessor(), {&image})[0];
}

torch::Tensor DistillModel::imageFeatures(const torch::Tensor &pixels) const
{
    torch::Tensor vision;
    {
        torch::NoGradGuard frozen;
        vision = network().visionFeatures(pixels);
    }
    return network().projector.forward(vision);
}

std::vector<int> DistillModel::promptTokens(const std::string &question, const std::vector<ChatTurn> &history) const
{
    return tokenizer().encodePrompt(GeoChatModel::conversationPrompt(question, history));
}

std::vector<int> DistillModel::tokenize(const std::string &text) const
{
    return tokenizer().encode(text);
}

torch::Tensor DistillModel::sequenceLogits(const torch::Tensor &features, const std::vector<int> &prompt,
                                           const std::vector<int> &tokens) const
{
    if (tokens.empty())
        throw InvalidArgument("Teacher forcing needs at least one token to predict.");
    const std::vector<int> fed(tokens.begin(), tokens.end() - 1);
    const auto embeds = network().promptEmbeddings(prompt, features, fed);
    const std::int64_t length = embeds.size(1);
    if (length > config().text.maxPositions)
        throw InvalidArgument("A training sequence takes " + std::to_string(length) + " tokens, more than the context of " +
                              std::to_string(config().text.maxPositions) + "; lower max_length or shorten the data.");
    return network().decoder.forwardSequence(embeds, length - static_cast<std::int64_t>(tokens.size()));
}

std::vector<int> DistillModel::greedyAnswer(const torch::Tensor &features, const std::vector<int> &prompt,
                                           int maxNewTokens) const
{
    torch::NoGradGuard noGrad;
    DecodingSession session = startDecoding({features}, {prompt}, maxNewTokens);
    std::vector<int> answer;
    for (int i = 0; i < maxNewTokens; ++i) {
        const int token = static_cast<int>(session.lastLogits[0].argmax().item<std::int64_t>());
        if (token == eos())
            break;
        answer.push_back(token);
        if (i + 1 < maxNewTokens)
            appendTokens(session, {token});
    }
    return answer;
}

torch::Tensor DistillModel::textLogits(const std::vector<int> &tokens) const
{
    if (tokens.size() < 2)
        throw InvalidArgument("A text to learn from needs at least two tokens.");
    std::vector<std::int64_t> fed(tokens.begin(), tokens.end() - 1);
    const auto embeds = network().decoder.embed(torch::tensor(fed, torch::kLong).to(device())).unsqueeze(0);
    return network().decoder.forwardSequence(embeds, 0);
}

DecodingSession DistillModel::startDecoding(const std::vector<torch::Tensor> &features,
                                                 const std::vector<std::vector<int>> &prompts, int maxNewTokens) const
{
    torch::NoGradGuard noGrad;
    if (features.empty() || features.size() != prompts.size())
        throw InvalidArgument("A batch of rollouts needs one set of image features per prompt.");
    std::vector<torch::Tensor> rows;
    std::int64_t longest = 0;
    for (std::size_t b = 0; b < prompts.size(); ++b) {
        rows.push_back(network().promptEmbeddings(prompts[b], features[b], {}));
        longest = std::max(longest, rows.back().size(1));
    }
    const std::int64_t capacity = longest + maxNewTokens;
    if (capacity > config().text.maxPositions)
        throw InvalidArgument("A rollout needs " + std::to_string(capacity) + " positions, more than the context of " +
                              std::to_string(config().text.maxPositions) + "; lower max_new_tokens.");
    // Left padding keeps every row's last prompt token in the same column, so one forward pass
    // continues them all; the padded positions are masked in attention.
    std::vector<std::int64_t> padding;
    for (torch::Tensor &row : rows) {
        const std::int64_t pad = longest - row.size(1);
        padding.push_back(pad);
        if (pad > 0)
            row = torch::cat({torch::zeros({1, pad, row.size(2)}, row.options()), row}, 1);
    }
    torch::Tensor leftPadding;
    if (std::any_of(padding.begin(), padding.end(), [](std::int64_t p) { return p > 0; }))
        leftPadding = torch::tensor(padding, torch::kLong).to(device());
    DecodingSession session{detail::DecodingRun(network().decoder, decodeSteps_, static_cast<std::int64_t>(rows.size()),
                                                capacity, maxNewTokens, config().text.maxPositions),
                            {}};
    session.lastLogits = session.decoding.prefill(torch::cat(rows, 0), leftPadding);
    return session;
}

void DistillModel::appendTokens(DecodingSession &session, const std::vector<int> &tokens) const
{
    torch::NoGradGuard noGrad;
    if (static_cast<std::int64_t>(tokens.size()) != session.lastLogits.size(0))
        throw InvalidArgument("appendTokens needs one token per row of the batch.");
    const std::vector<std::int64_t> ids(tokens.begin(), tokens.end());
    session.lastLogits = session.decoding.step(torch::tensor(ids, torch::kLong));
}

void DistillModel::addLora(const LoraSettings &settings, std::uint64_t seed)
{
    if (settings.rank < 1)
        throw InvalidArgument("The LoRA rank must be at least 1.");
    std::vector<Projection> targets;
    for (const std::string &name : settings.targets) {
        bool known = false;
        for (const auto &[key, p] : ProjectionNames)
            if (name == key) {
                targets.push_back(p);
                known = true;
            }
        if (!known)
            throw InvalidArgument("Unknown LoRA target \"" + name + "\"; use q, k, v, o, gate, up or down.");
    }
    // As the reference initialises adapters: A uniform in +-1/sqrt(in) (Kaiming with a = sqrt(5)),
    // B zero, so the adapted model starts exactly as the base model. Adapters stay in float32
    // whatever the base dtype, so small updates are not lost to bf16 rounding.
    torch::NoGradGuard noGrad;
    auto generator = at::detail::createCPUGenerator(seed);
    const double scale = settings.alpha / settings.rank;
    for (detail::LlamaLayer &layer : network().decoder.layers) {
        for (Projection p : targets) {
            const torch::Tensor &w = layer.weight(p);
            const std::int64_t out = w.size(0), in = w.size(1);
            const double bound = 1.0 / std::sqrt(static_cast<double>(in));
            detail::LowRankAdapter &adapter = layer.adapters[static_cast<std::size_t>(p)];
            adapter.a = (torch::rand({settings.rank, in}, generator, torch::kFloat32) * 2.0 - 1.0) * bound;
            adapter.a = adapter.a.to(w.device()).set_requires_grad(true);
            adapter.b = torch::zeros({out, settings.rank}, torch::dtype(torch::kFloat32).device(w.device())).set_requires_grad(true);
            adapter.scale = scale;
            adapter.dropout = settings.dropout;
        }
    }
    lora_ = true;
}

void DistillModel::setTraining(bool training)
{
    for (detail::LlamaLayer &layer : network().decoder.layers)
        for (detail::LowRankAdapter &adapter : layer.adapters)
            adapter.training = training;
}

void DistillModel::setDecoderTrainable(bool trainable)
{
    // The handles share the network's tensors: flags set on them are the network's.
    for (auto &[name, t] : network().decoder.namedParameters())
        setRequiresGrad(t, trainable);
}

void DistillModel::setProjectorTrainable(bool trainable)
{
    for (auto &[name, t] : network().projector.namedParameters())
        setRequiresGrad(t, trainable);
}

std::vector<std::pair<std::string, torch::Tensor>> DistillModel::namedTensors(bool foldAdapters) const
{
    // The network's weights by checkpoint name; an adapted projection is followed by its adapter
    // (or replaced by the sum when folding), so the order stays that of the network.
    std::map<std::string, std::pair<const detail::LlamaLayer *, Projection>> adapted;
    const detail::LlamaDecoder &d = network().decoder;
    for (std::size_t i = 0; i < d.layers.size(); ++i)
        for (const auto &[key, projection] : ProjectionNames)
            adapted["model.layers." + std::to_string(i) + "." + detail::projectionTensorName(projection)] = {&d.layers[i],
                                                                                                           projection};
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (auto &[name, w] : network().namedParameters()) {
        const auto found = adapted.find(name);
        if (found == adapted.end()) {
            out.emplace_back(name, w);
            continue;
        }
        const auto [layer, projection] = found->second;
        const detail::LowRankAdapter &adapter = layer->adapters[static_cast<std::size_t>(projection)];
        if (foldAdapters && adapter.active()) {
            out.emplace_back(name, w.to(torch::kFloat32) + torch::matmul(adapter.b, adapter.a).to(w.device()) * adapter.scale);
            continue;
        }
        out.emplace_back(name, w);
        if (!foldAdapters) {
            const std::string layerPrefix = name.substr(0, name.size() - std::strlen(detail::projectionTensorName(projection)));
            const char *key = adapterKey(projection);
            out.emplace_back(layerPrefix + key + ".lora_A", adapter.a);
            out.emplace_back(layerPrefix + key + ".lora_B", adapter.b);
        }
    }
    return out;
}

std::vector<std::pair<std::string, torch::Tensor>> DistillModel::trainableTensors()
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (auto &[name, t] : namedTensors(false))
        if (t.defined() && t.requires_grad())
            out.emplace_back(name, t);
    return out;
}

void DistillModel::exportTo(const std::string &outFolder) const
{
    if (isRandom(folder_))
        throw InvalidArgument("The student " + folder_ + " has random weights and no checkpoint to export from.");
    torch::NoGradGuard noGrad;
    // The tensors the run may have changed, by canonical name, LoRA folded into its projection.
    std::map<std::string, torch::Tensor> trained;
    for (auto &[name, t] : namedTensors(true))
        trained[name] = t;

    // The source's own names: canonical names are matched back through where each tensor lies.
    const TensorMap source = readCheckpointFolder(folder_);
    CheckpointLayout layout = config().layout;
    const TensorMap canonical = canonicalTensorNames(source, layout);
    std::map<std::pair<const void *, std::uint64_t>, std::string> originalName;
    for (const auto &[name, info] : source)
        originalName[{info.file.get(), info.offset}] = name;

    fs::create_directories(outFolder);
    std::vector<TensorBytes> entries;
    std::size_t found = 0;
    for (const auto &[name, info] : canonical) {
        const auto original = originalName.find({info.file.get(), info.offset});
        const std::string outName = original != originalName.end() ? original->second : name;
        // Rotary frequency buffers are recomputed by every loader; they are not weights.
        if (outName.find("rotary_emb.inv_freq") != std::string::npos)
            continue;
        const auto t = trained.find(name);
        if (t != trained.end()) {
            if (std::vector<std::int64_t>(t->second.sizes().begin(), t->second.sizes().end()) != info.shape)
                throw InvalidArgument("The trained tensor " + name + " no longer has the shape of the source model.");
            entries.push_back(tensorBytes(outName, t->second, info.dtype, info.shape));
            ++found;
        } else if (info.strides == contiguousStrides(info.shape)) {
            // Untouched (the vision tower, buffers): the source's bytes, straight from the mapping.
            entries.push_back(TensorBytes::view(outName, info.dtype, info.shape, info.data(),
                                                info.numel() * dtypeSize(info.dtype), info.file));
        } else {
            // Stored strided by a pickle: made contiguous.
            const auto strided = torch::from_blob(const_cast<std::uint8_t *>(info.data()), info.shape, info.strides,
                                                  torch::dtype(torchType(info.dtype)));
            entries.push_back(tensorBytes(outName, strided, info.dtype, info.shape));
        }
    }
    if (found != trained.size())
        throw InvalidArgument("The source model " + folder_ + " lacks some of the tensors that were trained.");
    writeShardedSafetensors(outFolder, entries, std::uint64_t(4) << 30);

    // What describes the model besides its weights.
    const fs::path from(folder_);
    for (const char *file : {"config.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json",
                             "generation_config.json", "preprocessor_config.json"}) {
        if (fs::exists(from / file))
            fs::copy_file(from / file, fs::path(outFolder) / file, fs::copy_options::overwrite_existing);
    }
    // A vision tower named relative to the model folder travels with it.
    for (const auto &entry : fs::directory_iterator(from)) {
        if (entry.is_directory() && fs::exists(entry.path() / "preprocessor_config.json"))
            fs::copy(entry.path(), fs::path(outFolder) / entry.path().filename(),
                     fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
}

} // namespace geolens::distill
