#include "distill/ClassifierTraining.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "distill/ArchiveFile.h"
#include "distill/AspectTargetTable.h"
#include "distill/MetricsWriter.h"
#include "distill/RunFolder.h"
#include "distill/TileClassifierImpl.h"

#include <torch/torch.h>

#include <chrono>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>

namespace geolens {

namespace fs = std::filesystem;

namespace {

constexpr const char *CheckpointsFolder = "checkpoints";
constexpr const char *Phase = "multi-aspect";

const char *classTargetName(ClassTarget t)
{
    switch (t) {
    case ClassTarget::Truth:
        return "truth";
    case ClassTarget::Teacher:
        return "teacher";
    case ClassTarget::Auto:
        break;
    }
    return "auto";
}

// The options that decide the run's results: a resumed run must repeat them (the device may change).
// The number of images is among them: targets that grew since (a teacher pass resumed) would give
// another split.
Json optionsToJson(const ClassifierTrainingOptions &o, std::size_t images)
{
    Json j = {{"targets", fs::absolute(o.targets).lexically_normal().string()},
            {"images", images},
            {"architecture", o.architecture},
            {"width", o.width},
            {"epochs", o.epochs},
            {"batch", o.batch},
            {"learning_rate", o.learningRate},
            {"weight_decay", o.weightDecay},
            {"class_weight", o.classWeight},
            {"aspect_weight", o.aspectWeight},
            {"class_target", classTargetName(o.classTarget)},
            {"validation_fraction", o.validationFraction},
            {"patience", o.patience},
            {"augment", o.augment},
            {"seed", o.seed}};
    if (o.architecture == ClipArchitecture)
        j["clip_model"] = fs::absolute(o.clipModel).lexically_normal().string();
    return j;
}

void checkOptions(const ClassifierTrainingOptions &o)
{
    if (o.targets.empty() || o.out.empty())
        throw InvalidArgument("Training a classifier needs a targets folder and a run folder.");
    if (o.epochs < 1 || o.epochs > 10000)
        throw InvalidArgument("The number of epochs must be between 1 and 10000.");
    if (o.batch < 2 || o.batch > 4096)
        throw InvalidArgument("The batch must be between 2 and 4096 images (batch normalisation needs two).");
    if (!(o.learningRate > 0.0 && o.learningRate < 10.0))
        throw InvalidArgument("The learning rate must be positive and below 10.");
    if (!(o.weightDecay >= 0.0) || !(o.classWeight >= 0.0) || !(o.aspectWeight >= 0.0))
        throw InvalidArgument("Weight decay and the loss weights cannot be negative.");
    if (o.classWeight == 0.0 && o.aspectWeight == 0.0)
        throw InvalidArgument("The class weight and the aspect weight cannot both be 0.");
    if (!(o.validationFraction > 0.0 && o.validationFraction <= 0.5))
        throw InvalidArgument("The validation fraction must be above 0 and at most 0.5.");
    if (o.patience < 1)
        throw InvalidArgument("The patience must be at least one epoch.");
    if (o.architecture == ClipArchitecture && o.clipModel.empty())
        throw InvalidArgument("The clip student needs the model folder whose CLIP tower it keeps (the teacher's).");
    if (o.architecture != ClipArchitecture && !o.clipModel.empty())
        throw InvalidArgument("A CLIP tower's model folder goes with the clip architecture only.");
    if (o.device != "auto" && o.device != "cpu" && o.device != "cuda")
        throw InvalidArgument("The device must be auto, cpu or cuda.");
}

// The targets as tensors: every image in memory (uint8), the class targets and the aspects.
struct TrainingData {
    torch::Tensor images;       // uint8 [N, 3, S, S]
    torch::Tensor hard;         // int64 [N]: the class a hard target names (truth or the teacher's best)
    torch::Tensor soft;         // float [N, C]: the teacher's class probabilities
    torch::Tensor aspects;      // float [N, A]
    torch::Tensor teacherClass; // int64 [N]
    torch::Tensor truth;        // int64 [N]: the folder's class, when every target has one
    bool truthTargets = false;  // hard targets are the truth
    bool truthKnown = false;    // every target has its truth
};

TrainingData loadData(const AspectTargetTable &table, ClassTarget target, const JobProgress &progress)
{
    const AspectTargetSettings &s = table.settings();
    const auto &targets = table.targets();
    const auto n = static_cast<std::int64_t>(targets.size());
    const auto size = static_cast<std::int64_t>(s.imageSize);
    const auto classes = static_cast<std::int64_t>(s.classes.size());
    const auto aspects = static_cast<std::int64_t>(s.aspects.size());
    TrainingData d;
    d.truthKnown = std::all_of(targets.begin(), targets.end(), [](const AspectTarget &t) { return !t.truth.empty(); });
    if (target == ClassTarget::Truth && !d.truthKnown)
        throw InvalidArgument("The targets in " + table.folder() +
                              " do not all have a class from their folder; train on the teacher's classes instead.");
    d.truthTargets = target == ClassTarget::Truth || (target == ClassTarget::Auto && d.truthKnown);
    d.images = torch::empty({n, size, size, 3}, torch::kByte);
    d.hard = torch::empty({n}, torch::kLong);
    d.teacherClass = torch::empty({n}, torch::kLong);
    d.truth = torch::full({n}, -1, torch::kLong);
    d.soft = torch::empty({n, classes}, torch::kFloat32);
    d.aspects = torch::empty({n, aspects}, torch::kFloat32);
    auto hard = d.hard.accessor<std::int64_t, 1>();
    auto teacherClass = d.teacherClass.accessor<std::int64_t, 1>();
    auto truth = d.truth.accessor<std::int64_t, 1>();
    auto soft = d.soft.accessor<float, 2>();
    auto aspectP = d.aspects.accessor<float, 2>();
    for (std::int64_t i = 0; i < n; ++i) {
        if (i % 64 == 0) {
            progress.throwIfCanceled();
            progress.report(i, n, "loading");
        }
        const AspectTarget &t = targets[static_cast<std::size_t>(i)];
        const RgbImage image = table.image(t);
        if (image.width != s.imageSize || image.height != s.imageSize)
            throw FileError((fs::path(table.folder()) / t.image).string(),
                            "is " + std::to_string(image.width) + "x" + std::to_string(image.height) + ", not " +
                                std::to_string(s.imageSize) + " pixels square as the targets say");
        std::memcpy(d.images[i].data_ptr<std::uint8_t>(), image.pixels.data(), image.pixels.size());
        const auto best = std::max_element(t.classProbabilities.begin(), t.classProbabilities.end());
        teacherClass[i] = static_cast<std::int64_t>(best - t.classProbabilities.begin());
        if (d.truthKnown)
            truth[i] = static_cast<std::int64_t>(std::find(s.classes.begin(), s.classes.end(), t.truth) - s.classes.begin());
        hard[i] = d.truthTargets ? truth[i] : teacherClass[i];
        for (std::int64_t c = 0; c < classes; ++c)
            soft[i][c] = static_cast<float>(t.classProbabilities[static_cast<std::size_t>(c)]);
        for (std::int64_t a = 0; a < aspects; ++a)
            aspectP[i][a] = static_cast<float>(t.aspectProbabilities[static_cast<std::size_t>(a)]);
    }
    d.images = d.images.permute({0, 3, 1, 2}).contiguous();
    return d;
}

// A flip, a turn by a multiple of 90 degrees and a crop of 80-100 % of the side scaled back:
// what changes in overhead imagery without changing what it shows.
torch::Tensor augmentImage(torch::Tensor x, std::mt19937_64 &random)
{
    const std::int64_t size = x.size(2);
    if (random() & 1)
        x = x.flip({2});
    if (const int turns = static_cast<int>(random() % 4))
        x = torch::rot90(x, turns, {1, 2});
    const double scale = 0.8 + 0.2 * std::uniform_real_distribution<double>(0.0, 1.0)(random);
    const auto side = static_cast<std::int64_t>(std::lround(static_cast<double>(size) * scale));
    if (side < size) {
        const auto top = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(size - side + 1));
        const auto left = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(size - side + 1));
        x = x.slice(1, top, top + side).slice(2, left, left + side);
        x = torch::nn::functional::interpolate(
                x.unsqueeze(0), torch::nn::functional::InterpolateFuncOptions()
                                    .size(std::vector<std::int64_t>{size, size})
                                    .mode(torch::kBilinear)
                                    .align_corners(false))
                .squeeze(0);
    }
    return x;
}

