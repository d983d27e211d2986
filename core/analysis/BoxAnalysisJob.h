#pragma once

#include "common/JobProgress.h"
#include "geometry/RotatedBox.h"
#include "geometry/TileGrid.h"
#include "raster/DisplaySettings.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace geolens {

class GeoChatModel;
class RasterDataset;
class ShardExchange;

struct BoxAnalysisOptions {
    enum class Task {
        Refer,     // find the objects a query names: boxes
        Grounding, // describe the tile with boxes around what it mentions
        Caption,   // describe the object in a region the user gives
    };
    Task task = Task::Refer;
    std::string query;                // what to find (refer)
    std::optional<RotatedBox> region; // raster pixels (caption)
    int tileSize = TileGrid::DefaultTileSize;
    double overlap = 0.0;
    std::vector<int> tileIds; // empty: every tile (refer, grounding)
    int batch = 4;
    int maxNewTokens = 256;
    double nmsIou = 0.5;      // boxes of one label from overlapping tiles merge above this IoU
};

// One result in raster pixels. A caption's box is the region asked about.
struct BoxResult {
    int tileId = -1;          // -1 for a caption cut around its region
    std::string label;        // object phrase (refer, grounding) or the caption
    RotatedBox pixelBox;      // angle counter-clockwise on screen, degrees
    double score = 1.0;       // how central the box was in its tile (duplicates keep the best)
    std::string prompt;
    std::string answer;       // the model's whole answer for the tile
};

// A tile's answer that held no box: a grounding description is worth keeping even so.
struct UnboxedAnswer {
    Tile tile;
    std::string prompt;
    std::string answer;
};

struct BoxAnalysisResult {
    std::vector<BoxResult> boxes;
    std::vector<std::string> issues; // what the box parser dropped or repaired, per tile
    std::vector<UnboxedAnswer> answersWithoutBoxes; // in tile order
};

// GeoChat's [refer], [grounding] and [identify] tasks over raster tiles: each tile's valid part is
// the model's input, boxes come back on its 0-100 grid and are placed in raster pixels through
// the tile's frame (TileFrame::validPart), and duplicates from overlapping tiles are merged by
// rotated non-maximum suppression. Shared by the CLI's analyze verb and the GUI.
class BoxAnalysisJob {
public:
    BoxAnalysisJob(std::shared_ptr<const RasterDataset> raster, GeoChatModel &model, DisplaySettings display,
                   BoxAnalysisOptions options);

    static std::string referPrompt(const std::string &query);
    static std::string groundingPrompt();
    static std::string captionPrompt(const RotatedBox &gridBox);

    // Throws InvalidArgument (empty query, no region, bad tile id), Canceled.
    BoxAnalysisResult run(const JobProgress &progress);
    // The same with the tiles shared among the ranks of a data-parallel run (ShardedRounds): every
    // rank asks about its share; rank 0 gathers the answers and returns the result run() gives,
    // merged across tiles as there; the other ranks return an empty result. A caption is one
    // question, which rank 0 asks alone.
    BoxAnalysisResult run(const JobProgress &progress, ShardExchange &ranks);

    // The boxes of one tile's answer placed in raster pixels (through the tile's valid-part
    // frame); parser repairs and drops are appended to issues.
    static std::vector<BoxResult> boxesFromAnswer(const Tile &tile, const std::string &answer,
                                                  const std::string &defaultLabel, std::vector<std::string> &issues);
    // Keeps, label by label, the most central of boxes overlapping above iou; order preserved.
    static std::vector<BoxResult> mergeDuplicates(std::vector<BoxResult> boxes, double iou);

private:
    BoxAnalysisResult runCaption();

    std::shared_ptr<const RasterDataset> raster_;
    GeoChatModel &model_;
    DisplaySettings display_;
    BoxAnalysisOptions options_;
};

} // namespace geolens
