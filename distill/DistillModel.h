#pragma once

// A GeoChat model as the distillation engine uses it: teacher-forced logits with gradients,
// incremental decoding for rollouts, LoRA adapters, and export of the trained student as a model
// folder. Internal to the distillation engine: it includes LibTorch.

#include "distill/DistillConfig.h"
#include "model/DecodingRun.h"
#include "model/GeoChatModel.h"
#include "model/LlavaNetwork.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace geolens::distill {

// One or more prompts decoded together (rows left-padded to the longest), for a batch of
// rollouts: one forward pass per token for the whole batch instead of one per rollout.
struct DecodingSession {
    // The prefill and the steps; on a GPU, replayed as a CUDA graph (DecodingRun).
    detail::DecodingRun decoding;
    // float32 [B, vocab]: each row's distribution of its next token. The next appendTokens may
    // write over it: read it before.
    torch::Tensor lastLogits;
};

class DistillModel {
public:
    // Loads folder with ordinary (trainable) tensors. Nothing requires gradients yet.
    // folder may also be random:PRESET (GeoChatModel::createRandom's shapes with random weights,
    // for timing runs), which needs tokenizerModel and cannot be exported.
    static std::unique_ptr<DistillModel> load(const std::string &folder, ModelLoadOptions options,
                                              const std::string &tokenizerModel = {});
    // "random:geochat-7b" and the like.
    static bool isRandom(const std::string &source);
    // Wraps a model built elsewhere (tests); it must have been loaded with options.trainable.
    DistillModel(std::unique_ptr<GeoChatModel> model, std::string folder);

    GeoChatModel &model() { return *model_; }
    const ModelConfig &config() const { return model_->config(); }
    const Tokenizer &tokenizer() const { return *model_->tokenizer(); }
    const std::string &folder() const { return folder_; }
    torch::Device device() const { return network().device(); }
    int hiddenSize() const { return config().text.hiddenSize; }
    // Rows of the output layer: the vocabulary its distributions cover.
    std::int64_t outputVocabulary() const { return network().decoder.lmHead.size(0); }
    int imageTokens() const { return config().imageTokens(); }
    int eos() const;

    // The projector's output for preprocessed pixels [B, 3, S, S] (float32, any device): the
    // vision tower runs without gradients (it is never trained); the projector keeps them when
    // its weights require them. [B, tokens, hidden] in the model's dtype.
    torch::Tensor imageFeatures(const torch::Tensor &pixels) const;
    // Preprocessed pixels [3, S, S] float32 on the CPU, for the input size of this model.
    torch::Tensor pixels(const RgbImage &image) const;
    int inputSize() const { return config().inputSize; }

    // The llava_v1 prompt ids (with -200 for the image) for a question after earlier turns.
    std::vector<int> promptTokens(const std::string &question, const std::vector<ChatTurn> &history) const;
    std::vector<int> tokenize(const std::string &text) const;

    // Teacher forcing: float32 logits [1, n, vocab] predicting tokens[0..n-1] after the prompt
    // (tokens[n-1] is predicted but never fed). features [1, imageTokens, hidden].
    torch::Tensor sequenceLogits(const torch::Tensor &features, const std::vector<int> &prompt,
                                 const std::vector<int> &tokens) const;

    // Incremental decoding for rollouts (no gradients): the prompts, each with its image features
    // [1, N, hidden], then one token per row at a time; room is made for maxNewTokens after the
    // longest prompt. Rows that have ended may be fed anything: their logits are ignored.
    DecodingSession startDecoding(const std::vector<torch::Tensor> &features,
                                  const std::vector<std::vector<int>> &prompts, int maxNewTokens) const;
    void appendTokens(DecodingSession &session, const std::vector<int> &tokens) const;
    // The greedy answer (EOS excluded) to a prompt, as SeqKD trains on the teacher's answers.
    std::vector<int> greedyAnswer(const torch::Tensor &features, const std::vector<int> &prompt, int maxNewTokens) const;

    // Plain text without an image (the pretraining corpus): float32 logits [1, n - 1, vocab]
    // predicting tokens[1..n-1] from the tokens before them (tokens[0] is BOS).
    torch::Tensor textLogits(const std::vector<int> &tokens) const;

    // Trainability. The projector always trains; the decoder either fully or through adapters.
    // Adapter dropout draws from LibTorch's default generator while training is on.
    void addLora(const LoraSettings &settings, std::uint64_t seed);
    void setTraining(bool training);
    bool hasLora() const { return lora_; }
    void setDecoderTrainable(bool trainable);
    void setProjectorTrainable(bool trainable);
    // Every tensor that requires gradients, with a stable name (for checkpoints).
    std::vector<std::pair<std::string, torch::Tensor>> trainableTensors();

    // Writes a model folder with the same layout and tensor names as the source folder: trained
    // tensors (LoRA folded in, adapters dropped) in the source's element types, everything else
    // copied byte for byte; config, tokenizer and a relative vision tower folder copied along.
    void exportTo(const std::string &outFolder) const;

private:
    // Every tensor a run may change, by canonical name (tensor handles, sharing storage). With
    // foldAdapters an adapted projection comes with its adapter folded in, as export writes it;
    // without, the adapters follow their projection as NAME.lora_A and NAME.lora_B.
    std::vector<std::pair<std::string, torch::Tensor>> namedTensors(bool foldAdapters) const;
    detail::LlavaNetwork &network() { return model_->network(); }
    const detail::LlavaNetwork &network() const { return model_->network(); }

    std::unique_ptr<GeoChatModel> model_;
    std::string folder_;
    // The decoding steps kept for the next session of the same shape: rollout batches repeat
    // theirs, and a CUDA graph's capture costs a few steps.
    mutable std::shared_ptr<detail::DecodeStepGraph> decodeSteps_;
    bool lora_ = false;
};

} // namespace geolens::distill