struct LossTerms {
    torch::Tensor total, classes, aspects;
};

LossTerms lossOf(const torch::Tensor &logits, const TrainingData &d, const torch::Tensor &rows,
                 const ClassifierTrainingOptions &o, std::int64_t classes)
{
    const auto device = logits.device();
    const auto classLogits = logits.slice(1, 0, classes);
    LossTerms t;
    if (d.truthTargets)
        t.classes = torch::nn::functional::cross_entropy(classLogits, d.hard.index_select(0, rows).to(device));
    else
        t.classes = -(d.soft.index_select(0, rows).to(device) * torch::log_softmax(classLogits, 1)).sum(1).mean();
    if (logits.size(1) > classes)
        t.aspects = torch::nn::functional::binary_cross_entropy_with_logits(
            logits.slice(1, classes), d.aspects.index_select(0, rows).to(device));
    else
        t.aspects = torch::zeros({}, logits.options());
    t.total = o.classWeight * t.classes + o.aspectWeight * t.aspects;
    return t;
}

struct RunProgress {
    int epoch = 0; // finished epochs
    std::int64_t step = 0;
    int bestEpoch = 0;
    double bestAccuracy = -1.0;
    double bestLoss = 0.0;
    int sinceBest = 0;
    bool finished = false;
    bool stoppedEarly = false;
    double seconds = 0.0;

