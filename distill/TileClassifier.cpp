#include "distill/TileClassifier.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "distill/ArchiveFile.h"
#include "distill/TileClassifierImpl.h"

#include <torch/serialize/input-archive.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <map>

namespace geolens {

namespace fs = std::filesystem;

Json classifierInfoToJson(const TileClassifierInfo &info)
{
    return {{"format", "geolens-tile-classifier"},
            {"version", 1},
            {"architecture", info.architecture},
            {"width", info.width},
            {"input_size", info.inputSize},
            {"classes", info.classes},
            {"aspects", aspectsToJson(info.aspects)},
            {"teacher", info.teacher},
            {"targets", info.targets},
            {"epochs", info.epochs},
            {"validation_accuracy", info.validationAccuracy},
            {"accuracy_against", info.accuracyAgainst},
            {"aspect_weight", info.aspectWeight},
            {"tower", info.tower}};
}

TileClassifierInfo classifierInfoFromJson(const Json &j, const std::string &path)
{
    if (j.value("format", std::string()) != "geolens-tile-classifier")
        throw FileError(path, "is not a GeoLens tile classifier (its \"format\" is not geolens-tile-classifier)");
    try {
        TileClassifierInfo info;
        info.architecture = j.at("architecture").get<std::string>();
        info.width = j.at("width").get<int>();
        info.inputSize = j.at("input_size").get<int>();
        info.classes = j.at("classes").get<std::vector<std::string>>();
        info.aspects = aspectsFromJson(j.at("aspects"));
        info.teacher = j.value("teacher", std::string());
        info.targets = j.value("targets", std::string());
        info.epochs = j.value("epochs", 0);
        info.validationAccuracy = j.value("validation_accuracy", 0.0);
        info.accuracyAgainst = j.value("accuracy_against", std::string());
        info.aspectWeight = j.value("aspect_weight", 0.0);
        info.tower = j.value("tower", std::string());
        if (info.architecture == ClipArchitecture && info.tower.empty())
            throw FileError(path, "names no CLIP tower for its clip architecture");
        classifierShape(info).check();
        return info;
    } catch (const nlohmann::json::exception &e) {
        throw FileError(path, std::string("is malformed: ") + e.what());
    } catch (const InvalidArgument &e) {
        throw FileError(path, e.what());
    }
}

TileClassifierShape classifierShape(const TileClassifierInfo &info)
{
    TileClassifierShape shape;
    shape.architecture = info.architecture;
    shape.width = info.width;
    shape.inputSize = info.inputSize;
    shape.classes = static_cast<int>(info.classes.size());
    shape.aspects = static_cast<int>(info.aspects.size());
    return shape;
}

void saveTileClassifier(const std::string &folder, const TileClassifierInfo &info, torch::nn::Module &network)
{
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        throw FileError(folder, "cannot be made: " + ec.message());
    torch::serialize::OutputArchive archive;
    network.save(archive);
    saveArchiveAtomically(archive, (fs::path(folder) / TileClassifier::WeightsFile).string());
    writeFileAtomically((fs::path(folder) / TileClassifier::InfoFile).string(), dumpJson(classifierInfoToJson(info), 2) + "\n");
}

void loadTileClassifierWeights(torch::nn::Module &network, const std::string &path, const torch::Device &device)
{
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected;
    for (const auto &p : network.named_parameters())
        expected.emplace_back(p.key(), p.value().sizes().vec());
    for (const auto &b : network.named_buffers())
        expected.emplace_back(b.key(), b.value().sizes().vec());
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, device);
        network.load(archive);
    } catch (const c10::Error &e) {
        throw FileError(path, std::string("cannot be read as this classifier's weights: ") + e.what_without_backtrace());
    }
    std::map<std::string, std::vector<std::int64_t>> loaded;
    for (const auto &p : network.named_parameters())
        loaded[p.key()] = p.value().sizes().vec();
    for (const auto &b : network.named_buffers())
        loaded[b.key()] = b.value().sizes().vec();
    for (const auto &[name, shape] : expected)
        if (loaded[name] != shape)
            throw FileError(path, "holds " + name + " of another shape than classifier.json describes; the folder mixes "
                                  "files of two classifiers");
}

RgbImage classifierInputImage(const RgbImage &image, int size)
{
    if (image.width < 1 || image.height < 1)
        throw InvalidArgument("An image to classify is empty.");
    const RgbImage square = ImagePreprocessor::expandToSquare(image);
    if (square.width == size && square.height == size)
        return square;
    return ImagePreprocessor::resizeBicubic(square, size, size);
}

