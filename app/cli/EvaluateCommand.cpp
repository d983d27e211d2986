#include "cli/EvaluateCommand.h"

#include "cli/CliArguments.h"
#include "cli/ImageFile.h"
#include "cli/ModelOptions.h"
#include "cli/TerminalProgress.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "distill/TileClassifier.h"
#include "distill/TileClassifierEvaluationModel.h"
#include "distributed/DistributedGroup.h"
#include "evaluation/BenchmarkReader.h"
#include "evaluation/EvaluationJob.h"
#include "evaluation/EvaluationReport.h"
#include "evaluation/GeoChatEvaluationModel.h"
#include "evaluation/GroupExchange.h"
#include "common/AtomicFile.h"
#include "evaluation/WordNetDatabase.h"
#include "model/DeviceName.h"
#include "model/GeoChatModel.h"
#include "model/ParameterCount.h"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#ifdef GEOLENS_WITH_RASTER
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

namespace geolens::cli {

namespace {

namespace fs = std::filesystem;

// SIGINT and SIGTERM stop the run after the batch in flight; its answers are on disk for --resume.
// A second signal is left to the default handler.
std::atomic<JobProgress *> runningJob{nullptr};

extern "C" void onEvaluateSignal(int signal)
{
    if (JobProgress *job = runningJob.load())
        job->requestCancel();
    std::signal(signal, SIG_DFL);
}

// While it lives, SIGINT and SIGTERM cancel job; the default handlers come back however the scope ends.
class StopSignalsCancel {
public:
    explicit StopSignalsCancel(JobProgress &job)
    {
        runningJob.store(&job);
        std::signal(SIGINT, onEvaluateSignal);
        std::signal(SIGTERM, onEvaluateSignal);
    }
    ~StopSignalsCancel()
    {
        runningJob.store(nullptr);
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }
    StopSignalsCancel(const StopSignalsCancel &) = delete;
    StopSignalsCancel &operator=(const StopSignalsCancel &) = delete;
};

// "random:geochat-7b": the real shapes with random weights, to time an evaluation without weights.
bool isRandomModel(const std::string &folder)
{
    return folder.rfind("random:", 0) == 0;
}

std::string modelName(const std::string &folder)
{
    if (isRandomModel(folder))
        return "random-" + folder.substr(7);
    fs::path path = fs::path(folder).lexically_normal();
    if (path.filename().empty())
        path = path.parent_path();
    // A tile classifier inside its training run's folder is named by the run.
    if (path.filename() == "classifier" && isTileClassifierFolder(path.string()))
        path = fs::absolute(path).parent_path();
    return path.filename().string();
}

// One JSON object per line on stdout, for the GUI that runs this verb as a process.
void emit(bool json, const Json &event)
{
    if (json)
        std::cout << dumpJson(event) << std::endl;
}

HtmlReport::Thumbnailer thumbnailer()
{
#ifdef GEOLENS_WITH_RASTER
    return [](const std::string &path) -> std::optional<Thumbnail> {
        const cv::Mat image = cv::imread(path, cv::IMREAD_COLOR);
        if (image.empty())
            return std::nullopt;
        const double scale = std::min(1.0, 240.0 / std::max(image.cols, image.rows));
        cv::Mat small;
        cv::resize(image, small, cv::Size(), scale, scale, cv::INTER_AREA);
        std::vector<unsigned char> jpeg;
        if (!cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, 80}))
            return std::nullopt;
        static const char *const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string encoded;
        for (std::size_t i = 0; i < jpeg.size(); i += 3) {
            const unsigned v = jpeg[i] << 16 | (i + 1 < jpeg.size() ? jpeg[i + 1] << 8 : 0)
                               | (i + 2 < jpeg.size() ? jpeg[i + 2] : 0);
            encoded += alphabet[(v >> 18) & 63];
            encoded += alphabet[(v >> 12) & 63];
            encoded += i + 1 < jpeg.size() ? alphabet[(v >> 6) & 63] : '=';
            encoded += i + 2 < jpeg.size() ? alphabet[v & 63] : '=';
        }
        return Thumbnail{"data:image/jpeg;base64," + encoded, small.cols, small.rows, scale};
    };
#else
    return {};
#endif
}