    Json toJson() const
    {
        return {{"epoch", epoch},           {"step", step},         {"best_epoch", bestEpoch},
                {"best_accuracy", bestAccuracy}, {"best_loss", bestLoss}, {"since_best", sinceBest},
                {"finished", finished},     {"stopped_early", stoppedEarly}, {"seconds", seconds}};
    }
    static RunProgress fromJson(const Json &j)
    {
        RunProgress p;
        p.epoch = j.at("epoch").get<int>();
        p.step = j.at("step").get<std::int64_t>();
        p.bestEpoch = j.at("best_epoch").get<int>();
        p.bestAccuracy = j.at("best_accuracy").get<double>();
        p.bestLoss = j.at("best_loss").get<double>();
        p.sinceBest = j.at("since_best").get<int>();
        p.finished = j.at("finished").get<bool>();
        p.stoppedEarly = j.at("stopped_early").get<bool>();
        p.seconds = j.at("seconds").get<double>();
        return p;
    }
};

// The last finished epoch's checkpoint folder, or empty.
fs::path lastEpochCheckpoint(const fs::path &out)
{
    std::error_code ec;
    fs::path best;
    for (const auto &entry : fs::directory_iterator(out / CheckpointsFolder, ec)) {
        const fs::path p = entry.path();
        if (entry.is_directory() && p.extension() != ".tmp" && fs::exists(p / "state.json") && p > best)
            best = p;
    }
    return best;
}

void saveCheckpoint(const fs::path &out, const RunProgress &state, torch::nn::Module &network,
                    torch::optim::AdamW &optimizer)
{
    char name[32];
    std::snprintf(name, sizeof name, "epoch-%05d", state.epoch);
    const fs::path final = out / CheckpointsFolder / name;
    const fs::path temporary = final.string() + ".tmp";
    std::error_code ec;
    fs::remove_all(temporary, ec);
    fs::create_directories(temporary, ec);
    if (ec)
        throw FileError(temporary.string(), "cannot be made: " + ec.message());
    torch::serialize::OutputArchive weights, moments;
    network.save(weights);
    optimizer.save(moments);
    saveArchive(weights, (temporary / "weights.pt").string());
    saveArchive(moments, (temporary / "optimizer.pt").string());
    writeFileAtomically((temporary / "state.json").string(), dumpJson(state.toJson(), 2) + "\n");
    fs::remove_all(final, ec);
    fs::rename(temporary, final, ec);
    if (ec)
        throw FileError(final.string(), "could not be put in place: " + ec.message());
    // Only the newest checkpoint is kept; it is complete before the older ones go.
    for (const auto &entry : fs::directory_iterator(out / CheckpointsFolder, ec))
        if (entry.path() != final)
            fs::remove_all(entry.path(), ec);
}

} // namespace

ClassifierTraining::ClassifierTraining(ClassifierTrainingOptions options) : options_(std::move(options)) {}

