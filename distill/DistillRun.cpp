#include "distill/DistillRun.h"

#include "common/Error.h"
#include "distill/DistillModel.h"
#include "distill/DistillationLosses.h"
#include "distill/InstructionDataset.h"
#include "distill/LearningRateSchedule.h"
#include "distill/MetricsWriter.h"
#include "distill/PretrainCorpus.h"
#include "distill/RolloutBatch.h"
#include "distill/RunCheckpoint.h"
#include "distill/RunFolder.h"
#include "distill/SampleFit.h"
#include "distill/SeededPermutation.h"
#include "distill/TrialTiming.h"
#include "distributed/LaunchEnvironment.h"
#include "model/DeviceName.h"
#include "model/PortablePixmap.h"
#include "model/Tokenizer.h"
#include "model/TorchTypes.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace geolens {

namespace {

namespace fs = std::filesystem;
using distill::DistillModel;
using distill::RolloutBatch;

constexpr int MaxNonFiniteInARow = 5;
// Validation passes look at this many held-out samples at most, so that an evaluation of a
// GeoChat-sized validation split takes seconds, not an hour.
constexpr std::size_t MaxValidationSamples = 256;
// Corpus documents are cut to this many tokens for L_PT.
constexpr std::size_t MaxCorpusTokens = 256;
constexpr int CheckpointsKept = 2;

std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t x = a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

ModelLoadOptions loadOptions(const std::string &device, const std::string &dtype, int imageSize)
{
    ModelLoadOptions o;
    applyDeviceName(device, o);
    if (dtype == "f32")
        o.dtype = WeightType::F32;
    else if (dtype == "bf16")
        o.dtype = WeightType::BF16;
    else if (dtype == "f16")
        o.dtype = WeightType::F16;
    if (imageSize > 0)
        o.imageSize = imageSize;
    return o;
}

double residentGb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6)) / 1e6; // kB
    return 0.0;
}

bool isOutOfMemory(const std::exception &e)
{
    const std::string what = e.what();
    return what.find("out of memory") != std::string::npos || what.find("CUDA out of memory") != std::string::npos ||
           what.find("DefaultCPUAllocator: can't allocate") != std::string::npos;
}

torch::Tensor idsTensor(const std::vector<int> &ids, torch::Device device)
{
    std::vector<std::int64_t> wide(ids.begin(), ids.end());
    return torch::tensor(wide, torch::kLong).to(device).unsqueeze(0);
}

// The step's contributions, averaged over its micro-batches, for metrics.jsonl.
struct StepTerms {
    std::map<std::string, double> sums;
    std::map<std::string, double> weights;
    void add(const std::string &name, double value, double weight)
    {
        sums[name] += value * weight;
        weights[name] += weight;
    }
    double mean(const std::string &name) const
    {
        const auto w = weights.find(name);
        return w == weights.end() || w->second == 0 ? 0.0 : sums.at(name) / w->second;
    }
};

class Run {
public:
    Run(const DistillConfig &config, RunStart start, const DistillHooks &hooks)
        : config_(config), resume_(start == RunStart::Resume), overwrite_(start == RunStart::Overwrite),
          hooks_(hooks), group_(hooks.group ? hooks.group : &ownGroup_),
          runDir_(config.out), metrics_((runDir_ / "metrics.jsonl").string(), hooks.onMetrics),
          checkpoints_(runDir_.string(), CheckpointsKept)
    {
    }

    DistillSummary execute()
    {
        try {
            prepare();
            return loop();
        } catch (const Error &) {
            throw;
        } catch (const std::exception &e) {
            if (isOutOfMemory(e))
                throw Error("Out of memory during distillation (" + firstLine(e.what()) +
                            "). Try LoRA instead of full fine-tuning (lora.enabled), a smaller batch_size or "
                            "rollout_batch_size, a shorter max_new_tokens or max_length, or the teacher on another "
                            "device (run.teacher_device).");
            throw Error(std::string("Distillation failed: ") + firstLine(e.what()));
        }
    }

private:
    static std::string firstLine(const std::string &text)
    {
        return text.substr(0, text.find('\n'));
    }

    // Rank 0 speaks for the run; the others would only repeat it.
    void log(const std::string &message) const
    {
        if (hooks_.log && group_->isRoot())
            hooks_.log(message);
    }

    std::size_t world() const
    {
        return static_cast<std::size_t>(group_->worldSize());
    }

    std::size_t rank() const
    {
        return static_cast<std::size_t>(group_->rank());
    }

    // Before any model is loaded: a run whose samples all exceed max_length would train on
    // nothing and export an untrained student, so it is refused; one that skips some says so now,
    // not only in its last line. The student's tokenizer and image tokens at the run's image size
    // are read as its load reads them; when they cannot be, the load that follows says why.
    void checkSamplesFit()
    {
        std::optional<ModelConfig> shape;
        std::unique_ptr<Tokenizer> tokenizer;
        const std::optional<int> imageSize =
            config_.run.imageSize > 0 ? std::optional<int>(config_.run.imageSize) : std::nullopt;
        try {
            if (DistillModel::isRandom(config_.student)) {
                if (config_.tokenizer.empty() || !fs::exists(config_.tokenizer))
                    return;
                shape = GeoChatModel::presetConfig(config_.student.substr(7));
                if (imageSize)
                    shape->inputSize = *imageSize;
                tokenizer = Tokenizer::load(config_.tokenizer);
            } else {
                const fs::path tokenizerPath = fs::path(config_.student) / "tokenizer.model";
                if (!fs::exists(tokenizerPath))
                    return;
                shape = ModelConfig::load(config_.student, imageSize);
                tokenizer = Tokenizer::load(tokenizerPath.string());
            }
        } catch (const Error &) {
            return; // the student's load reports it with its own message
        }
        const SampleFit fit =
            SampleFit::of(config_, measureSampleLengths(train_, *tokenizer), shape->imageTokens());
        if (fit.noneFit())
            throw InvalidArgument("The run would train on nothing. " + fit.describe());
        if (fit.tooLong() > 0)
            log(fit.describe());
    }

    // The configured device as this rank's own: each rank of a machine has its own GPUs, as many
    // as the highest GPU its student and teacher devices name, plus one.
    ModelLoadOptions rankLoadOptions(const std::string &device) const
    {
        const int perRank = devicesPerRank({config_.run.studentDevice, config_.run.teacherDevice});
        ModelLoadOptions o = loadOptions(device, config_.run.dtype, config_.run.imageSize);
        applyRankDeviceName(device, group_->localRank(), perRank, o);
        return o;
    }

    // ---- set-up --------------------------------------------------------------------------

