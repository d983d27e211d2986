#pragma once

#include "analysis/BoxAnalysisJob.h"
#include "common/JobProgress.h"
#include "common/JsonIo.h"
#include "geometry/TileGrid.h"
#include "model/GeoChatModel.h"
#include "raster/DisplaySettings.h"

#include <memory>
#include <string>
#include <vector>

namespace geolens {

class RasterDataset;

// What both models are asked about every tile.
struct ComparisonTask {
    enum class Kind {
        Scene,     // a scene class from a list (labels compared)
        Refer,     // boxes around the objects a query names (boxes compared)
        Grounding, // a description with boxes (answers and boxes compared)
        Question,  // a free question (answers compared; boxes too when they come)
    };
    Kind kind = Kind::Scene;
    std::vector<std::string> classes; // Scene
    std::string text;                 // the query (Refer) or the question (Question)
    int maxNewTokens = 0;             // 0: 16 for Scene, 256 otherwise

    // "scene", "refer", "grounding", "question"
    static const char *kindName(Kind kind);
    // Throws InvalidArgument for a name that is none of them.
    static Kind kindFromName(const std::string &name);
};

// One model's answer for one tile.
struct TileAnswer {
    Tile tile;
    std::string answer;
    std::string label;             // Scene: the matched class, or the answer when none matched
    bool matched = false;          // Scene: label is one of the classes
    std::vector<BoxResult> boxes;  // in raster pixels
    int tokens = 0;                // generated tokens
    double seconds = 0.0;          // the model's time for this tile (image to answer)
};

// One model over the tiles: what it answered and how long it took.
struct ModelRun {
    std::string folder;
    std::string device;           // "cpu", "cuda:0"
    std::string dtype;            // "f32", "bf16"
    std::uint64_t parameters = 0;
    double loadSeconds = 0.0;
    std::vector<TileAnswer> tiles;
    std::vector<std::string> issues; // what the box parser repaired or dropped

    double meanSecondsPerTile() const;
    double tokensPerSecond() const;
};

// How the student's answer for a tile compares with the teacher's.
struct TileAgreement {
    int tileId = -1;
    bool sameLabel = false;        // Scene: the same class; otherwise the same normalised answer
    double answerSimilarity = 0.0; // 1 - edit distance / longer length, on normalised text
    int teacherBoxes = 0;
    int studentBoxes = 0;
    int matchedBoxes = 0;          // student boxes paired with a teacher box at IoU >= 0.5
    double meanIou = 0.0;          // over the matched pairs
};

// Teacher and student side by side on the same tiles, with the teacher's answers as the reference:
// what the student gained in speed and what it kept in quality.
struct ComparisonReport {
    ComparisonTask task;
    std::string prompt;
    ModelRun teacher;
    ModelRun student;
    std::vector<TileAgreement> tiles; // tiles[i], teacher.tiles[i] and student.tiles[i] are one tile

    double speedup() const;         // teacher seconds per tile / student seconds per tile
    double labelAgreement() const;  // share of tiles with the same label (or answer)
    double meanAnswerSimilarity() const;
    // Box F1 over all tiles at IoU >= 0.5 (teacher boxes as the truth); -1 when neither had boxes.
    double boxF1() const;
};

// Runs one task with the teacher and then the student on the same tiles of a raster, one tile at a
// time so that the time per tile is what a user waits for one answer, after an untimed warm-up.
// The models are loaded one after the other, so the two never need memory at the same time.
// Shared by the CLI's compare verb and the GUI's comparison window.
class ModelComparisonJob {
public:
    static constexpr int MaxTiles = 256;
    static constexpr double BoxMatchIou = 0.5;

    ModelComparisonJob(std::shared_ptr<const RasterDataset> raster, DisplaySettings display, ComparisonTask task,
                       std::vector<int> tileIds, int tileSize = TileGrid::DefaultTileSize, double overlap = 0.0);

    // The question both models get.
    std::string prompt() const;

    // Loads each folder in turn (the load options' progress is replaced by this job's), runs the
    // task and frees the model. Throws FileError / InvalidArgument for a folder or setting that does
    // not work, with the folder named; InvalidArgument for bad tiles or task; Canceled.
    ComparisonReport run(const std::string &teacherFolder, const ModelLoadOptions &teacherOptions,
                         const std::string &studentFolder, const ModelLoadOptions &studentOptions,
                         const JobProgress &progress);

    // One loaded model over the tiles; the tiles whose pixels are all nodata are left out.
    // progress counts tiles from done0 of total.
    ModelRun runModel(GeoChatModel &model, const JobProgress &progress, std::int64_t done0 = 0,
                      std::int64_t total = 0);

    // Pairs the two runs tile by tile, in the teacher's order; a tile only one run holds is left out.
    static ComparisonReport compare(const ComparisonTask &task, ModelRun teacher, ModelRun student);

    // The whole report (summary, both runs tile by tile, boxes in raster pixels) for files and
    // scripts; non-finite numbers never occur in it.
    static Json toJson(const ComparisonReport &report);

private:
    struct PreparedTile;
    const std::vector<PreparedTile> &preparedTiles();

    std::shared_ptr<const RasterDataset> raster_;
    DisplaySettings display_;
    ComparisonTask task_;
    std::vector<int> tileIds_;
    int tileSize_;
    double overlap_;
    std::shared_ptr<std::vector<PreparedTile>> prepared_;
};

} // namespace geolens
