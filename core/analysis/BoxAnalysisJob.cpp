#include "analysis/BoxAnalysisJob.h"

#include "analysis/TileImage.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "evaluation/CaptionTokens.h"
#include "evaluation/ShardExchange.h"
#include "evaluation/ShardedRounds.h"
#include "geometry/BoxParser.h"
#include "geometry/RotatedIou.h"
#include "geometry/TileFrame.h"
#include "model/GeoChatModel.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"

#include <algorithm>
#include <iterator>
#include <cmath>
#include <map>

namespace geolens {

namespace {

RgbImage renderRgb(const RasterDataset &raster, const DisplaySettings &display, const PixelRect &window)
{
    return renderModelImage(raster, display, window, window.width, window.height);
}

// 1 at the centre of the frame, falling towards 0 at its edge: of two copies of one object seen
// by overlapping tiles, the one further from a tile edge is the more complete.
double centrality(const TileFrame &frame, const RotatedBox &pixelBox)
{
    const double half = frame.side() / 2.0;
    const double dx = std::abs(pixelBox.cx - (frame.originX() + half)) / half;
    const double dy = std::abs(pixelBox.cy - (frame.originY() + half)) / half;
    return std::clamp(1.0 - std::max(dx, dy), 0.0, 1.0);
}

} // namespace

BoxAnalysisJob::BoxAnalysisJob(std::shared_ptr<const RasterDataset> raster, GeoChatModel &model, DisplaySettings display,
                               BoxAnalysisOptions options)
    : raster_(std::move(raster)), model_(model), display_(std::move(display)), options_(std::move(options))
{
}

std::string BoxAnalysisJob::referPrompt(const std::string &query)
{
    return "[refer] Give me the location of <p> " + query + " </p>";
}

std::string BoxAnalysisJob::groundingPrompt()
{
    return "[grounding] Describe the image in detail";
}

std::string BoxAnalysisJob::captionPrompt(const RotatedBox &gridBox)
{
    return "[identify] What is the object present at " + formatBox(gridBox);
}

BoxAnalysisResult BoxAnalysisJob::run(const JobProgress &progress)
{
    ShardExchange alone;
    return run(progress, alone);
}

BoxAnalysisResult BoxAnalysisJob::run(const JobProgress &progress, ShardExchange &ranks)
{
    if (options_.task == BoxAnalysisOptions::Task::Caption && !ranks.isRoot())
        return {};
    StretchEstimator::complete(*raster_, display_);
    if (options_.task == BoxAnalysisOptions::Task::Caption)
        return runCaption();
    if (options_.task == BoxAnalysisOptions::Task::Refer && options_.query.find_first_not_of(" \t") == std::string::npos)
        throw InvalidArgument("Finding objects needs a query, such as \"airplanes\".");

    const TileGrid grid(raster_->width(), raster_->height(), options_.tileSize, options_.overlap);
    std::vector<int> ids = options_.tileIds;
    if (ids.empty())
        for (int i = 0; i < grid.count(); ++i)
            ids.push_back(i);
    std::vector<Tile> tiles;
    for (int id : ids)
        tiles.push_back(grid.tile(id)); // validates

    GenerationRequest request;
    request.question = options_.task == BoxAnalysisOptions::Task::Refer ? referPrompt(options_.query) : groundingPrompt();
    request.maxNewTokens = options_.maxNewTokens;

    // The answers travel between ranks; boxes are read from them once they are all together.
    std::vector<std::string> answers(tiles.size());
    const auto total = static_cast<std::int64_t>(tiles.size());
    progress.report(0, total, "boxes");
    const auto answerTiles = [&](const std::vector<std::size_t> &items) {
        progress.throwIfCanceled();
        if (items.empty())
            return;
        std::vector<RgbImage> images;
        for (std::size_t i : items)
            images.push_back(renderRgb(*raster_, display_, tiles[i].validRect()));
        const std::vector<GenerationResult> results = model_.generateBatch(images, request);
        for (std::size_t k = 0; k < results.size() && k < items.size(); ++k)
            answers[items[k]] = results[k].text;
    };
    ShardedRounds rounds(ranks, tiles.size(), static_cast<std::size_t>(std::max(1, options_.batch)), "the tiles' answers");
    for (std::size_t round = 0; round < rounds.rounds(); ++round) {
        rounds.run(
            round, answerTiles, [&](std::size_t i) { return Json(answers[i]); },
            [&](std::size_t i, const Json &j) { answers[i] = j.get<std::string>(); });
        progress.report(static_cast<std::int64_t>(rounds.doneAfter(round)), total, "boxes");
    }
    if (!ranks.isRoot())
        return {};

    BoxAnalysisResult result;
    std::vector<BoxResult> candidates;
    const std::string defaultLabel = options_.task == BoxAnalysisOptions::Task::Refer ? options_.query : std::string();
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        std::vector<BoxResult> found = boxesFromAnswer(tiles[i], answers[i], defaultLabel, result.issues);
        if (found.empty() && answers[i].find_first_not_of(" \t\r\n") != std::string::npos)
            result.answersWithoutBoxes.push_back({tiles[i], request.question, answers[i]});
        for (BoxResult &r : found) {
            r.prompt = request.question;
            candidates.push_back(std::move(r));
        }
    }
    result.boxes = mergeDuplicates(std::move(candidates), options_.nmsIou);
    return result;
}