std::string commandLine(const std::vector<std::string> &args)
{
    std::string text = "geolens-cli evaluate";
    for (const std::string &a : args)
        text += " " + (a.find_first_of(" \t\"'") == std::string::npos ? a : "'" + a + "'");
    return text;
}

} // namespace

ModelLoadOptions rankLoadOptions(const CliArguments &a, const LaunchEnvironment &environment)
{
    ModelLoadOptions options = loadOptions(a);
    if (!environment.distributed())
        return options;
    // loadOptions has refused a --device that names no device.
    applyRankDeviceName(a.value("device", "auto"), environment.localRank, 1, options);
    return options;
}

int runEvaluate(const std::vector<std::string> &args)
{
    const CliArguments a(args,
                         {"model", "benchmark", "questions", "images", "out", "limit", "batch", "device", "dtype", "quantize",
                          "image-size", "threads", "vision-tower", "max-new-tokens", "vqa-types", "classes", "wordnet", "tokenizer"},
                         {"resume", "json"});
    if (!a.positional().empty())
        throw UsageError{"evaluate takes no positional argument ('" + a.positional().front() + "')"};
    const std::vector<std::string> folders = a.values("model");
    if (folders.empty())
        throw UsageError{"evaluate needs at least one --model DIR"};
    const auto benchmark = a.value("benchmark");
    const auto images = a.value("images");
    const auto out = a.value("out");
    if (!benchmark || !images || !out)
        throw UsageError{"evaluate needs --benchmark, --images DIR and --out REPORT_DIR"};
    BenchmarkTask task;
    try {
        task = parseBenchmarkTask(*benchmark);
    } catch (const InvalidArgument &) {
        throw UsageError{"--benchmark must be scene, vqa, referring, grounding or caption"};
    }
    // A multi-aspect tile classifier answers scene questions with its class, and nothing else.
    for (const std::string &folder : folders)
        if (isTileClassifierFolder(folder) && task != BenchmarkTask::Scene)
            throw UsageError{"--model " + folder + " is a tile classifier: it answers --benchmark scene only"};
    EvaluationOptions options;
    options.limit = a.intValue("limit", 0);
    options.batch = a.intValue("batch", 8);
    options.resume = a.has("resume");
    const int maxNewTokens = a.intValue("max-new-tokens", 256);
    if (options.limit < 0 || options.batch < 1 || maxNewTokens < 1)
        throw UsageError{"--limit must be 0 or more, --batch and --max-new-tokens at least 1"};
    // Under a launcher the questions are shared among the ranks; rank 0 alone writes and talks.
    DistributedGroup group(LaunchEnvironment::fromEnvironment(), DistributedOptions());
    GroupExchange ranks(group);
    const bool root = ranks.isRoot();
    const ModelLoadOptions loadOptionsValue = rankLoadOptions(a, group.environment());
    const bool json = a.has("json") && root;

    BenchmarkReadOptions readOptions;
    readOptions.vqaTypes = splitList(a.value("vqa-types", ""), ',');
    readOptions.classes = splitList(a.value("classes", ""), ',');
    const BenchmarkDataset dataset = readBenchmark(task, a.value("questions", ""), *images, readOptions);
    for (const auto &[reason, n] : dataset.issueCounts())
        if (root)
            std::cerr << "geolens-cli: " << n << " left out of the benchmark: " << reason << std::endl;

    // Captions need WordNet for METEOR: known before any model is loaded.
    std::optional<WordNetDatabase> wordnet;
    if (task == BenchmarkTask::Caption)
        wordnet.emplace(WordNetDatabase::open(a.value("wordnet", WordNetDatabase::defaultDir())));

    EvaluationJob job(dataset, *out, readImageFile, options);
    // Every model folder is checked before the first is loaded, so a typo in the second does not
    // surface an hour into the run.
    std::vector<EvaluatedModel> models;
    const std::string tokenizer = a.value("tokenizer", "");
    for (const std::string &folder : folders) {
        if (isTileClassifierFolder(folder)) {
            models.push_back({modelName(folder), folder, "", "", TileClassifier::load(folder)->parameterCount()});
            continue;
        }
        if (isRandomModel(folder) && tokenizer.empty())
            throw UsageError{"--model " + folder + " has random weights: it needs --tokenizer FILE (LLaMA's tokenizer.model)"};
        const ModelConfig config = isRandomModel(folder) ? GeoChatModel::presetConfig(folder.substr(7))
                                                         : ModelConfig::load(folder, loadOptionsValue.imageSize);
        models.push_back({modelName(folder), folder, "", "", countParameters(config)});
    }
    std::vector<std::string> names;
    for (const EvaluatedModel &m : models)
        names.push_back(m.name);
    job.prepare(names, ranks);
    const EvaluationReport report(dataset, job.questions(), *out);
    const std::string command = commandLine(args);
    if (root)
        report.writeManifest(models, command);
    const auto questionCount = static_cast<long long>(job.questions().size());
    emit(json, {{"event", "benchmark"}, {"benchmark", benchmarkTaskName(task)}, {"dataset", dataset.name},
                {"questions", questionCount}});
    if (root) {
        std::cerr << "geolens-cli: " << questionCount << " " << benchmarkTaskName(task) << " questions from "
                  << dataset.name;
        if (ranks.distributed())
            std::cerr << ", shared among " << ranks.worldSize() << " processes";
        std::cerr << std::endl;
    }

    for (std::size_t i = 0; i < models.size(); ++i) {
        EvaluatedModel &m = models[i];
        emit(json, {{"event", "model"}, {"model", m.name}, {"index", static_cast<int>(i) + 1},
                    {"models", static_cast<int>(models.size())}, {"state", "loading"}});
        std::unique_ptr<GeoChatModel> model;
        std::unique_ptr<TileClassifier> classifier;
        std::unique_ptr<EvaluationModel> evaluated;
        if (isTileClassifierFolder(m.path)) {
            classifier = TileClassifier::load(m.path);
            evaluated = std::make_unique<TileClassifierEvaluationModel>(*classifier);
        } else {
            model = isRandomModel(m.path) ? GeoChatModel::createRandom(m.path.substr(7), loadOptionsValue, tokenizer)
                                          : GeoChatModel::load(m.path, loadOptionsValue);
            evaluated = std::make_unique<GeoChatEvaluationModel>(*model, maxNewTokens);
        }
        m.device = evaluated->device();
        m.dtype = evaluated->dtype();
        m.params = evaluated->parameterCount();
        if (root)
            report.writeManifest(models, command);
        EvaluationModel &evaluationModel = *evaluated;
        std::optional<TerminalProgress> bar;
        if (root)
            bar.emplace(m.name);
        JobProgress progress([&](std::int64_t done, std::int64_t total, const std::string &) {
            if (bar)
                bar->update(done, total);
            emit(json, {{"event", "progress"}, {"model", m.name}, {"done", done}, {"total", total}});
        });
        ModelRunSummary summary;
        try {
            const StopSignalsCancel stopSignals(progress);
            summary = job.run(m.name, evaluationModel, progress, ranks);
        } catch (const Canceled &) {
            if (!root)
                throw;
            // What was answered is scored, so the report shows the run so far.
            report.write(models, wordnet ? &*wordnet : nullptr, thumbnailer());
            std::cerr << "geolens-cli: stopped; the answers so far are in " << job.predictionsPath(*out, m.name)
                      << " and the report scores them; run the same command with --resume to go on." << std::endl;
            throw;
        }
        if (!root)
            continue;
        std::cerr << "geolens-cli: " << m.name << ": " << summary.answered << " answered";
        if (summary.alreadyDone)
            std::cerr << ", " << summary.alreadyDone << " done before";
        if (summary.failed)
            std::cerr << ", " << summary.failed << " without an image";
        std::cerr << " in " << summary.seconds << " s (" << summary.modelSeconds << " s in the model)" << std::endl;
    }

    if (!root)
        return 0; // rank 0 has every rank's answers and writes the report
    report.write(models, wordnet ? &*wordnet : nullptr, thumbnailer());
    emit(json, {{"event", "report"}, {"dir", fs::absolute(*out).string()}});
    if (!json) {
        std::ifstream tables(fs::path(*out) / "tables.md");
        std::cout << tables.rdbuf();
    }
    std::cerr << "geolens-cli: wrote " << (fs::path(*out) / "report.html").string() << std::endl;
    return 0;
}

} // namespace geolens::cli
