#include "cli/CompareCommand.h"

#include "analysis/ModelComparisonJob.h"
#include "cli/AnalyzeCommand.h"
#include "cli/CliArguments.h"
#include "cli/DisplayOptions.h"
#include "cli/ModelOptions.h"
#include "cli/TerminalProgress.h"
#include "common/AtomicFile.h"
#include "common/JsonIo.h"
#include "geometry/TileGrid.h"
#include "raster/RasterDataset.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace geolens::cli {

namespace {

// One line of an answer in a column of width characters: cut (at a character, not inside a
// UTF-8 sequence) or padded, so the table stays a table.
std::string cell(std::string text, std::size_t width)
{
    for (char &c : text)
        if (c == '\n' || c == '\t')
            c = ' ';
    const auto isContinuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
    std::size_t characters = 0, cut = std::string::npos;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (isContinuation(text[i]))
            continue;
        if (characters == width - 3 && cut == std::string::npos)
            cut = i;
        ++characters;
    }
    if (characters > width) {
        text = text.substr(0, cut) + "...";
        characters = width;
    }
    return text + std::string(width - characters, ' ');
}

std::string fixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string parameterCount(std::uint64_t n)
{
    return n >= 1000000000ULL ? fixed(n / 1e9, 2) + "B" : n >= 1000000ULL ? fixed(n / 1e6, 1) + "M" : std::to_string(n);
}

std::string describeRun(const char *role, const ModelRun &run)
{
    return std::string(role) + ": " + run.folder + " (" + parameterCount(run.parameters) + " parameters, " +
           run.device + ", " + run.dtype + "), loaded in " + fixed(run.loadSeconds, 1) + " s; " +
           fixed(run.meanSecondsPerTile(), 3) + " s per tile, " + fixed(run.tokensPerSecond(), 1) + " tokens/s";
}

void printReport(std::ostream &out, const ComparisonReport &report)
{
    const bool scene = report.task.kind == ComparisonTask::Kind::Scene;
    const std::size_t width = 34;
    out << "prompt: " << report.prompt << "\n\n";
    out << "tile  " << cell("teacher", width) << "  " << cell("student", width) << "  teacher s  student s  "
        << (scene ? "same" : "similar") << (scene ? "" : "  boxes") << "\n";
    for (std::size_t i = 0; i < report.tiles.size(); ++i) {
        const TileAgreement &a = report.tiles[i];
        const TileAnswer &t = report.teacher.tiles[i];
        const TileAnswer &s = report.student.tiles[i];
        std::string id = std::to_string(a.tileId);
        out << std::string(4 - std::min<std::size_t>(4, id.size()), ' ') << id << "  "
            << cell(scene ? t.label : t.answer, width) << "  " << cell(scene ? s.label : s.answer, width) << "  "
            << cell(fixed(t.seconds, 3), 9) << "  " << cell(fixed(s.seconds, 3), 9) << "  ";
        if (scene)
            out << (a.sameLabel ? "yes" : "no");
        else
            out << cell(fixed(a.answerSimilarity, 2), 7) << "  "
                << (a.teacherBoxes + a.studentBoxes == 0
                        ? std::string("-")
                        : std::to_string(a.matchedBoxes) + "/" + std::to_string(a.teacherBoxes) + " matched, " +
                              std::to_string(a.studentBoxes) + " found");
        out << "\n";
    }
    out << "\n" << describeRun("teacher", report.teacher) << "\n" << describeRun("student", report.student) << "\n";
    const std::size_t same =
        std::count_if(report.tiles.begin(), report.tiles.end(), [](const TileAgreement &a) { return a.sameLabel; });
    out << "student " << fixed(report.speedup(), 2) << "x the teacher's speed; " << (scene ? "same label" : "same answer")
        << " on " << same << " of " << report.tiles.size() << " tiles; answer similarity "
        << fixed(report.meanAnswerSimilarity(), 2);
    if (report.boxF1() >= 0)
        out << "; box F1 " << fixed(report.boxF1(), 2) << " (IoU >= " << fixed(ModelComparisonJob::BoxMatchIou, 1) << ")";
    out << "\n";
}

} // namespace

