#include "analysis/ChatSession.h"

#include "analysis/TileImage.h"
#include "geometry/BoxParser.h"

#include <algorithm>
#include <cmath>

namespace geolens {

namespace {

// Reads a window at most ChatSession::MaxPictureSide pixels on its longer side.
RgbImage readShrunk(const RasterDataset &raster, const DisplaySettings &display, const PixelRect &window)
{
    const double shrink = std::min(1.0, double(ChatSession::MaxPictureSide) / std::max(window.width, window.height));
    const int w = std::max(1, int(std::lround(window.width * shrink)));
    const int h = std::max(1, int(std::lround(window.height * shrink)));
    return renderModelImage(raster, display, window, w, h);
}

} // namespace

bool ChatSession::setSubject(int subject)
{
    if (subject_ && *subject_ == subject)
        return false;
    history_.clear();
    subject_ = subject;
    return true;
}

void ChatSession::clear()
{
    history_.clear();
    subject_.reset();
}

GenerationRequest ChatSession::nextRequest(const std::string &question, int contextTokens,
                                           const PromptLength &promptLength)
{
    GenerationRequest request;
    request.question = question;
    request.history = history_;
    while (!request.history.empty() && promptLength(request) + MinAnswerTokens > contextTokens)
        request.history.erase(request.history.begin());
    history_ = request.history;
    request.maxNewTokens = std::max(1, std::min(MaxAnswerTokens, contextTokens - promptLength(request) - 1));
    return request;
}

GenerationRequest ChatSession::nextRequest(const std::string &question, const GeoChatModel &model)
{
    const ModelConfig &config = model.config();
    // promptTokens marks the image with one id; the image takes imageTokens() in the context.
    return nextRequest(question, config.text.maxPositions, [&](const GenerationRequest &request) {
        return static_cast<int>(model.promptTokens(request).size()) - 1 + config.imageTokens();
    });
}

void ChatSession::addTurn(const std::string &question, const std::string &answer)
{
    history_.push_back({question, answer});
}

std::vector<BoxResult> ChatSession::answerBoxes(const std::string &question, const std::string &answer,
                                                const TileFrame &frame) const
{
    std::vector<BoxResult> boxes;
    for (const ParsedBox &b : parseBoxes(answer).boxes) {
        BoxResult r;
        r.tileId = subject_.value_or(ViewSubject);
        r.label = b.label.empty() ? std::string("chat") : b.label;
        r.pixelBox = frame.gridToPixel(b.gridBox());
        r.prompt = question;
        r.answer = answer;
        boxes.push_back(std::move(r));
    }
    return boxes;
}

ChatPicture ChatSession::tilePicture(const RasterDataset &raster, const DisplaySettings &display, const Tile &tile)
{
    return {readShrunk(raster, display, tile.validRect()), TileFrame::validPart(tile)};
}

ChatPicture ChatSession::viewPicture(const RasterDataset &raster, const DisplaySettings &display, const PixelRect &window)
{
    const int side = std::max(window.width, window.height);
    const TileFrame frame(window.x - (side - window.width) / 2, window.y - (side - window.height) / 2, side);
    return {readShrunk(raster, display, window), frame};
}

} // namespace geolens