namespace {

// The object a box of a plain-sentence answer names when the model marked no <p>phrase</p>: the
// last few words before the box, back to the previous box or punctuation, without the words that
// lead into a name ("there is a plane {...}" names "plane"). Empty when there are none.
std::string nameBeforeBox(const std::string &answer, std::size_t offset)
{
    std::string before = answer.substr(0, std::min(offset, answer.size()));
    const std::size_t cut = before.find_last_of("}.,;:!?\n");
    if (cut != std::string::npos)
        before = before.substr(cut + 1);
    std::vector<std::string> words;
    std::string word;
    for (char c : before + " ") {
        if (c == ' ' || c == '\t' || c == '\r') {
            if (!word.empty())
                words.push_back(word);
            word.clear();
        } else {
            word += c;
        }
    }
    constexpr std::size_t MostWords = 3;
    if (words.size() > MostWords)
        words.erase(words.begin(), words.end() - static_cast<std::ptrdiff_t>(MostWords));
    static const char *const Leading[] = {"there", "is", "are", "a", "an", "the", "of", "at", "in", "on", "and", "with", "also", "here", "it"};
    const auto leading = [](const std::string &w) {
        return std::find(std::begin(Leading), std::end(Leading), asciiLowerCase(w)) != std::end(Leading);
    };
    while (!words.empty() && leading(words.front()))
        words.erase(words.begin());
    std::string name;
    for (const std::string &w : words)
        name += (name.empty() ? "" : " ") + w;
    return name;
}

} // namespace

std::vector<BoxResult> BoxAnalysisJob::boxesFromAnswer(const Tile &tile, const std::string &answer,
                                                       const std::string &defaultLabel, std::vector<std::string> &issues)
{
    const BoxParseResult parsed = parseBoxes(answer);
    for (const BoxParseIssue &issue : parsed.issues)
        issues.push_back("tile " + std::to_string(tile.id) + ": " + issue.message);
    const TileFrame frame = TileFrame::validPart(tile);
    std::vector<BoxResult> boxes;
    for (const ParsedBox &box : parsed.boxes) {
        BoxResult r;
        r.tileId = tile.id;
        r.label = !box.label.empty() ? box.label
                  : !defaultLabel.empty() ? defaultLabel
                                          : nameBeforeBox(answer, box.answerOffset);
        r.pixelBox = frame.gridToPixel(box.gridBox());
        r.score = centrality(frame, r.pixelBox);
        r.answer = answer;
        boxes.push_back(std::move(r));
    }
    return boxes;
}