ClassifierTrainingResult ClassifierTraining::run(const JobProgress &progress)
{
    const ClassifierTrainingOptions &o = options_;
    checkOptions(o);
    const AspectTargetTable table = AspectTargetTable::read(o.targets);
    const AspectTargetSettings &s = table.settings();
    const auto n = static_cast<std::int64_t>(table.targets().size());
    const auto validationCount =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::lround(static_cast<double>(n) * o.validationFraction)));
    if (n - validationCount < 2)
        throw InvalidArgument("The targets in " + o.targets + " hold " + std::to_string(n) +
                              " images; training needs at least two besides the validation images.");

    const fs::path out(o.out);
    const RunFolder::Lock lock = RunFolder::lock(o.out);
    const fs::path optionsPath = out / OptionsFile;
    const Json options = optionsToJson(o, table.targets().size());
    RunProgress state;
    fs::path checkpoint;
    if (fs::exists(optionsPath)) {
        const Json was = readJsonFile(optionsPath.string());
        if (was != options) {
            std::string differs;
            for (const auto &[key, value] : options.items())
                if (!was.contains(key) || was.at(key) != value)
                    differs += (differs.empty() ? "" : ", ") + key;
            throw FileError(o.out, "holds a run with other settings (" + differs +
                                       "); choose another run folder, or remove this one to start again");
        }
        checkpoint = lastEpochCheckpoint(out);
        if (!checkpoint.empty())
            state = RunProgress::fromJson(readJsonFile((checkpoint / "state.json").string()));
    } else {
        std::error_code ec;
        for (const auto &entry : fs::directory_iterator(out, ec))
            if (entry.path().filename() != RunFolder::LockFile)
                throw FileError(o.out, "is not empty and holds no classifier run; choose a new or empty folder");
        writeFileAtomically(optionsPath.string(), dumpJson(options, 2) + "\n");
    }

    ClassifierTrainingResult result;
    result.resumedFromEpoch = state.epoch;
    const torch::Device device = o.device == "cuda" || (o.device == "auto" && torch::cuda::is_available())
                                     ? torch::Device(torch::kCUDA)
                                     : torch::Device(torch::kCPU);
    if (o.device == "cuda" && !torch::cuda::is_available())
        throw InvalidArgument("No CUDA device is available for training; use --device cpu.");

    TrainingData data = loadData(table, o.classTarget, progress);
    const auto classes = static_cast<std::int64_t>(s.classes.size());
    // The split is the seed's: the same images are held out when the run resumes.
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 splitRandom(o.seed);
    std::shuffle(order.begin(), order.end(), splitRandom);
    const std::vector<std::int64_t> validation(order.begin(), order.begin() + validationCount);
    const std::vector<std::int64_t> training(order.begin() + validationCount, order.end());
    result.trainImages = static_cast<int>(training.size());
    result.validationImages = static_cast<int>(validation.size());
    const torch::Tensor reference = data.truthKnown ? data.truth : data.teacherClass;
    result.accuracyAgainst = data.truthKnown ? "truth" : "teacher";

    TileClassifierInfo info;
    info.architecture = o.architecture;
    info.width = o.width;
    info.inputSize = s.imageSize;
    info.classes = s.classes;
    info.aspects = s.aspects;
    info.teacher = s.teacher;
    info.targets = options.at("targets").get<std::string>();
    info.accuracyAgainst = result.accuracyAgainst;
    info.aspectWeight = o.aspectWeight;

    // The student's input a row: the image (uint8, the CNN normalises it), or the frozen tower's
    // pooled features, computed once for every image before the first epoch.
    torch::Tensor inputs = data.images;
    int featureSize = 0;
    const bool clip = o.architecture == ClipArchitecture;
    if (clip) {
        classifierShape(info).check();
        info.tower = options.at("clip_model").get<std::string>();
        // The tower is needed for this pass only: its memory is freed before training.
        const ClipTowerFeatures tower(info.tower, s.imageSize);
        info.inputSize = tower.inputSize();
        featureSize = tower.featureSize();
        std::vector<torch::Tensor> rows;
        constexpr std::int64_t chunk = 16;
        for (std::int64_t first = 0; first < n; first += chunk) {
            progress.throwIfCanceled();
            progress.report(first, n, "features");
            // The images loadData already holds, back in RgbImage's interleaved layout: each is
            // read from the targets folder once.
            const auto block = data.images.slice(0, first, std::min(n, first + chunk)).permute({0, 2, 3, 1}).contiguous();
            std::vector<RgbImage> images(static_cast<std::size_t>(block.size(0)));
            for (std::size_t i = 0; i < images.size(); ++i) {
                images[i].width = images[i].height = s.imageSize;
                const std::uint8_t *pixels = block[static_cast<std::int64_t>(i)].data_ptr<std::uint8_t>();
                images[i].pixels.assign(pixels, pixels + block[0].numel());
            }
            rows.push_back(tower.features(images));
        }
        inputs = torch::cat(rows);
    }

    torch::manual_seed(o.seed);
    TileClassifierNetwork cnn{nullptr};
    ClipHeadNetwork head{nullptr};
    if (clip)
        head = ClipHeadNetwork(featureSize, o.width, static_cast<int>(classes + s.aspects.size()));
    else
        cnn = TileClassifierNetwork(classifierShape(info));
    torch::nn::Module &network = clip ? static_cast<torch::nn::Module &>(*head) : *cnn;
    const auto forward = [&](const torch::Tensor &x) { return clip ? head->forward(x) : cnn->forward(x); };
    network.to(device);
    torch::optim::AdamW optimizer(network.parameters(),
                                  torch::optim::AdamWOptions(o.learningRate).weight_decay(o.weightDecay));
    if (!checkpoint.empty()) {
        loadTileClassifierWeights(network, (checkpoint / "weights.pt").string(), device);
        torch::serialize::InputArchive moments;
        try {
            moments.load_from((checkpoint / "optimizer.pt").string(), device);
            optimizer.load(moments);
        } catch (const c10::Error &e) {
            throw FileError(checkpoint.string(), std::string("cannot be resumed from: ") + e.what_without_backtrace());
        }
    }

    MetricsWriter metrics((out / "metrics.jsonl").string(), onRecord_);
    if (checkpoint.empty())
        metrics.startNew();
    else
        metrics.keepUpTo(static_cast<int>(state.step));

    const auto batchesPerEpoch = static_cast<std::int64_t>((training.size() + static_cast<std::size_t>(o.batch) - 1) /
                                                            static_cast<std::size_t>(o.batch));
    const std::int64_t totalSteps = batchesPerEpoch * o.epochs;
    const auto started = std::chrono::steady_clock::now();
    const double secondsBefore = state.seconds;
    const auto elapsed = [&] {
        return secondsBefore + std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    const auto rowsTensor = [](const std::int64_t *begin, const std::int64_t *end) {
        return torch::tensor(std::vector<std::int64_t>(begin, end), torch::kLong);
    };

    while (!state.finished && state.epoch < o.epochs) {
        const int epoch = state.epoch + 1;
        const auto epochStarted = std::chrono::steady_clock::now();
        network.train();
        // Each epoch's order and augmentation come from the seed and the epoch alone, so a
        // resumed run repeats exactly what an uninterrupted one does.
        std::mt19937_64 random(o.seed * 1000003ULL + static_cast<std::uint64_t>(epoch));
        std::vector<std::int64_t> epochOrder = training;
        std::shuffle(epochOrder.begin(), epochOrder.end(), random);
        double lossSum = 0.0;
        std::int64_t lossCount = 0;
        for (std::size_t first = 0; first < epochOrder.size(); first += static_cast<std::size_t>(o.batch)) {
            progress.throwIfCanceled();
            std::size_t last = std::min(epochOrder.size(), first + static_cast<std::size_t>(o.batch));
            if (last - first < 2 && first > 0)
                first = last - 2; // batch normalisation needs two images: the last batch borrows one
            const torch::Tensor rows = rowsTensor(epochOrder.data() + first, epochOrder.data() + last);
            torch::Tensor batch = inputs.index_select(0, rows);
            if (!clip) {
                batch = batch.to(torch::kFloat32).div_(255.0);
                if (o.augment) {
                    std::vector<torch::Tensor> changed;
                    for (std::int64_t i = 0; i < batch.size(0); ++i)
                        changed.push_back(augmentImage(batch[i], random));
                    batch = torch::stack(changed);
                }
            }
            const double lr =
                o.learningRate * 0.5 * (1.0 + std::cos(M_PI * static_cast<double>(state.step) / static_cast<double>(totalSteps)));
            for (auto &group : optimizer.param_groups())
                static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);
            optimizer.zero_grad();
            const LossTerms loss = lossOf(forward(batch.to(device)), data, rows, o, classes);
            loss.total.backward();
            optimizer.step();
            ++state.step;
            const double total = loss.total.item<double>();
            if (!std::isfinite(total))
                throw InvalidArgument("The classifier's loss became " + std::to_string(total) + " at epoch " +
                                      std::to_string(epoch) + "; lower the learning rate.");
            lossSum += total;
            ++lossCount;
            MetricsRecord record(static_cast<int>(state.step));
            record.set(MetricsKey::Seconds, elapsed());
            record.set(MetricsKey::Lr, lr);
            record.set(MetricsKey::Loss, total);
            record.set(MetricsKey::Ce, loss.classes.item<double>());
            record.set(MetricsKey::AspectBce, loss.aspects.item<double>());
            record.set(MetricsKey::Epoch, epoch);
            record.setText(MetricsKey::Phase, Phase);
            metrics.write(record);
            progress.report(state.step, totalSteps, "training");
        }

        // Validation: the class loss and accuracy, agreement with the teacher, the aspects' error.
        network.eval();
        double validationLoss = 0.0, correct = 0.0, agree = 0.0, aspectError = 0.0;
        {
            torch::NoGradGuard noGrad;
            for (std::size_t first = 0; first < validation.size(); first += static_cast<std::size_t>(o.batch)) {
                const std::size_t last = std::min(validation.size(), first + static_cast<std::size_t>(o.batch));
                const torch::Tensor rows = rowsTensor(validation.data() + first, validation.data() + last);
                const auto logits = forward(inputs.index_select(0, rows).to(device)).to(torch::kCPU);
                const auto count = static_cast<double>(rows.size(0));
                validationLoss += lossOf(logits, data, rows, o, classes).total.item<double>() * count;
                const auto predicted = logits.slice(1, 0, classes).argmax(1);
                correct += predicted.eq(reference.index_select(0, rows)).sum().item<double>();
                agree += predicted.eq(data.teacherClass.index_select(0, rows)).sum().item<double>();
                if (logits.size(1) > classes)
                    aspectError += (torch::sigmoid(logits.slice(1, classes)) - data.aspects.index_select(0, rows))
                                       .abs()
                                       .mean(1)
                                       .sum()
                                       .item<double>();
            }
        }
        const auto count = static_cast<double>(validation.size());
        ClassifierEpoch report;
        report.epoch = epoch;
        report.trainLoss = lossCount ? lossSum / static_cast<double>(lossCount) : 0.0;
        report.validationLoss = validationLoss / count;
        report.validationAccuracy = correct / count;
        report.teacherAgreement = agree / count;
        report.aspectError = s.aspects.empty() ? 0.0 : aspectError / count;
        report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epochStarted).count();
        const bool better = report.validationAccuracy > state.bestAccuracy + 1e-12 ||
                            (std::abs(report.validationAccuracy - state.bestAccuracy) <= 1e-12 &&
                             report.validationLoss < state.bestLoss);
        report.best = better;
        state.epoch = epoch;
        if (better) {
            state.bestEpoch = epoch;
            state.bestAccuracy = report.validationAccuracy;
            state.bestLoss = report.validationLoss;
            state.sinceBest = 0;
            info.epochs = epoch;
            info.validationAccuracy = report.validationAccuracy;
            saveTileClassifier((out / ClassifierFolder).string(), info, network);
        } else if (++state.sinceBest >= o.patience) {
            state.stoppedEarly = true;
        }
        state.finished = state.stoppedEarly || epoch >= o.epochs;
        state.seconds = elapsed();

        MetricsRecord evaluation(static_cast<int>(state.step));
        evaluation.set(MetricsKey::Seconds, state.seconds);
        evaluation.set(MetricsKey::ValidationLoss, report.validationLoss);
        evaluation.set(MetricsKey::ValidationAccuracy, report.validationAccuracy);
        evaluation.set(MetricsKey::ValidationTeacherAgreement, report.teacherAgreement);
        evaluation.set(MetricsKey::ValidationAspectError, report.aspectError);
        evaluation.set(MetricsKey::Epoch, epoch);
        evaluation.setText(MetricsKey::Phase, Phase);
        metrics.write(evaluation);
        saveCheckpoint(out, state, network, optimizer);
        if (onEpoch_)
            onEpoch_(report);
    }

    result.epochs = state.epoch;
    result.bestEpoch = state.bestEpoch;
    result.bestAccuracy = state.bestAccuracy;
    result.stoppedEarly = state.stoppedEarly;
    result.classifier = (out / ClassifierFolder).string();
    return result;
}

} // namespace geolens