    void prepare()
    {
        if (!hooks_.readImage)
            throw InvalidArgument("A distillation run needs an image reader.");
        const std::vector<std::string> problems = config_.validate();
        if (!problems.empty()) {
            std::string text = "The run configuration cannot be used:";
            for (const std::string &p : problems)
                text += "\n  " + p;
            throw InvalidArgument(text);
        }
        method_ = config_.methodKind();
        if (group_->isRoot()) {
            lock_.emplace(RunFolder::lock(runDir_.string()));
            if (!resume_) {
                const std::vector<std::string> earlier = RunFolder::earlierResults(runDir_.string());
                if (!earlier.empty() && !overwrite_) {
                    std::string what;
                    for (const std::string &name : earlier)
                        what += (what.empty() ? "" : ", ") + name;
                    throw FileError(runDir_.string(), "holds an earlier run (" + what +
                                                          "); a new run there would mix with it. Resume it, choose "
                                                          "another folder, or overwrite it (--overwrite).");
                }
                if (!earlier.empty()) {
                    RunFolder::clearEarlierRun(runDir_.string());
                    log("cleared the earlier run in " + runDir_.string());
                }
            }
            if (const int stale = RunFolder::removeTemporaries(runDir_.string()))
                log("removed " + std::to_string(stale) + " temporary file(s) left by an interrupted run");
            fs::create_directories(runDir_);
            fs::create_directories(runDir_ / "checkpoints");
            if (resume_) {
                std::error_code ignored;
                fs::remove(runDir_ / "STOP", ignored);
            }
            config_.save(DistillConfig::runFilePath(runDir_.string()));
        }
        if (group_->distributed())
            log("running as " + std::to_string(world()) + " processes: each step takes " + std::to_string(world()) +
                " times the batch of one");

        InstructionLoadOptions dataOptions;
        dataOptions.imageChecker = hooks_.checkImage;
        InstructionSplit split = InstructionDataset::loadForTraining(config_.data, config_.images, config_.validationData,
                                                                     config_.validationFraction, config_.run.seed,
                                                                     dataOptions);
        train_ = std::move(split.training);
        validation_ = std::move(split.validation);
        log(train_.report().summary());
        if (train_.sampleCount() == 0)
            throw InvalidArgument("The training data holds no usable sample.");
        if (!config_.corpus.empty()) {
            PretrainCorpus corpus = PretrainCorpus::load(config_.corpus);
            log(corpus.report().summary());
            corpus_ = corpus.takeDocuments();
        }

        checkSamplesFit();

        log("Loading the teacher " + config_.teacher);
        teacher_ = DistillModel::load(config_.teacher, rankLoadOptions(config_.run.teacherDevice), config_.tokenizer);
        log("Loading the student " + config_.student);
        student_ = DistillModel::load(config_.student, rankLoadOptions(config_.run.studentDevice), config_.tokenizer);
        checkCompatible();

        // The teacher is frozen; the student trains its projector and its decoder (through
        // adapters or fully); the vision towers never train.
        if (config_.lora.enabled)
            student_->addLora(config_.lora, mixSeed(config_.run.seed, 0x10a));
        else
            student_->setDecoderTrainable(true);
        student_->setProjectorTrainable(true);
        student_->setTraining(true);

        if (config_.terms.align > 0 && usesAlignment()) {
            const int dt = teacher_->hiddenSize(), ds = student_->hiddenSize();
            if (dt != ds) {
                // A linear map from the student's width to the teacher's, trained with the
                // student and dropped at export.
                auto generator = at::detail::createCPUGenerator(mixSeed(config_.run.seed, 0xa119));
                alignMap_ = (torch::randn({dt, ds}, generator, torch::kFloat32) / std::sqrt(static_cast<double>(ds)))
                                .to(student_->device())
                                .set_requires_grad(true);
            }
        }
        if (config_.terms.pt > 0 && method_ == DistillMethod::Paper && corpus_.empty())
            log("No pretraining corpus was given: the pt term is off.");

        // Every rank takes its share of a step: the data goes world times as fast.
        totalSteps_ = config_.run.steps;
        if (config_.run.epochs > 0)
            totalSteps_ = stepsForEpochs(config_, static_cast<double>(train_.sampleCount()) / world());
        warmupSteps_ = method_ == DistillMethod::Paper ? std::min(config_.run.sftWarmupSteps, totalSteps_) : 0;
        schedule_.emplace(config_.optimiser, totalSteps_, warmupSteps_);
        makeOptimizer();
        if (resume_)
            restore();
        else if (group_->isRoot())
            metrics_.startNew();
        // Rank 0 has cleared a STOP left from before and written run.json before any rank steps.
        group_->barrier("the start of the run");
        started_ = std::chrono::steady_clock::now();
    }

    // The alignment term's own gradient, summed over a step, so that the step can say how much of
    // the whole gradient it is (metrics: align_grad_share). Only the tensors it reaches count.
    void accumulateAlignGradient(const torch::Tensor &weightedAlignLoss)
    {
        std::vector<torch::Tensor> inputs;
        for (const torch::Tensor &t : parameters())
            if (t.requires_grad())
                inputs.push_back(t);
        const auto grads = torch::autograd::grad({weightedAlignLoss}, inputs, {}, /*retain_graph=*/true,
                                                 /*create_graph=*/false, /*allow_unused=*/true);
        if (alignGrad_.size() != grads.size())
            alignGrad_.assign(grads.size(), torch::Tensor());
        for (std::size_t i = 0; i < grads.size(); ++i) {
            if (!grads[i].defined())
                continue;
            alignGrad_[i] = alignGrad_[i].defined() ? alignGrad_[i] + grads[i].detach().to(torch::kFloat32)
                                                    : grads[i].detach().to(torch::kFloat32);
        }
    }

    // The L2 norm of a set of tensors in one reduction (one device synchronisation, not one per tensor).
    static double jointNorm(const std::vector<torch::Tensor> &tensors)
    {
        std::vector<torch::Tensor> norms;
        for (const torch::Tensor &t : tensors)
            if (t.defined())
                norms.push_back(t.to(torch::kFloat32).norm().to(torch::kCPU));
        return norms.empty() ? 0.0 : torch::stack(norms).norm().item<double>();
    }

    // |the alignment's gradient| / |the whole gradient| of the step; totalNorm is the whole
    // gradient's norm before clipping. -1 when the step had no alignment term.
    double takeAlignGradientShare(double totalNorm)
    {
        if (alignGrad_.empty())
            return -1.0;
        const double alignNorm = jointNorm(alignGrad_);
        alignGrad_.clear();
        return totalNorm > 0.0 ? alignNorm / totalNorm : 0.0;
    }

    distill::AlignReduction alignReduction() const
    {
        return config_.terms.alignReduction == "half_sum" ? distill::AlignReduction::HalfSum
                                                          : distill::AlignReduction::Mean;
    }

    bool usesAlignment() const
    {
        return method_ == DistillMethod::Paper || method_ == DistillMethod::Align;
    }

