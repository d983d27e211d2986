#pragma once

#include "analysis/BoxAnalysisJob.h"
#include "geometry/PixelRect.h"
#include "geometry/TileFrame.h"
#include "geometry/TileGrid.h"
#include "model/GeoChatModel.h"
#include "model/ImagePreprocessor.h"
#include "raster/DisplaySettings.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace geolens {

class RasterDataset;

// What a chat question shows the model: the picture and where it lies on the raster, so that the
// boxes of the answer (on the picture's 0-100 grid) can be placed in raster pixels.
struct ChatPicture {
    RgbImage image;
    TileFrame frame;
    // The raster pixels the picture shows; the rest of the frame's square is padding.
    PixelRect shown;
};

// A conversation with the model about one subject, a tile of the grid or the current view: the
// turns so far, the request for the next question (trimmed to the model's context) and the boxes
// an answer draws. No Qt, no model inside; the caller runs the generation.
class ChatSession {
public:
    static constexpr int ViewSubject = -1;

    // The largest side a picture is read at: the model sees 504 px anyway.
    static constexpr int MaxPictureSide = 1008;
    // Room kept for the answer when the history is trimmed, and the most an answer may take.
    static constexpr int MinAnswerTokens = 64;
    static constexpr int MaxAnswerTokens = 512;

    // Tokens a request's prompt takes in the model's context, the image's tokens included.
    using PromptLength = std::function<int(const GenerationRequest &request)>;

    // A tile id, or ViewSubject. A subject other than the current one starts a new conversation;
    // returns whether it did.
    bool setSubject(int subject);
    std::optional<int> subject() const { return subject_; }
    const std::vector<ChatTurn> &history() const { return history_; }
    std::size_t turns() const { return history_.size(); }
    // Forgets the turns and the subject.
    void clear();

    // The request for the next question. A long conversation forgets its oldest turns (here too,
    // not only in the request) until the prompt leaves MinAnswerTokens of contextTokens free, and
    // the answer gets what is then left, at most MaxAnswerTokens and at least one token.
    GenerationRequest nextRequest(const std::string &question, int contextTokens, const PromptLength &promptLength);
    // The same with the model's own context size and tokenizer.
    GenerationRequest nextRequest(const std::string &question, const GeoChatModel &model);

    // Records an answered question.
    void addTurn(const std::string &question, const std::string &answer);

    // The boxes an answer names, placed through the picture's frame, as results of the current
    // subject (tile -1 for the view); a box without a phrase is labelled "chat". Boxes are kept to
    // the raster pixels the picture shows, as the box parser keeps them to the grid: one that lies
    // wholly in the padding is dropped, one that reaches into it is clipped (its unturned corners
    // clamped, then a turned box shrunk about its centre until its corners are in); each gets a
    // sentence in issues.
    std::vector<BoxResult> answerBoxes(const std::string &question, const std::string &answer, const TileFrame &frame,
                                       const PixelRect &shown, std::vector<std::string> &issues) const;

    // The picture of a tile: its valid part, framed as the analysis jobs frame it.
    static ChatPicture tilePicture(const RasterDataset &raster, const DisplaySettings &display, const Tile &tile);
    // The picture of a window of the raster (the view), centred in a square frame.
    static ChatPicture viewPicture(const RasterDataset &raster, const DisplaySettings &display, const PixelRect &window);

private:
    std::vector<ChatTurn> history_;
    std::optional<int> subject_;
};

} // namespace geolens
