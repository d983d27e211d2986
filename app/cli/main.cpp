// geolens-cli: the headless front end. Every verb runs a job from core/ or distill/; this file only
// parses the command line and maps errors to messages and exit codes.
//
// It is built twice. geolens-cli itself links no LibTorch: the verbs that need no model (info,
// tiles, overviews, paper-tables, help) start as fast as gdalinfo, and a verb that needs the model
// or distillation engine replaces this process (exec) with geolens-cli-engine beside it, which has
// every verb, with the same arguments, process id, standard streams and exit status. The
// engine-only build (no GDAL) has one program, geolens-cli, with the engine verbs.

#include "cli/CliArguments.h"
#include "cli/PaperTablesCommand.h"
#include "cli/VerbHelp.h"
#include "common/Error.h"
#include "common/ThreadSpinning.h"

#ifndef GEOLENS_CLI_FRONT_END
#include "cli/ClassifierCommands.h"
#include "cli/DistillCommand.h"
#include "cli/EvaluateCommand.h"
#include "cli/ModelCommands.h"
#include "common/FreedMemory.h"
#endif
#ifdef GEOLENS_WITH_RASTER
#include "cli/RasterCommands.h"
#ifndef GEOLENS_CLI_FRONT_END
#include "cli/AnalyzeCommand.h"
#include "cli/CompareCommand.h"
#endif
#endif

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

// A verb of the model or distillation engine: run here, or (in the front end) in the engine
// program.
#ifdef GEOLENS_CLI_FRONT_END
#define GEOLENS_ENGINE_VERB(function) nullptr
#else
#define GEOLENS_ENGINE_VERB(function) function
#endif

namespace {

struct Verb {
    std::function<int(const std::vector<std::string> &)> run;
    const char *usage;
};

std::map<std::string, Verb> verbs()
{
    std::map<std::string, Verb> v;
    v["bench"] = {GEOLENS_ENGINE_VERB(geolens::cli::runBench),
                  "bench [--model DIR | --random geochat-7b|geochat-13b|small|tiny] [--device auto|cpu|cuda[:N]]\n"
                  "         [--dtype auto|f32|bf16|f16] [--quantize none|int8] [--batch 8] [--decode-tokens 64] [--repeats 3]\n"
                  "                                 vision, prefill, decode and scene-label speeds as JSON"};
    v["generate"] = {GEOLENS_ENGINE_VERB(geolens::cli::runGenerate),
                     "generate --model DIR --image FILE --prompt TEXT [--json] [--image-size N]\n"
                     "         [--max-new-tokens N] [--device auto|cpu|cuda[:N]] [--dtype auto|f32|bf16|f16] [--quantize none|int8]\n"
                     "         [--temperature T] [--top-p P] [--top-k K] [--repetition-penalty R] [--seed S]\n"
                     "                                 answer a question about an image"};
    v["distill"] = {GEOLENS_ENGINE_VERB(geolens::cli::runDistill),
                    "distill --teacher DIR --student DIR --data FILE.json --images DIR --out RUN_DIR\n"
                    "         [--method paper|align|kd|sft|rkl|seqkd] [--steps N] [--config run.json] [--resume | --overwrite]\n"
                    "         [--corpus FILE] [--validation-data FILE] [--lr X] [--batch-size N] [--seed N]\n"
                    "         [--teacher-device D] [--student-device D] [--dtype T] [--image-size N]\n"
                    "         [--set \"key=value;...\"] [--json]\n"
                    "         (DIR may be random:geochat-7b|geochat-13b|small|tiny with --tokenizer FILE, to time a run)\n"
                    "                                 distil a teacher into a student (metrics in RUN_DIR)"};
    v["evaluate"] = {GEOLENS_ENGINE_VERB(geolens::cli::runEvaluate),
                     "evaluate --model DIR [--model DIR2 ...] --benchmark scene|vqa|referring|grounding|caption\n"
                     "         [--questions FILE] --images DIR --out REPORT_DIR [--limit N] [--batch 8] [--resume]\n"
                     "         [--vqa-types presence,comparison,...] [--classes \"a,b\"] [--max-new-tokens 256]\n"
                     "         [--device ...] [--dtype ...] [--quantize int8] [--image-size N] [--json]\n"
                     "         (DIR may be random:geochat-7b|geochat-13b|small|tiny with --tokenizer FILE, to time a run)\n"
                     "                                 score models against a benchmark's ground truth: metrics.json,\n"
                     "                                 tables.md/.csv and report.html in REPORT_DIR"};
    v["aspects"] = {GEOLENS_ENGINE_VERB(geolens::cli::runAspects),
                    "aspects FILE|DIR --model DIR --classes \"a,b,c\" | --preset ucm|aid|nwpu --out TARGETS_DIR\n"
                    "         [--aspects FILE] [--store-size 128] [--tiles all|i,j,k] [--tile-size 504] [--overlap F]\n"
                    "         [--bands R,G,B] [--stretch ...] [--image-size N] [--device ...] [--dtype ...] [--quantize int8]\n"
                    "                                 the teacher's class and yes/no aspect probabilities per tile\n"
                    "                                 (resumable), the targets of a fast tile classifier"};
    v["train-classifier"] = {GEOLENS_ENGINE_VERB(geolens::cli::runTrainClassifier),
                             "train-classifier --targets TARGETS_DIR --out RUN_DIR [--architecture resnet18|resnet10|clip]\n"
                             "         [--clip-model DIR] [--width 64] [--epochs 30] [--batch 64] [--lr 0.001] [--aspect-weight 1]\n"
                             "         [--class-target auto|truth|teacher] [--validation 0.1] [--patience 5] [--seed 1]\n"
                             "         [--no-augment] [--device auto|cpu|cuda] [--threads N]\n"
                             "                                 train the multi-aspect tile classifier (resumable;\n"
                             "                                 metrics.jsonl and RUN_DIR/classifier)"};
    v["paper-tables"] = {geolens::cli::runPaperTables,
                         "paper-tables REPORT_DIR... [--out DIR]\n"
                         "                                 evaluate's report folders joined into the paper's tables 3-8"};
#ifdef GEOLENS_WITH_RASTER
    v["info"] = {geolens::cli::runInfo, "info FILE                      metadata of a raster as JSON"};
    v["tiles"] = {geolens::cli::runTiles,
                  "tiles FILE --out DIR [--size 504] [--overlap 0.1] [--bands R,G,B]\n"
                  "         [--stretch none|minmax|cut|LOW:HIGH[,...]]\n"
                  "                                 one PNG per tile and tiles.geojson"};
    v["analyze"] = {GEOLENS_ENGINE_VERB(geolens::cli::runAnalyze),
                    "analyze FILE --model DIR --task scene|refer|grounding|caption | --classifier DIR\n"
                    "         [--classes \"a,b,c\" | --preset ucm|aid|nwpu] [--mode generate|score]\n"
                    "         [--query TEXT] [--box x1,y1,x2,y2[,angle]] [--tiles all|i,j,k] [--overlap F] [--batch N]\n"
                    "         [--bands R,G,B] [--stretch none|minmax|cut|LOW:HIGH[,...]]\n"
                    "         [--image-size N] [--device ...] [--dtype ...] [--quantize int8] --out FILE.gpkg|.geojson|.csv\n"
                    "                                 label every tile and write the results on the map"};
    v["compare"] = {GEOLENS_ENGINE_VERB(geolens::cli::runCompare),
                    "compare FILE --teacher DIR --student DIR --tiles i,j,k|all\n"
                    "         --task scene|refer|grounding|question [--classes \"a,b,c\" | --preset ucm|aid|nwpu]\n"
                    "         [--query TEXT] [--question TEXT] [--teacher-device D] [--student-device D]\n"
                    "         [--bands R,G,B] [--stretch none|minmax|cut|LOW:HIGH[,...]]\n"
                    "         [--image-size N] [--dtype ...] [--quantize int8] [--max-new-tokens N] [--json] [--out REPORT.json]\n"
                    "                                 teacher and student side by side: answers, boxes, time per tile"};
    v["overviews"] = {geolens::cli::runOverviews,
                      "overviews FILE [--resampling average]\n"
                      "                                 build FILE.ovr so zoomed-out reads are fast"};
#endif
    return v;
}

void printUsage(std::ostream &out, const std::map<std::string, Verb> &v)
{
    out << "Usage: geolens-cli VERB [ARGS]\n\nVerbs:\n";
    for (const auto &[name, verb] : v)
        out << "  " << verb.usage << "\n";
    out << "  help                           this text\n";
}

#ifdef GEOLENS_CLI_FRONT_END
// Becomes geolens-cli-engine, found beside this program; returns only when that fails.
int runInEngine(char **argv)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    const fs::path engine = (ec ? fs::path(argv[0]) : self).parent_path() / "geolens-cli-engine";
    const std::string enginePath = engine.string();
    argv[0] = const_cast<char *>(enginePath.c_str());
    geolens::limitThreadSpinning(); // for the engine's OpenMP, which reads it as it loads
    ::execv(enginePath.c_str(), argv);
    std::cerr << "geolens-cli: the model engine " << enginePath << " cannot be started (" << std::strerror(errno)
              << "); it is installed beside geolens-cli.\n";
    return 1;
}
#endif

} // namespace