    void checkCompatible()
    {
        const Tokenizer &t = teacher_->tokenizer();
        const Tokenizer &s = student_->tokenizer();
        const std::string probe = "Classify the image: airport, dense residential, river. <p>ship</p>{<1><2><3><4>|<5>}";
        if (t.vocabSize() != s.vocabSize() || t.eos() != s.eos() || t.bos() != s.bos() || t.encode(probe) != s.encode(probe))
            throw InvalidArgument("The teacher and the student do not share a tokenizer (" + std::to_string(t.vocabSize()) +
                                  " and " + std::to_string(s.vocabSize()) +
                                  " pieces): their distributions cannot be compared token by token.");
        const std::int64_t tv = teacher_->outputVocabulary(), sv = student_->outputVocabulary();
        if (tv != sv)
            throw InvalidArgument("The teacher predicts " + std::to_string(tv) + " tokens and the student " +
                                  std::to_string(sv) + ": their output layers must cover the same vocabulary.");
        const int ti = teacher_->imageTokens(), si = student_->imageTokens();
        if (config_.terms.align > 0 && usesAlignment() && ti != si)
            throw InvalidArgument("Feature alignment compares the image tokens one by one, but the teacher makes " +
                                  std::to_string(ti) + " and the student " + std::to_string(si) +
                                  "; give both the same image_size or set terms.align to 0.");
    }

    std::size_t samplesPerStep() const
    {
        return static_cast<std::size_t>(std::max(1, config_.optimiser.batchSize)) *
               static_cast<std::size_t>(std::max(1, config_.optimiser.gradAccumulation));
    }

    std::vector<torch::Tensor> parameters()
    {
        std::vector<torch::Tensor> out;
        for (auto &[name, t] : student_->trainableTensors())
            out.push_back(t);
        if (alignMap_.defined())
            out.push_back(alignMap_);
        return out;
    }

    void makeOptimizer()
    {
        const OptimiserSettings &o = config_.optimiser;
        torch::optim::AdamWOptions options(o.lr);
        options.betas(std::make_tuple(o.betas[0], o.betas[1])).eps(o.eps).weight_decay(o.weightDecay);
        optimizer_ = std::make_unique<torch::optim::AdamW>(parameters(), options);
    }

    // ---- data ----------------------------------------------------------------------------

    // The training sample at a position of the endless stream of epochs, each shuffled with
    // the run's seed and its number, so the order is a function of the position alone.
    InstructionSample sampleAt(std::uint64_t position)
    {
        return train_.sample(sampleIndexAt(position));
    }

    std::size_t sampleIndexAt(std::uint64_t position)
    {
        const std::size_t n = train_.sampleCount();
        const std::uint64_t epoch = position / n;
        if (epoch != orderEpoch_ || order_.empty()) {
            order_ = seededPermutation(n, mixSeed(config_.run.seed, epoch));
            orderEpoch_ = epoch;
        }
        return order_[position % n];
    }

    // With run.cache_images, each image is decoded, squared and resized once per run and kept in
    // RUN_DIR/image-cache as the model's input square (762 KB at 504 px): later epochs read that
    // instead of decoding a JPEG and resampling it. Preprocessing the cached square gives exactly
    // the same tensor, since resizing to the same size is the identity.
    // A model's input for an image. decoded holds the image once read, so that the teacher and
    // the student of one sample decode it once between them.
    torch::Tensor pixelsFor(DistillModel &model, const std::string &path, std::optional<RgbImage> &decoded)
    {
        const auto source = [&]() -> const RgbImage & {
            if (!decoded)
                decoded = hooks_.readImage(path);
            return *decoded;
        };
        if (!config_.run.cacheImages)
            return model.pixels(source()).unsqueeze(0);
        std::uint64_t hash = 1469598103934665603ULL;
        for (unsigned char c : path)
            hash = (hash ^ c) * 1099511628211ULL;
        char name[64];
        std::snprintf(name, sizeof name, "%016llx-%d.ppm", static_cast<unsigned long long>(hash), model.inputSize());
        const fs::path cached = runDir_ / "image-cache" / name;
        if (fs::exists(cached))
            return model.pixels(readPortablePixmap(cached.string())).unsqueeze(0);
        const RgbImage square = ImagePreprocessor::resizeAndCrop(ImagePreprocessor::expandToSquare(source()),
                                                                 model.inputSize());
        fs::create_directories(cached.parent_path());
        writePortablePixmap(cached.string(), square);
        return model.pixels(square).unsqueeze(0);
    }

    // The pixels of a sample's image, or nothing when it cannot be read (damaged after the data was
    // checked, or a header the check could not judge): the sample is skipped and the reason logged
    // once, so that one bad image never ends a run.
    std::optional<torch::Tensor> readablePixels(DistillModel &model, const std::string &path,
                                                std::optional<RgbImage> &decoded)
    {
        if (unreadable_.count(path))
            return std::nullopt;
        try {
            return pixelsFor(model, path, decoded);
        } catch (const FileError &e) {
            unreadable_.insert(path);
            log(std::string("skipping the samples of an unreadable image: ") + e.what());
            return std::nullopt;
        }
    }

    static std::vector<ChatTurn> history(const InstructionSample &s)
    {
        std::vector<ChatTurn> turns;
        for (const InstructionTurn &t : s.history)
            turns.push_back({t.user, t.assistant});
        return turns;
    }

    // The answer tokens a supervised term learns, EOS last, cut to fit max_length; empty when
    // the prompt alone does not fit.
    std::vector<int> targetTokens(const InstructionSample &s, const std::vector<int> &prompt, std::size_t sampleKey)
    {
        std::vector<int> tokens;
        if (method_ == DistillMethod::SeqKd) {
            auto found = teacherAnswers_.find(sampleKey);
            if (found == teacherAnswers_.end()) {
                torch::NoGradGuard noGrad;
                std::optional<RgbImage> image;
                const std::optional<torch::Tensor> pixels = readablePixels(*teacher_, s.imagePath, image);
                if (!pixels)
                    return tokens; // no target: the sample is skipped
                const auto features = teacher_->imageFeatures(*pixels);
                found = teacherAnswers_.emplace(sampleKey, teacher_->greedyAnswer(features, prompt, config_.minillm.maxNewTokens)).first;
            }
            tokens = found->second;
        } else {
            tokens = student_->tokenize(s.answer);
        }
        tokens.push_back(student_->eos());
        return fitAfterPrompt(std::move(tokens), prompt);
    }

    // Positions left for an answer after the prompt and its image tokens, within max_length.
    std::int64_t answerRoom(const std::vector<int> &prompt) const
    {
        return static_cast<std::int64_t>(config_.run.maxLength) -
               (static_cast<std::int64_t>(prompt.size()) - 1 + student_->imageTokens());
    }

    // tokens cut to the room after prompt; empty when the prompt alone fills max_length.
    std::vector<int> fitAfterPrompt(std::vector<int> tokens, const std::vector<int> &prompt) const
    {
        const std::int64_t room = answerRoom(prompt);
        if (room < 1)
            return {};
        if (static_cast<std::int64_t>(tokens.size()) > room)
            tokens.resize(static_cast<std::size_t>(room));
        return tokens;
    }

    // ---- steps ---------------------------------------------------------------------------