torch::Tensor classifierBatch(const std::vector<RgbImage> &images, int size)
{
    auto batch = torch::empty({static_cast<std::int64_t>(images.size()), size, size, 3}, torch::kByte);
    for (std::size_t i = 0; i < images.size(); ++i) {
        const RgbImage input = classifierInputImage(images[i], size);
        std::memcpy(batch[static_cast<std::int64_t>(i)].data_ptr<std::uint8_t>(), input.pixels.data(), input.pixels.size());
    }
    return batch.permute({0, 3, 1, 2}).contiguous();
}

torch::nn::Module &TileClassifier::Impl::trained()
{
    if (head)
        return *head;
    return *network;
}

TileClassifier::TileClassifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TileClassifier::~TileClassifier() = default;

std::unique_ptr<TileClassifier> TileClassifier::load(const std::string &folder)
{
    const fs::path infoPath = fs::path(folder) / InfoFile;
    if (!fs::exists(infoPath))
        throw FileError(folder, std::string("is not a tile classifier (no ") + InfoFile +
                                    "); train one with geolens-cli train-classifier");
    auto impl = std::make_unique<Impl>();
    impl->info = classifierInfoFromJson(readJsonFile(infoPath.string()), infoPath.string());
    if (impl->info.architecture == ClipArchitecture) {
        if (!fs::is_directory(impl->info.tower))
            throw FileError(folder, "runs the CLIP tower of " + impl->info.tower +
                                        ", which is no longer there; put the teacher's model folder back where it was");
        impl->tower = std::make_unique<ClipTowerFeatures>(impl->info.tower, impl->info.inputSize);
        if (impl->tower->inputSize() != impl->info.inputSize)
            throw FileError(folder, "was trained at " + std::to_string(impl->info.inputSize) + " pixels, which the tower of " +
                                        impl->info.tower + " cannot take");
        const auto outputs = static_cast<int>(impl->info.classes.size() + impl->info.aspects.size());
        impl->head = ClipHeadNetwork(impl->tower->featureSize(), impl->info.width, outputs);
    } else {
        impl->network = TileClassifierNetwork(classifierShape(impl->info));
    }
    loadTileClassifierWeights(impl->trained(), (fs::path(folder) / WeightsFile).string(), torch::kCPU);
    impl->trained().eval();
    return std::unique_ptr<TileClassifier>(new TileClassifier(std::move(impl)));
}

const TileClassifierInfo &TileClassifier::info() const
{
    return impl_->info;
}

std::uint64_t TileClassifier::parameterCount() const
{
    std::uint64_t n = 0;
    for (const auto &p : impl_->trained().parameters())
        n += static_cast<std::uint64_t>(p.numel());
    return n + (impl_->tower ? impl_->tower->parameterCount() : 0);
}

std::vector<TilePrediction> TileClassifier::predict(const std::vector<RgbImage> &images) const
{
    if (images.empty())
        return {};
    c10::InferenceMode inference;
    const auto logits = impl_->tower ? impl_->head->forward(impl_->tower->features(images))
                                     : impl_->network->forward(classifierBatch(images, impl_->info.inputSize));
    const auto classes = static_cast<std::int64_t>(impl_->info.classes.size());
    const auto classP = torch::softmax(logits.slice(1, 0, classes), 1).to(torch::kFloat64).contiguous();
    const auto aspectP = torch::sigmoid(logits.slice(1, classes)).to(torch::kFloat64).contiguous();
    std::vector<TilePrediction> out(images.size());
    const auto aspects = aspectP.size(1);
    for (std::size_t i = 0; i < images.size(); ++i) {
        TilePrediction &p = out[i];
        const double *c = classP.data_ptr<double>() + static_cast<std::int64_t>(i) * classes;
        p.classProbabilities.assign(c, c + classes);
        const double *a = aspectP.data_ptr<double>() + static_cast<std::int64_t>(i) * aspects;
        p.aspectProbabilities.assign(a, a + aspects);
        p.classIndex = static_cast<int>(std::max_element(p.classProbabilities.begin(), p.classProbabilities.end()) -
                                        p.classProbabilities.begin());
        p.probability = p.classProbabilities[static_cast<std::size_t>(p.classIndex)];
    }
    return out;
}

} // namespace geolens