int main(int argc, char **argv)
{
    const auto available = verbs();
    if (argc < 2) {
        printUsage(std::cerr, available);
        return 2;
    }
    const std::string name = argv[1];
    if (name == "help" || name == "--help" || name == "-h") {
        printUsage(std::cout, available);
        return 0;
    }
    if (name == "--version") {
        std::cout << "geolens-cli " << GEOLENS_VERSION << "\n";
        return 0;
    }
    const auto verb = available.find(name);
    if (verb == available.end()) {
        std::cerr << "geolens-cli: unknown verb '" << name << "'\n";
        printUsage(std::cerr, available);
        return 2;
    }
    // VERB --help (or -h) anywhere among its arguments: the verb's usage, options and an example,
    // answered here, without starting the engine.
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << "Usage: geolens-cli " << verb->second.usage << "\n\n" << geolens::cli::verbHelp(name);
            return 0;
        }
    }
#ifdef GEOLENS_CLI_FRONT_END
    if (!verb->second.run)
        return runInEngine(argv);
#else
    geolens::limitThreadSpinningAndRestart(argv); // when started directly, not through the front end
    geolens::keepFreedMemory(); // a model verb: its tensors' memory is reused, not faulted in again
#endif
    try {
        return verb->second.run(std::vector<std::string>(argv + 2, argv + argc));
    } catch (const geolens::cli::UsageError &e) {
        std::cerr << "geolens-cli " << name << ": " << e.message << "\n";
        return 2;
    } catch (const geolens::Canceled &e) {
        std::cerr << "geolens-cli: " << e.what() << "\n";
        return 130;
    } catch (const std::exception &e) {
        // LibTorch's errors carry the C++ frames they came through, which tell a user nothing.
        std::string message = e.what();
        for (const char *tail : {"\nException raised from", "\nframe #0"})
            if (const std::size_t at = message.find(tail); at != std::string::npos)
                message.erase(at);
        std::cerr << "geolens-cli: " << message << "\n";
        return 1;
    }
}
