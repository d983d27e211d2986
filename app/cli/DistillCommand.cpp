#include "cli/DistillCommand.h"

#include "cli/CliArguments.h"
#include "cli/ImageFile.h"
#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "distill/DistillRun.h"
#include "distributed/DistributedGroup.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include <unistd.h>

namespace geolens::cli {

namespace {

// SIGINT and SIGTERM ask the run to stop after its current step, with a checkpoint; a second
// signal is left to the default handler, so a stuck run can still be killed.
std::atomic<bool> stopRequested{false};

extern "C" void onStopSignal(int signal)
{
    stopRequested.store(true);
    std::signal(signal, SIG_DFL);
}

// The command-line options that set a configuration key directly.
const std::pair<const char *, const char *> DirectOptions[] = {
    {"teacher", "teacher"},        {"student", "student"},     {"data", "data"},
    {"images", "images"},          {"corpus", "corpus"},       {"validation-data", "validation_data"},
    {"tokenizer", "tokenizer"},
    {"steps", "run.steps"},        {"epochs", "run.epochs"},   {"seed", "run.seed"},
    {"lr", "optimiser.lr"},        {"batch-size", "optimiser.batch_size"},
    {"teacher-device", "run.teacher_device"}, {"student-device", "run.student_device"},
    {"dtype", "run.dtype"},        {"image-size", "run.image_size"},
};

std::string formatNumber(std::optional<double> value)
{
    if (!value)
        return "nan"; // non-finite values are written as null
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", *value);
    return text;
}

} // namespace

int runDistill(const std::vector<std::string> &args)
{
    std::set<std::string> valueOptions{"out", "method", "config", "set"};
    for (const auto &[option, key] : DirectOptions)
        valueOptions.insert(option);
    const CliArguments a(args, valueOptions, {"resume", "json", "overwrite"});
    if (!a.positional().empty())
        throw UsageError{"distill takes no positional arguments"};
    const std::optional<std::string> out = a.value("out");
    if (!out)
        throw UsageError{"distill needs --out RUN_DIR"};
    const bool resume = a.has("resume");
    if (resume && a.has("overwrite"))
        throw UsageError{"--resume continues the run in the folder and --overwrite clears it: give one of them"};

    // Settings in order of precedence: the method's preset, the --config file (or, to resume,
    // the run's own run.json), then the options given here.
    DistillConfig config;
    const std::string runFile = DistillConfig::runFilePath(*out);
    if (resume) {
        if (!std::filesystem::exists(runFile))
            throw FileError(runFile, "does not exist: there is no run to resume in " + *out + ".");
        config = DistillConfig::load(runFile);
    } else if (const auto file = a.value("config")) {
        config = DistillConfig::load(*file);
        if (const auto method = a.value("method"))
            throw UsageError{"--method and --config both choose the method; set \"method\" in " + *file};
    } else {
        config = DistillConfig::preset(a.value("method", "paper"));
    }
    if (resume && a.has("method") && a.value("method", "") != config.method)
        throw UsageError{"a resumed run keeps its method (" + config.method + ")"};
    config.out = *out;
    for (const auto &[option, key] : DirectOptions)
        if (const auto value = a.value(option))
            config.applyOverride(key, *value);
    // --set "key=value;key=value" reaches every other setting (see run.json for the names); it may
    // be given more than once.
    for (const std::string &sets : a.values("set")) {
        std::istringstream items(sets);
        std::string item;
        while (std::getline(items, item, ';')) {
            if (item.empty())
                continue;
            const auto equals = item.find('=');
            if (equals == std::string::npos)
                throw UsageError{"--set wants key=value items separated by ';', not \"" + item + "\""};
            config.applyOverride(item.substr(0, equals), item.substr(equals + 1));
        }
    }
    const std::vector<std::string> problems = config.validate();
    if (!problems.empty()) {
        std::string text = "the run configuration cannot be used:";
        for (const std::string &p : problems)
            text += "\n  " + p;
        throw UsageError{text};
    }

    // Under torchrun (or any launcher that sets RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT) this
    // process is one rank of the run; rank 0 alone writes the run folder and reports.
    const LaunchEnvironment launch = LaunchEnvironment::fromEnvironment();
    DistributedOptions groupOptions;
    groupOptions.timeout = std::chrono::seconds(config.run.rankTimeoutSeconds);
    DistributedGroup group(launch, groupOptions);

    DistillHooks hooks;
    hooks.group = &group;
    hooks.readImage = readImageFile;
    hooks.checkImage = checkImageFile;
    hooks.stop = &stopRequested;
    const bool json = a.has("json");
    hooks.log = [json](const std::string &message) {
        if (!json)
            std::cerr << message << "\n";
    };
    hooks.onMetrics = [json](const MetricsRecord &record) {
        if (json) {
            std::cout << record.toJsonLine() << std::endl;
            return;
        }
        if (record.kind() == MetricsRecord::Kind::Step) {
            std::cerr << "step " << record.step() << "  loss " << formatNumber(record.number(MetricsKey::Loss));
            for (const char *name : {"ce", "kd", "align", "policy", "single", "pt", "rev_kl"})
                if (record.has(name))
                    std::cerr << "  " << name << " " << formatNumber(record.number(name));
            std::cerr << "  lr " << formatNumber(record.number(MetricsKey::Lr)) << "\n";
        }
    };
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    // RUN_DIR/distill.pid says a run is going, so that a monitor opening the folder later can
    // attach to it; it goes when the run ends, however it ends.
    std::filesystem::create_directories(*out);
    const std::string pidFile = group.isRoot() ? (std::filesystem::path(*out) / "distill.pid").string() : std::string();
    if (group.isRoot())
        writeFileAtomically(pidFile, std::to_string(::getpid()) + "\n");
    struct PidFileRemover {
        std::string path;
        ~PidFileRemover()
        {
            std::error_code ignored;
            if (!path.empty())
                std::filesystem::remove(path, ignored);
        }
    } remover{pidFile};
    const DistillSummary summary = runDistillation(
        config, resume ? RunStart::Resume : a.has("overwrite") ? RunStart::Overwrite : RunStart::Fresh, hooks);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!group.isRoot())
        return summary.stopped ? 130 : 0;

    Json result = Json::object();
    result["steps_done"] = summary.stepsDone;
    result["total_steps"] = summary.totalSteps;
    result["stopped"] = summary.stopped;
    result["checkpoint"] = summary.checkpoint;
    result["student"] = summary.exported.empty() ? Json() : Json(summary.exported);
    result["val_loss"] = std::isfinite(summary.valLoss) ? Json(summary.valLoss) : Json();
    result["val_rev_kl"] = std::isfinite(summary.valReverseKl) ? Json(summary.valReverseKl) : Json();
    std::cout << dumpJson(result) << std::endl;
    return summary.stopped ? 130 : 0;
}

} // namespace geolens::cli