    // Supervised terms on answers (the baselines, and the paper's SFT warm start).
    bool supervisedStep(StepTerms &terms, double &tokens, double &answerLength)
    {
        const bool warm = method_ == DistillMethod::Paper;
        const LossTerms &w = config_.terms;
        const bool warmKd = warm && config_.run.warmupLoss == "kd";
        const double ce = warm ? (warmKd ? 0.0 : 1.0) : w.ce;
        const double kd = warm ? (warmKd ? 1.0 : 0.0) : w.kd;
        const double single = warm ? 0.0 : w.single;
        const double align = warm ? 0.0 : (usesAlignment() ? w.align : 0.0);
        // The answers alone need no teacher: it then runs only at validations.
        const bool needsTeacher = kd > 0 || single > 0 || align > 0;
        const std::size_t micro = samplesPerStep();
        // This rank's samples of the step; the losses are means over the step's samples of all ranks,
        // which the sum of the ranks' gradients then makes.
        const std::uint64_t first = consumed_ + rank() * micro;
        consumed_ += micro * world();
        const double stepSamples = static_cast<double>(micro * world());
        bool finite = true;
        for (std::size_t m = 0; m < micro; ++m) {
            const std::uint64_t position = first + m;
            const InstructionSample s = sampleAt(position);
            const std::vector<int> prompt = student_->promptTokens(s.question, history(s));
            const std::vector<int> target = targetTokens(s, prompt, sampleIndexAt(position));
            if (target.empty()) {
                ++skippedTooLong_;
                continue;
            }
            std::optional<RgbImage> image;
            const std::optional<torch::Tensor> pixels = readablePixels(*student_, s.imagePath, image);
            if (!pixels)
                continue;
            const auto studentFeatures = student_->imageFeatures(*pixels);
            const auto logits = student_->sequenceLogits(studentFeatures, prompt, target);
            const auto targets = idsTensor(target, logits.device());
            const auto mask = torch::ones_like(targets, torch::kBool);
            torch::Tensor teacherLogits, teacherFeatures;
            if (needsTeacher) {
                torch::NoGradGuard noGrad;
                teacherFeatures = teacher_->imageFeatures(pixelsFor(*teacher_, s.imagePath, image));
                teacherLogits = teacher_->sequenceLogits(teacherFeatures, prompt, target).to(logits.device());
            }
            auto loss = torch::zeros({}, torch::dtype(torch::kFloat32).device(logits.device()));
            if (ce > 0) {
                const auto v = distill::crossEntropyLoss(logits, targets, mask);
                loss = loss + ce * v;
                terms.add("ce", v.item<double>(), 1.0);
            }
            // The rev_kl metric when a loss term has it: the single term is the metric itself, and the
            // KD term takes it from its own log-softmaxes.
            std::optional<double> exactReverseKl;
            if (kd > 0) {
                const auto v =
                    distill::hintonKdLossAndReverseKl(logits, teacherLogits, targets, mask, w.kdTemperature, w.kdLambda);
                loss = loss + kd * v.loss;
                terms.add("kd", v.loss.item<double>(), 1.0);
                exactReverseKl = v.reverseKl.item<double>();
            }
            if (single > 0) {
                const auto v = distill::tokenReverseKlLoss(logits, teacherLogits, mask);
                loss = loss + single * v;
                exactReverseKl = v.item<double>();
                terms.add("single", *exactReverseKl, 1.0);
            }
            if (align > 0) {
                const auto v = distill::featureAlignmentLoss(studentFeatures, teacherFeatures.to(studentFeatures.device()),
                                                             alignMap_, alignReduction());
                loss = loss + align * v;
                terms.add("align", v.item<double>(), 1.0);
            }
            if (needsTeacher) {
                // A full-vocabulary pass over every answer token: made only when no term had it.
                torch::NoGradGuard noGrad;
                const double reverseKl =
                    exactReverseKl ? *exactReverseKl
                                   : distill::maskedMean(distill::reverseKlPerToken(logits, teacherLogits), mask).item<double>();
                terms.add("rev_kl", reverseKl, static_cast<double>(target.size()));
            }
            tokens += static_cast<double>(prompt.size() + target.size() + student_->imageTokens());
            answerLength += static_cast<double>(target.size()) / stepSamples;
            const double value = loss.item<double>();
            terms.add("loss", value, 1.0);
            if (!std::isfinite(value)) {
                finite = false;
                continue;
            }
            (loss / stepSamples).backward();
        }
        return finite;
    }

    void collectRollouts()
    {
        torch::NoGradGuard noGrad;
        const MiniLlmSettings &mm = config_.minillm;
        rollouts_.clear();
        std::vector<distill::RolloutPrompt> prompts;
        const std::size_t perRank = static_cast<std::size_t>(std::max(0, mm.rolloutBatchSize));
        const std::uint64_t first = consumed_ + rank() * perRank;
        consumed_ += perRank * world();
        for (std::size_t r = 0; r < perRank; ++r) {
            const std::uint64_t position = first + r;
            const InstructionSample s = sampleAt(position);
            distill::RolloutPrompt p;
            p.prompt = student_->promptTokens(s.question, history(s));
            p.room = answerRoom(p.prompt);
            p.maxNewTokens = static_cast<int>(std::min<std::int64_t>(mm.maxNewTokens, p.room));
            if (p.maxNewTokens < 1) {
                ++skippedTooLong_;
                continue;
            }
            p.sample = static_cast<std::size_t>(position);
            // A rollout's draws depend on the run's seed and its sample's position only.
            p.seed = mixSeed(config_.run.seed, 0x5a3d0000ULL + p.sample);
            std::optional<RgbImage> image;
            // Kept for every optimisation pass over this batch, as the teacher's features are.
            const std::optional<torch::Tensor> pixels = readablePixels(*student_, s.imagePath, image);
            if (!pixels)
                continue;
            p.studentPixels = *pixels;
            p.studentFeatures = student_->imageFeatures(p.studentPixels);
            p.teacherFeatures = teacher_->imageFeatures(pixelsFor(*teacher_, s.imagePath, image));
            prompts.push_back(std::move(p));
        }
        rollouts_ = RolloutBatch::draw(*student_, *teacher_, std::move(prompts), mm);
        rescoreRollouts();
    }

