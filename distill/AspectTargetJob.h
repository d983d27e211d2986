#pragma once

#include "common/JobProgress.h"
#include "distill/AspectTargetTable.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace geolens {

class ShardExchange;

// One tile of a raster, or one image of a folder, as the teacher pass reads it.
struct TileSample {
    std::optional<RgbImage> image; // nothing: the tile holds no data and is skipped
    std::string truth;             // the class its folder names; empty when unknown
    int tileId = -1;
    std::vector<std::pair<double, double>> footprint;
};

// Where the tiles come from: a raster's tile grid (core/analysis) or a folder of images. Each
// sample has a stable id, so that a resumed pass knows what it has done without reading it.
class TileSampleSource {
public:
    virtual ~TileSampleSource() = default;
    virtual std::size_t size() const = 0;
    virtual std::string id(std::size_t index) const = 0;
    // Throws FileError naming the file when it cannot be read.
    virtual TileSample read(std::size_t index) const = 0;
};

// The teacher's answers about one image.
struct TeacherJudgement {
    std::vector<double> classProbabilities; // one per class, summing to 1
    std::vector<double> aspectProbabilities; // P(yes) per aspect
};

// Who answers: GeoChat (GeoChatAspectTeacher) or, in tests, a scripted teacher.
class AspectTeacher {
public:
    virtual ~AspectTeacher() = default;
    virtual TeacherJudgement judge(const RgbImage &image, const std::vector<std::string> &classes,
                                   const std::vector<AspectQuestion> &aspects) = 0;
};

struct AspectTargetSummary {
    std::size_t judged = 0;  // tiles the teacher answered in this run
    std::size_t resumed = 0; // tiles a run before had done
    std::size_t skipped = 0; // tiles without data
};

// The teacher pass: every tile of the source judged by the teacher and appended to the targets
// folder as soon as it is done. Canceling keeps what is done; running again with the same settings
// goes on from there. Shared by `geolens-cli aspects` and the GUI.
class AspectTargetJob {
public:
    AspectTargetJob(const TileSampleSource &source, AspectTeacher &teacher, std::string folder,
                    AspectTargetSettings settings);

    // Called with each target once it is in the file.
    void setOnTarget(std::function<void(const AspectTarget &)> onTarget) { onTarget_ = std::move(onTarget); }

    // Throws InvalidArgument for no classes or no aspects, for a truth class that is not among
    // the classes and for a teacher's answer of the wrong size; FileError for the folder
    // (AspectTargetTable::openForWriting); Canceled when canceled.
    AspectTargetSummary run(const JobProgress &progress);
    // The same with the tiles still to do shared among the ranks of a data-parallel run, each with
    // its own teacher (ShardedRounds). Rank 0 alone writes the folder: it gets every rank's
    // answers, reads those tiles again from the source for their images, and appends the targets
    // in the source's order, so the folder is the one a single process writes. The summary and
    // setOnTarget are rank 0's; a failure on any rank ends every rank.
    AspectTargetSummary run(const JobProgress &progress, ShardExchange &ranks);

private:
    const TileSampleSource &source_;
    AspectTeacher &teacher_;
    std::string folder_;
    AspectTargetSettings settings_;
    std::function<void(const AspectTarget &)> onTarget_;
};

} // namespace geolens