int runCompare(const std::vector<std::string> &args)
{
    const CliArguments a(args,
                         {"teacher", "student", "task", "classes", "preset", "query", "question", "tiles", "overlap",
                          "image-size", "device", "teacher-device", "student-device", "dtype", "quantize", "threads", "vision-tower",
                          "max-new-tokens", "out", "bands", "stretch"},
                         {"json"});
    if (a.positional().size() != 1)
        throw UsageError{"compare needs exactly one raster file"};
    const auto teacher = a.value("teacher");
    const auto student = a.value("student");
    if (!teacher || !student)
        throw UsageError{"compare needs --teacher DIR and --student DIR"};

    ComparisonTask task;
    try {
        task.kind = ComparisonTask::kindFromName(a.value("task", "scene"));
    } catch (const std::exception &) {
        throw UsageError{"--task must be scene, refer, grounding or question"};
    }
    if (task.kind == ComparisonTask::Kind::Scene) {
        task.classes = sceneClasses(a, "--task scene");
    } else if (task.kind == ComparisonTask::Kind::Refer) {
        task.text = a.value("query", "");
        if (task.text.empty())
            throw UsageError{"--task refer needs --query TEXT (what to find)"};
    } else if (task.kind == ComparisonTask::Kind::Question) {
        task.text = a.value("question", "");
        if (task.text.empty())
            throw UsageError{"--task question needs --question TEXT"};
    }
    task.maxNewTokens = a.intValue("max-new-tokens", 0);
    if (task.maxNewTokens < 0)
        throw UsageError{"--max-new-tokens must be positive"};
    const double overlap = a.doubleValue("overlap", 0.0);
    if (!(overlap >= 0.0 && overlap <= TileGrid::MaxOverlap))
        throw UsageError{"--overlap must be between 0 and 0.5"};
    const auto tiles = a.value("tiles");
    if (!tiles)
        throw UsageError{"compare needs --tiles i,j,k (or all, for at most " +
                         std::to_string(ModelComparisonJob::MaxTiles) + " tiles)"};

    ModelLoadOptions teacherOptions = loadOptions(a);
    ModelLoadOptions studentOptions = teacherOptions;
    if (const auto d = a.value("teacher-device"))
        applyDevice(*d, "teacher-device", teacherOptions);
    if (const auto d = a.value("student-device"))
        applyDevice(*d, "student-device", studentOptions);

    std::shared_ptr<const RasterDataset> raster = RasterDataset::open(a.positional().front());
    std::vector<int> ids = tileList(*tiles);
    if (ids.empty()) {
        const TileGrid grid(raster->width(), raster->height(), TileGrid::DefaultTileSize, overlap);
        for (int i = 0; i < grid.count(); ++i)
            ids.push_back(i);
    }
    ModelComparisonJob job(raster, displaySettingsFromArguments(a, *raster), task, ids,
                           TileGrid::DefaultTileSize, overlap);
    TerminalProgress bar("compare");
    const JobProgress progress([&bar](std::int64_t done, std::int64_t total, const std::string &) { bar.update(done, total); });
    const ComparisonReport report = job.run(*teacher, teacherOptions, *student, studentOptions, progress);
    for (const std::string &issue : report.teacher.issues)
        std::cerr << "geolens-cli: teacher, " << issue << std::endl;
    for (const std::string &issue : report.student.issues)
        std::cerr << "geolens-cli: student, " << issue << std::endl;

    const std::string json = dumpJson(ModelComparisonJob::toJson(report), 2);
    if (const auto out = a.value("out")) {
        writeFileAtomically(*out, json + "\n");
        std::cerr << "geolens-cli: wrote " << *out << std::endl;
    }
    if (a.has("json"))
        std::cout << json << std::endl;
    else
        printReport(std::cout, report);
    return 0;
}

} // namespace geolens::cli