    // The log-probabilities a batch was drawn with come from cached, left-padded decoding; the
    // update scores the rollouts with one unpadded forward pass. In bf16 the two differ, so the
    // first PPO ratio would not be 1 and the clip would act on rounding. As MiniLLM does, the old
    // log-probabilities (and the teacher's, for the rewards) are taken again from the very forward
    // pass the update runs, and the advantages follow them. p_mix stays the distribution that drew.
    void rescoreRollouts()
    {
        torch::NoGradGuard noGrad;
        for (distill::Rollout &r : rollouts_.rollouts()) {
            const InstructionSample s = sampleAt(r.sample);
            const std::vector<int> prompt = student_->promptTokens(s.question, history(s));
            std::optional<RgbImage> image;
            if (!r.studentPixels.defined())
                r.studentPixels = pixelsFor(*student_, s.imagePath, image);
            if (!r.teacherFeatures.defined())
                r.teacherFeatures = teacher_->imageFeatures(pixelsFor(*teacher_, s.imagePath, image));
            const auto studentLogits = student_->sequenceLogits(student_->imageFeatures(r.studentPixels), prompt, r.tokens);
            r.teacher = teacherDistribution(r, prompt);
            const auto ids = idsTensor(r.tokens, studentLogits.device());
            const auto mask = torch::ones_like(ids, torch::kBool);
            r.oldLogProbs = distill::tokenLogProbs(studentLogits, ids, mask).squeeze(0).to(torch::kCPU);
            r.teacherLogProbs =
                r.teacher.values.gather(-1, idsTensor(r.tokens, torch::kCPU).unsqueeze(-1)).squeeze(-1).squeeze(0);
        }
        rollouts_.computeAdvantages(config_.minillm, processSum());
    }

    // The teacher's log-softmax over a rollout, computed once for the PPO passes over its batch, on
    // the teacher's device; kept on the CPU, where the batch waits between passes.
    distill::TeacherLogProbs teacherDistribution(const distill::Rollout &r, const std::vector<int> &prompt)
    {
        torch::NoGradGuard noGrad;
        const auto logits = teacher_->sequenceLogits(r.teacherFeatures, prompt, r.tokens);
        return {distill::teacherLogProbs(logits).values.to(torch::kCPU)};
    }

    // Sums over the ranks for the whitening of a batch of rollouts that all ranks share.
    distill::ProcessSum processSum()
    {
        if (!group_->distributed())
            return {};
        return [this](std::vector<double> &values) { group_->allReduceSum(values, "the rollouts' advantages"); };
    }

    // The paper's objective on the current rollouts: policy + single-step + alignment, and L_PT.
    bool paperStep(StepTerms &terms, double &tokens, double &answerLength)
    {
        const LossTerms &w = config_.terms;
        const MiniLlmSettings &mm = config_.minillm;
        // Token means and rollout means over the batch of all ranks.
        std::vector<double> batch{rollouts_.tokenCount(), static_cast<double>(rollouts_.size())};
        group_->allReduceSum(batch, "the size of the rollouts");
        const double totalTokens = batch[0];
        const double totalRollouts = std::max(1.0, batch[1]);
        bool finite = true;
        for (distill::Rollout &r : rollouts_.rollouts()) {
            const InstructionSample s = sampleAt(r.sample);
            const std::vector<int> prompt = student_->promptTokens(s.question, history(s));
            std::optional<RgbImage> image;
            if (!r.studentPixels.defined())
                r.studentPixels = pixelsFor(*student_, s.imagePath, image);
            const auto studentFeatures = student_->imageFeatures(r.studentPixels);
            {
                // Both depend on the frozen teacher only: computed once per batch of rollouts.
                torch::NoGradGuard noGrad;
                if (!r.teacherFeatures.defined())
                    r.teacherFeatures = teacher_->imageFeatures(pixelsFor(*teacher_, s.imagePath, image));
                if (!r.teacher.values.defined())
                    r.teacher = teacherDistribution(r, prompt);
            }
            const torch::Tensor &teacherFeatures = r.teacherFeatures;
            const auto logits = student_->sequenceLogits(studentFeatures, prompt, r.tokens);
            const auto device = logits.device();
            const auto ids = idsTensor(r.tokens, device);
            const auto mask = torch::ones_like(ids, torch::kBool);
            // Token means over the whole batch of rollouts: each rollout weighs by its length.
            const double share = static_cast<double>(r.tokens.size()) / totalTokens;
            auto loss = torch::zeros({}, torch::dtype(torch::kFloat32).device(device));
            if (w.policy > 0) {
                const auto newLogProbs = distill::tokenLogProbs(logits, ids, mask);
                const auto oldLogProbs = r.oldLogProbs.to(device).unsqueeze(0);
                const auto weights = r.weights.to(device).unsqueeze(0);
                const auto v = distill::clippedPolicyLoss(newLogProbs, oldLogProbs, weights,
                                                          r.advantages.to(device).unsqueeze(0), mask, mm.clipRatio);
                loss = loss + w.policy * share * v;
                terms.add("policy", v.item<double>(), share);
                // How far the update has moved from the weights that drew the batch: exactly 0 and
                // no clipped token on the first pass over a batch.
                const auto ratio = (newLogProbs.detach() - oldLogProbs).exp();
                terms.add(MetricsKey::RatioDeviation, (ratio - 1.0).abs().max().item<double>(), share);
                const auto weighted = ratio * weights;
                const auto clipped = (weighted < 1.0 - mm.clipRatio).logical_or(weighted > 1.0 + mm.clipRatio);
                terms.add(MetricsKey::ClipFraction, clipped.to(torch::kFloat32).mean().item<double>(), share);
            }
            if (w.single > 0) {
                const auto v = distill::singleStepLoss(logits, distill::TeacherLogProbs{r.teacher.values.to(device)}, mask);
                loss = loss + w.single * share * v;
                terms.add("single", v.item<double>(), share);
            }
            if (w.align > 0) {
                const auto v = distill::featureAlignmentLoss(studentFeatures, teacherFeatures.to(studentFeatures.device()),
                                                             alignMap_, alignReduction());
                const auto weighted = w.align * v / totalRollouts;
                loss = loss + weighted;
                terms.add("align", v.item<double>(), 1.0);
                accumulateAlignGradient(weighted);
            }
            terms.add("rev_kl", r.reverseKl, share);
            tokens += static_cast<double>(prompt.size() + r.tokens.size() + student_->imageTokens());
            answerLength += static_cast<double>(r.tokens.size()) / totalRollouts;
            const double value = loss.item<double>();
            terms.add("loss", value, 1.0);
            if (!std::isfinite(value)) {
                finite = false;
                continue;
            }
            loss.backward();
        }
        if (w.pt > 0 && !corpus_.empty()) {
            const std::size_t docs = static_cast<std::size_t>(std::max(1, config_.optimiser.batchSize));
            const std::uint64_t firstDoc = corpusPosition_ + rank() * docs;
            corpusPosition_ += docs * world();
            const double stepDocs = static_cast<double>(docs * world());
            for (std::size_t d = 0; d < docs; ++d) {
                std::optional<PretrainLogits> scored = pretrainLogits(corpus_[(firstDoc + d) % corpus_.size()]);
                if (!scored)
                    continue;
                const torch::Tensor &logits = scored->student, &teacherLogits = scored->teacher,
                                    &targets = scored->targets;
                tokens += scored->tokens;
                const auto v = distill::pretrainLoss(logits, teacherLogits, targets, torch::ones_like(targets, torch::kBool),
                                                     mm.kdRatio);
                terms.add("pt", v.item<double>(), 1.0);
                if (!std::isfinite(v.item<double>())) {
                    finite = false;
                    continue;
                }
                (w.pt * v / stepDocs).backward();
                terms.add("loss", w.pt * v.item<double>() / stepDocs, 1.0);
            }
        }
        return finite;
    }

