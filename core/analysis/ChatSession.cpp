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
                                                const TileFrame &frame, const PixelRect &shown,
                                                std::vector<std::string> &issues) const
{
    // The shown pixels on the picture's grid: a view narrower than it is tall (or a tile cut by
    // the raster's edge) is padded to a square, and the model may draw in the padding.
    const Point2 topLeft = frame.pixelToGrid(Point2{double(shown.x), double(shown.y)});
    const Point2 bottomRight = frame.pixelToGrid(Point2{double(shown.right()), double(shown.bottom())});
    std::vector<BoxResult> boxes;
    for (ParsedBox b : parseBoxes(answer).boxes) {
        const std::string markup = formatBox(b.x1, b.y1, b.x2, b.y2, b.angleDegrees);
        if (b.x2 <= topLeft.x || b.x1 >= bottomRight.x || b.y2 <= topLeft.y || b.y1 >= bottomRight.y) {
            issues.push_back("The box " + markup + " lies outside the raster; it was dropped.");
            continue;
        }
        bool clipped = false;
        if (b.x1 < topLeft.x || b.x2 > bottomRight.x || b.y1 < topLeft.y || b.y2 > bottomRight.y) {
            clipped = true;
            b.x1 = std::max(b.x1, topLeft.x);
            b.x2 = std::min(b.x2, bottomRight.x);
            b.y1 = std::max(b.y1, topLeft.y);
            b.y2 = std::min(b.y2, bottomRight.y);
        }
        BoxResult r;
        r.tileId = subject_.value_or(ViewSubject);
        r.label = b.label.empty() ? std::string("chat") : b.label;
        r.pixelBox = frame.gridToPixel(b.gridBox());
        // A turned box can still reach out with its corners: it shrinks about its centre (inside
        // the shown pixels by now) until they are all in, keeping its angle and proportions.
        const double slack = 1e-9 * std::max(1.0, frame.side());
        double scale = 1.0;
        for (const Point2 &corner : r.pixelBox.corners()) {
            const double dx = corner.x - r.pixelBox.cx;
            const double dy = corner.y - r.pixelBox.cy;
            if (corner.x > shown.right() + slack)
                scale = std::min(scale, (shown.right() - r.pixelBox.cx) / dx);
            if (corner.x < shown.x - slack)
                scale = std::min(scale, (shown.x - r.pixelBox.cx) / dx);
            if (corner.y > shown.bottom() + slack)
                scale = std::min(scale, (shown.bottom() - r.pixelBox.cy) / dy);
            if (corner.y < shown.y - slack)
                scale = std::min(scale, (shown.y - r.pixelBox.cy) / dy);
        }
        if (scale < 1.0) {
            clipped = true;
            r.pixelBox.width *= std::max(scale, 0.0);
            r.pixelBox.height *= std::max(scale, 0.0);
        }
        if (clipped)
            issues.push_back("The box " + markup + " reaches outside the raster; it was clipped to its edge.");
        r.prompt = question;
        r.answer = answer;
        boxes.push_back(std::move(r));
    }
    return boxes;
}

ChatPicture ChatSession::tilePicture(const RasterDataset &raster, const DisplaySettings &display, const Tile &tile)
{
    return {readShrunk(raster, display, tile.validRect()), TileFrame::validPart(tile), tile.validRect()};
}

ChatPicture ChatSession::viewPicture(const RasterDataset &raster, const DisplaySettings &display, const PixelRect &window)
{
    const int side = std::max(window.width, window.height);
    const TileFrame frame(window.x - (side - window.width) / 2, window.y - (side - window.height) / 2, side);
    return {readShrunk(raster, display, window), frame, window};
}

} // namespace geolens