std::vector<BoxResult> BoxAnalysisJob::mergeDuplicates(std::vector<BoxResult> candidates, double iou)
{
    // The same object seen from two overlapping tiles: suppress label by label.
    std::map<std::string, std::vector<std::size_t>> byLabel;
    for (std::size_t i = 0; i < candidates.size(); ++i)
        byLabel[candidates[i].label].push_back(i);
    std::vector<std::size_t> kept;
    for (const auto &[label, members] : byLabel) {
        std::vector<RotatedBox> boxes;
        std::vector<double> scores;
        for (std::size_t i : members) {
            boxes.push_back(candidates[i].pixelBox);
            scores.push_back(candidates[i].score);
        }
        for (std::size_t k : nonMaximumSuppression(boxes, scores, iou))
            kept.push_back(members[k]);
    }
    std::sort(kept.begin(), kept.end());
    std::vector<BoxResult> merged;
    for (std::size_t i : kept)
        merged.push_back(std::move(candidates[i]));
    return merged;
}

BoxAnalysisResult BoxAnalysisJob::runCaption()
{
    if (!options_.region)
        throw InvalidArgument("A region caption needs the region: a box in raster pixels.");
    const RotatedBox region = *options_.region;
    if (!(region.width > 0 && region.height > 0))
        throw InvalidArgument("The region to describe has no area.");
    {
        // A region wholly outside the raster would be described from nodata padding.
        double minX = region.cx, maxX = region.cx, minY = region.cy, maxY = region.cy;
        for (const Point2 &p : region.corners()) {
            minX = std::min(minX, p.x);
            maxX = std::max(maxX, p.x);
            minY = std::min(minY, p.y);
            maxY = std::max(maxY, p.y);
        }
        if (maxX <= 0 || maxY <= 0 || minX >= raster_->width() || minY >= raster_->height())
            throw InvalidArgument("The region to describe (" + std::to_string(static_cast<long>(minX)) + ", "
                                  + std::to_string(static_cast<long>(minY)) + ") - ("
                                  + std::to_string(static_cast<long>(maxX)) + ", "
                                  + std::to_string(static_cast<long>(maxY)) + ") lies outside the raster, which is "
                                  + std::to_string(raster_->width()) + " x " + std::to_string(raster_->height())
                                  + " pixels.");
    }
    const TileGrid grid(raster_->width(), raster_->height(), options_.tileSize, options_.overlap);
    // The tile that holds the region with the widest margin, else a square cut centred on it.
    std::optional<TileFrame> frame;
    PixelRect window;
    int tileId = -1;
    if (const auto id = bestTileFor(grid, region)) {
        const Tile tile = grid.tile(*id);
        frame = TileFrame::validPart(tile);
        window = tile.validRect();
        tileId = *id;
    } else {
        double extent = 0;
        for (const Point2 &p : region.corners())
            extent = std::max({extent, std::abs(p.x - region.cx), std::abs(p.y - region.cy)});
        const int side = static_cast<int>(std::ceil(std::max<double>(options_.tileSize, extent * 2.5)));
        const int x0 = static_cast<int>(std::floor(region.cx - side / 2.0));
        const int y0 = static_cast<int>(std::floor(region.cy - side / 2.0));
        frame = TileFrame(x0, y0, side);
        window = PixelRect{x0, y0, side, side};
    }
    GenerationRequest request;
    request.question = captionPrompt(frame->pixelToGrid(region));
    request.maxNewTokens = options_.maxNewTokens;
    const GenerationResult answer = model_.generate(renderRgb(*raster_, display_, window), request);
    BoxAnalysisResult result;
    BoxResult r;
    r.tileId = tileId;
    r.label = parseBoxes(answer.text).text;
    r.pixelBox = region;
    r.prompt = request.question;
    r.answer = answer.text;
    result.boxes.push_back(std::move(r));
    return result;
}

} // namespace geolens