    // What L_PT compares for one corpus document: the student's and the teacher's logits for its
    // tokens (each predicting the token at its position in targets).
    struct PretrainLogits {
        torch::Tensor student, teacher, targets;
        double tokens = 0; // positions the models ran over
    };

    // A text is learnt as the language model it is; an image-text pair in the instruction format,
    // its text as the answer to its prompt about the image. Nothing for a document too short, or
    // a pair whose prompt fills max_length.
    std::optional<PretrainLogits> pretrainLogits(const CorpusDocument &document)
    {
        PretrainLogits out;
        if (document.image.empty()) {
            std::vector<int> ids{student_->tokenizer().bos()};
            for (int id : student_->tokenize(document.text)) {
                if (ids.size() >= MaxCorpusTokens)
                    break;
                ids.push_back(id);
            }
            if (ids.size() < 2)
                return std::nullopt;
            out.student = student_->textLogits(ids);
            torch::NoGradGuard noGrad;
            out.teacher = teacher_->textLogits(ids).to(out.student.device());
            out.targets = idsTensor(std::vector<int>(ids.begin() + 1, ids.end()), out.student.device());
            out.tokens = static_cast<double>(ids.size());
            return out;
        }
        const std::vector<int> prompt =
            student_->promptTokens(document.prompt.empty() ? DefaultPairPrompt : document.prompt, {});
        std::vector<int> answer = student_->tokenize(document.text);
        if (answer.size() + 1 > MaxCorpusTokens)
            answer.resize(MaxCorpusTokens - 1);
        answer.push_back(student_->eos());
        const std::vector<int> target = fitAfterPrompt(std::move(answer), prompt);
        if (target.empty()) {
            ++skippedTooLong_;
            return std::nullopt;
        }
        std::optional<RgbImage> image;
        const std::optional<torch::Tensor> pixels = readablePixels(*student_, document.image, image);
        if (!pixels)
            return std::nullopt;
        out.student = student_->sequenceLogits(student_->imageFeatures(*pixels), prompt, target);
        torch::NoGradGuard noGrad;
        out.teacher = teacher_->sequenceLogits(teacher_->imageFeatures(pixelsFor(*teacher_, document.image, image)),
                                               prompt, target)
                          .to(out.student.device());
        out.targets = idsTensor(target, out.student.device());
        out.tokens = static_cast<double>(prompt.size() + target.size() + student_->imageTokens());
        return out;
    }

    // ---- evaluation ------------------------------------------------------------------------

    void evaluate(int step)
    {
        if (validation_.sampleCount() == 0)
            return;
        torch::NoGradGuard noGrad;
        student_->setTraining(false);
        double ceSum = 0, klSum = 0, count = 0;
        const std::size_t n = std::min(validation_.sampleCount(), MaxValidationSamples);
        for (std::size_t i = rank(); i < n; i += world()) {
            const InstructionSample s = validation_.sample(i);
            const std::vector<int> prompt = student_->promptTokens(s.question, history(s));
            std::vector<int> target = student_->tokenize(s.answer);
            target.push_back(student_->eos());
            target = fitAfterPrompt(std::move(target), prompt);
            if (target.empty())
                continue;
            std::optional<RgbImage> image;
            const std::optional<torch::Tensor> pixels = readablePixels(*student_, s.imagePath, image);
            if (!pixels)
                continue;
            const auto logits = student_->sequenceLogits(student_->imageFeatures(*pixels), prompt, target);
            const auto teacherLogits =
                teacher_->sequenceLogits(teacher_->imageFeatures(pixelsFor(*teacher_, s.imagePath, image)), prompt, target)
                    .to(logits.device());
            const auto targets = idsTensor(target, logits.device());
            const auto mask = torch::ones_like(targets, torch::kBool);
            const double tokens = static_cast<double>(target.size());
            ceSum += distill::crossEntropyLoss(logits, targets, mask).item<double>() * tokens;
            klSum += distill::maskedMean(distill::reverseKlPerToken(logits, teacherLogits), mask).item<double>() * tokens;
            count += tokens;
        }
        student_->setTraining(true);
        std::vector<double> sums{ceSum, klSum, count};
        group_->allReduceSum(sums, "a validation");
        ceSum = sums[0];
        klSum = sums[1];
        count = sums[2];
        if (count == 0)
            return;
        valLoss_ = ceSum / count;
        valReverseKl_ = klSum / count;
        MetricsRecord record(step);
        record.set(MetricsKey::Seconds, elapsedSeconds());
        record.set(MetricsKey::ValidationLoss, valLoss_);
        record.set(MetricsKey::ValidationReverseKl, valReverseKl_);
        if (group_->isRoot())
            metrics_.write(record);
        log("step " + std::to_string(step) + ": validation loss " + std::to_string(valLoss_) + ", reverse KL " +
            std::to_string(valReverseKl_));
        if (step <= warmupSteps_ && method_ == DistillMethod::Paper && valLoss_ < bestWarmupLoss_) {
            // The SFT warm start keeps its best weights for the distillation to start from.
            bestWarmupLoss_ = valLoss_;
            bestWarmup_.clear();
            for (auto &[name, t] : student_->trainableTensors())
                bestWarmup_[name] = t.detach().to(torch::kCPU).clone();
        }
    }

    // ---- metrics and checkpoints ---------------------------------------------------------

    double elapsedSeconds() const
    {
        return secondsBefore_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    }

    std::string saveCheckpoint(int step)
    {
        RunState state;
        state.step = step;
        state.consumed = consumed_;
        state.corpusPosition = corpusPosition_;
        state.bestWarmupLoss = bestWarmupLoss_;
        state.seconds = elapsedSeconds();
        state.skippedTooLong = skippedTooLong_;
        const std::string folder = checkpoints_.save(state, trainedTensors(), rollouts_, *optimizer_, *group_);
        log("checkpoint " + folder);
        return folder;
    }

    distill::TrainedTensors trainedTensors()
    {
        distill::TrainedTensors tensors;
        tensors.parameters = student_->trainableTensors();
        tensors.alignMap = alignMap_;
        tensors.bestWarmup = bestWarmup_;
        return tensors;
    }

    void restore()
    {
        distill::TrainedTensors tensors = trainedTensors();
        tensors.bestWarmup.clear();
        std::string folder;
        const RunState state = checkpoints_.restore(tensors, rollouts_, *optimizer_, *group_, &folder);
        startStep_ = state.step;
        consumed_ = state.consumed;
        corpusPosition_ = state.corpusPosition;
        secondsBefore_ = state.seconds;
        skippedTooLong_ = state.skippedTooLong;
        bestWarmupLoss_ = state.bestWarmupLoss;
        bestWarmup_ = std::move(tensors.bestWarmup);
        for (std::size_t n : state.rankRollouts)
            haveRollouts_ = haveRollouts_ || n > 0;
        // The curve continues from the checkpoint: later records are dropped.
        if (group_->isRoot())
            metrics_.keepUpTo(startStep_);
        log("resuming at step " + std::to_string(startStep_) + " from " + folder);
        if (state.worldSize != group_->worldSize()) {
            log("the checkpoint was written by " + std::to_string(state.worldSize) + " processes, this run has " +
                std::to_string(world()) + ": its rollouts are shared out again");
            if (config_.run.epochs > 0)
                refitStepsToData();
        }
    }

    // A run resumed on another number of processes goes through the rest of its epochs at the new
    // pace: the steps still to do are counted from the samples still to take.
    void refitStepsToData()
    {
        const double total = static_cast<double>(train_.sampleCount()) * config_.run.epochs;
        const double left = std::max(0.0, total - static_cast<double>(consumed_));
        DistillConfig rest = config_;
        rest.run.epochs = 1;
        rest.run.sftWarmupSteps = std::max(0, warmupSteps_ - startStep_);
        totalSteps_ = startStep_ + stepsForEpochs(rest, left / world());
        schedule_.emplace(config_.optimiser, totalSteps_, warmupSteps_);
        log("the run now ends at step " + std::to_string(totalSteps_));
    }

    // Any rank asked (a signal, the STOP file): all stop after the same step.
    bool stopRequested() const
    {
        const bool here = (hooks_.stop && hooks_.stop->load()) || fs::exists(runDir_ / "STOP");
        return group_->anyRank(here, "a check for a stop request");
    }

    // ---- the loop ------------------------------------------------------------------------

    DistillSummary loop()
    {
        DistillSummary summary;
        summary.totalSteps = totalSteps_;
        int nonFinite = 0;
        int step = startStep_;
        if (step == 0 && validation_.sampleCount() > 0 && !resume_)
            evaluate(0);
        while (step < totalSteps_) {
            if (stopRequested()) {
                summary.stopped = true;
                break;
            }
            if (method_ == DistillMethod::Paper && step == warmupSteps_ && step > 0 && !distilling_) {
                startDistillationPhase();
            }
            distilling_ = method_ == DistillMethod::Paper && step >= warmupSteps_;
            const auto stepStart = std::chrono::steady_clock::now();
            torch::manual_seed(mixSeed(config_.run.seed, 0xd40f0000ULL + static_cast<std::uint64_t>(step)));
            const double lr = schedule_->at(step);
            for (auto &group : optimizer_->param_groups())
                static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);
            optimizer_->zero_grad();

            StepTerms terms;
            double tokens = 0, answerLength = 0;
            bool finite;
            if (distilling_) {
                // Decided alike on every rank: a rank may hold no rollouts when the others do.
                if ((step - warmupSteps_) % std::max(1, config_.minillm.ppoEpochs) == 0 || !haveRollouts_) {
                    collectRollouts();
                    haveRollouts_ = true;
                }
                finite = paperStep(terms, tokens, answerLength);
            } else {
                finite = supervisedStep(terms, tokens, answerLength);
            }
            // The ranks decide together: one non-finite loss skips the step everywhere.
            finite = !group_->anyRank(!finite, "the step's losses");
            if (finite)
                reduceGradients();
            reduceStepFigures(terms, tokens, answerLength);
            double gradNorm = 0.0;
            double alignShare = -1.0;
            if (finite) {
                std::vector<torch::Tensor> params = parameters();
                gradNorm = config_.optimiser.gradClip > 0
                               ? torch::nn::utils::clip_grad_norm_(params, config_.optimiser.gradClip)
                               : 0.0;
                finite = std::isfinite(gradNorm);
                if (!alignGrad_.empty()) {
                    // Clipping returns the norm before it clipped; without clipping it is measured here.
                    std::vector<torch::Tensor> grads;
                    if (config_.optimiser.gradClip <= 0)
                        for (const torch::Tensor &p : params)
                            grads.push_back(p.grad());
                    alignShare = takeAlignGradientShare(config_.optimiser.gradClip > 0 ? gradNorm : jointNorm(grads));
                }
            }
            alignGrad_.clear();
            ++step;
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - stepStart).count();
            MetricsRecord record(step);
            record.set(MetricsKey::Seconds, elapsedSeconds());
            record.set(MetricsKey::Lr, lr);
            record.set(MetricsKey::Loss, terms.sums.count("loss") ? terms.sums.at("loss") / samplesOrRollouts() : 0.0);
            for (const char *name : MetricsKey::Terms)
                if (terms.weights.count(name))
                    record.set(name, terms.mean(name));
            if (terms.weights.count("rev_kl"))
                record.set(MetricsKey::ReverseKl, terms.mean("rev_kl"));
            if (alignShare >= 0.0)
                record.set(MetricsKey::AlignGradientShare, alignShare);
            if (terms.weights.count(MetricsKey::RatioDeviation)) {
                record.set(MetricsKey::RatioDeviation, terms.mean(MetricsKey::RatioDeviation));
                record.set(MetricsKey::ClipFraction, terms.mean(MetricsKey::ClipFraction));
            }
            record.set(MetricsKey::StudentLength, answerLength);
            record.set(MetricsKey::TokensPerSecond, seconds > 0 ? tokens / seconds : 0.0);
            record.set(MetricsKey::GpuMemoryGb, devicePeakMemoryMiB(student_->device()) / 1024.0);
            record.set(MetricsKey::ResidentGb, residentGb());
            record.set(MetricsKey::GradNorm, gradNorm);
            record.setText(MetricsKey::Phase,
                           distilling_ ? "distill" : (method_ == DistillMethod::Paper ? "sft" : methodName(method_)));
            if (finite) {
                optimizer_->step();
                nonFinite = 0;
            } else {
                optimizer_->zero_grad();
                ++nonFinite;
                record.setText(MetricsKey::Skipped, "non-finite loss or gradient");
                log("step " + std::to_string(step) + ": the loss or its gradient was not finite; the step was skipped");
            }
            if (group_->isRoot())
                metrics_.write(record);
            summary.stepsDone = step;
            if (nonFinite >= MaxNonFiniteInARow) {
                summary.checkpoint = saveCheckpoint(step);
                throw Error("The loss was not finite in " + std::to_string(MaxNonFiniteInARow) +
                            " steps in a row (up to step " + std::to_string(step) +
                            "), so the run stopped. The checkpoint " + summary.checkpoint +
                            " holds the weights those steps started from (no update was applied since); lower the learning rate "
                            "or check the data, then resume.");
            }
            const bool last = step == totalSteps_;
            // The warm start's last weights are always judged, so that the best of them is known.
            const bool warmStartEnds = method_ == DistillMethod::Paper && step == warmupSteps_;
            if (((config_.run.evalInterval > 0 && step % config_.run.evalInterval == 0) || warmStartEnds) && !last)
                evaluate(step);
            if (config_.run.checkpointInterval > 0 && step % config_.run.checkpointInterval == 0 && !last)
                summary.checkpoint = saveCheckpoint(step);
        }
        if (summary.stopped) {
            summary.checkpoint = saveCheckpoint(step);
            log("stopped at step " + std::to_string(step) + "; resume with --resume");
        } else {
            evaluate(step);
            summary.checkpoint = saveCheckpoint(step);
            student_->setTraining(false);
            if (!group_->isRoot()) {
                // Rank 0 exports the student; the others' weights are the same.
            } else if (DistillModel::isRandom(config_.student)) {
                log("the student " + config_.student + " has random weights; nothing is exported");
            } else {
                const std::string exported = (runDir_ / "student").string();
                log("exporting the student to " + exported);
                student_->exportTo(exported);
                summary.exported = exported;
            }
        }
        summary.stepsDone = step;
        summary.valLoss = valLoss_;
        summary.valReverseKl = valReverseKl_;
        if (skippedTooLong_ > 0)
            log(std::to_string(skippedTooLong_) + " samples did not fit in max_length and were skipped.");
        return summary;
    }

    double samplesOrRollouts() const
    {
        return distilling_ ? 1.0 : static_cast<double>(samplesPerStep() * world());
    }

    // The gradients of the step summed over the ranks (each rank's losses are already shares of
    // the step's mean), with the alignment's own part. A tensor that has a gradient on one rank and
    // not on another (a rank whose samples all were too long) takes part as zeros.
    void reduceGradients()
    {
        if (!group_->distributed())
            return;
        std::vector<torch::Tensor> params = parameters();
        const bool alignTracked = distilling_ && config_.terms.align > 0 && usesAlignment();
        if (alignTracked && alignGrad_.size() != params.size())
            alignGrad_.assign(params.size(), torch::Tensor());
        const std::size_t n = params.size();
        std::vector<double> defined(2 * n, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            defined[i] = params[i].grad().defined() ? 1.0 : 0.0;
            defined[n + i] = alignTracked && alignGrad_[i].defined() ? 1.0 : 0.0;
        }
        group_->allReduceMax(defined, "the step's gradients");
        std::vector<torch::Tensor> grads;
        for (std::size_t i = 0; i < n; ++i) {
            if (defined[i] > 0) {
                if (!params[i].grad().defined())
                    params[i].mutable_grad() = torch::zeros_like(params[i]);
                grads.push_back(params[i].grad());
            }
        }
        for (std::size_t i = 0; i < n && alignTracked; ++i) {
            if (defined[n + i] > 0) {
                if (!alignGrad_[i].defined())
                    alignGrad_[i] = torch::zeros(params[i].sizes(), params[i].options().dtype(torch::kFloat32));
                grads.push_back(alignGrad_[i]);
            }
        }
        group_->allReduceTensors(grads, "the step's gradients");
    }

    // The step's figures for metrics.jsonl over all ranks: the terms' weighted sums, the tokens
    // (tokens/s is the whole job's) and the mean answer length (each rank's part of it).
    void reduceStepFigures(StepTerms &terms, double &tokens, double &answerLength)
    {
        if (!group_->distributed())
            return;
        std::vector<std::string> names{"loss", "rev_kl", MetricsKey::RatioDeviation, MetricsKey::ClipFraction};
        for (const char *name : MetricsKey::Terms)
            names.emplace_back(name);
        std::vector<double> figures;
        for (const std::string &name : names) {
            figures.push_back(terms.sums.count(name) ? terms.sums.at(name) : 0.0);
            figures.push_back(terms.weights.count(name) ? terms.weights.at(name) : 0.0);
        }
        figures.push_back(tokens);
        figures.push_back(answerLength);
        group_->allReduceSum(figures, "the step's metrics");
        terms = StepTerms();
        for (std::size_t k = 0; k < names.size(); ++k)
            if (figures[2 * k + 1] > 0) {
                terms.sums[names[k]] = figures[2 * k];
                terms.weights[names[k]] = figures[2 * k + 1];
            }
        tokens = figures[2 * names.size()];
        answerLength = figures[2 * names.size() + 1];
    }

    void startDistillationPhase()
    {
        if (!bestWarmup_.empty()) {
            torch::NoGradGuard noGrad;
            for (auto &[name, t] : student_->trainableTensors()) {
                const auto found = bestWarmup_.find(name);
                if (found != bestWarmup_.end())
                    t.copy_(found->second.to(t.device(), t.scalar_type()));
            }
            log("the SFT warm start ends; distillation starts from its best weights (validation loss " +
                std::to_string(bestWarmupLoss_) + ")");
        }
        makeOptimizer(); // the distillation is a new optimisation problem: fresh moments
    }

    DistillConfig config_;
    bool resume_;
    bool overwrite_;
    DistillHooks hooks_;
    std::optional<RunFolder::Lock> lock_; // rank 0's, for the whole run
    std::set<std::string> unreadable_;    // images that failed to decode during the run
    DistributedGroup ownGroup_; // a group of one, when the hooks bring none
    DistributedGroup *group_;
    fs::path runDir_;
    DistillMethod method_ = DistillMethod::Paper;
    InstructionDataset train_, validation_;
    std::vector<CorpusDocument> corpus_;
    std::unique_ptr<DistillModel> teacher_, student_;
    torch::Tensor alignMap_;
    std::unique_ptr<torch::optim::AdamW> optimizer_;
    std::map<std::size_t, std::vector<int>> teacherAnswers_;
    RolloutBatch rollouts_;
    std::map<std::string, torch::Tensor> bestWarmup_;
    std::vector<torch::Tensor> alignGrad_; // the alignment's gradient of the step in progress
    double bestWarmupLoss_ = std::numeric_limits<double>::infinity();
    std::vector<std::size_t> order_;
    std::uint64_t orderEpoch_ = 0;
    std::uint64_t consumed_ = 0;
    std::uint64_t corpusPosition_ = 0;
    std::size_t skippedTooLong_ = 0;
    int totalSteps_ = 0;
    int warmupSteps_ = 0;
    int startStep_ = 0;
    bool distilling_ = false;
    bool haveRollouts_ = false; // a batch of rollouts is going (on some rank), drawn or restored
    std::optional<LearningRateSchedule> schedule_;
    MetricsWriter metrics_;
    distill::RunCheckpoint checkpoints_;
    double secondsBefore_ = 0.0;
    std::chrono::steady_clock::time_point started_;
    double valLoss_ = std::numeric_limits<double>::quiet_NaN();
    double valReverseKl_ = std::numeric_limits<double>::quiet_NaN();
};

} // namespace

DistillSummary runDistillation(const DistillConfig &config, RunStart start, const DistillHooks &hooks)
{
    return Run(config, start, hooks).execute();
}

DistillSummary runDistillation(const DistillConfig &config, bool resume, const DistillHooks &hooks)
{
    return runDistillation(config, resume ? RunStart::Resume : RunStart::Fresh, hooks);
}

} // namespace geolens
