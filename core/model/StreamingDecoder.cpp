#include "model/StreamingDecoder.h"

#include "model/Tokenizer.h"

#include <cstdlib>

namespace geolens {

namespace {

// The word-boundary marker of SentencePiece (U+2581) alone: at the start of a text it decodes to
// nothing, and the piece after it may then lose its own leading space.
constexpr const char *BareSpacePiece = "\xE2\x96\x81";

// The byte carried by a byte-fallback piece "<0xNN>".
unsigned char byteOfPiece(const std::string &piece)
{
    return static_cast<unsigned char>(std::strtoul(piece.substr(3, 2).c_str(), nullptr, 16));
}

// Number of bytes a UTF-8 sequence starting with lead needs after it; 0 for ASCII or a byte that
// cannot start a sequence. Deliberately lenient (as lenient as SentencePiece's UTF-8 reader), so
// that no character SentencePiece would accept is ever emitted before it is complete.
int continuationBytesNeeded(unsigned char lead)
{
    if ((lead & 0xE0) == 0xC0)
        return 1;
    if ((lead & 0xF0) == 0xE0)
        return 2;
    if ((lead & 0xF8) == 0xF0)
        return 3;
    return 0;
}

bool isContinuationByte(unsigned char byte)
{
    return (byte & 0xC0) == 0x80;
}

} // namespace

StreamingDecoder::StreamingDecoder(const Tokenizer &tokenizer) : tokenizer_(tokenizer) {}

std::string StreamingDecoder::push(int id)
{
    if (tokenizer_.isSkippedInText(id))
        return {};
    tokenizer_.idToPiece(id); // throws InvalidArgument for an id outside the vocabulary
    window_.push_back(id);
    return takeText(false);
}

std::string StreamingDecoder::finish()
{
    std::string text = takeText(true);
    window_.clear();
    returnedBytes_ = 0;
    return text;
}

std::string StreamingDecoder::takeText(bool final)
{
    const std::size_t held = final ? 0 : unfinishedCharacterIds();
    const std::vector<int> ready(window_.begin(), window_.end() - static_cast<std::ptrdiff_t>(held));
    const std::string text = tokenizer_.decode(ready);
    std::string fresh;
    if (text.size() > returnedBytes_) {
        fresh = text.substr(returnedBytes_);
        returnedBytes_ = text.size();
    }
    // Everything is out and the last id is a clean restart point: later ids decode the same after
    // it alone as after the whole answer, so the window shrinks to it.
    if (held == 0 && !window_.empty() && isRestartPoint(window_.back())) {
        window_.erase(window_.begin(), window_.end() - 1);
        returnedBytes_ = tokenizer_.decode(window_).size();
    }
    return fresh;
}

std::size_t StreamingDecoder::unfinishedCharacterIds() const
{
    // SentencePiece joins a run of consecutive byte pieces into UTF-8; only the end of the last
    // run can still change.
    std::vector<unsigned char> run;
    for (auto it = window_.rbegin(); it != window_.rend() && tokenizer_.isBytePiece(*it); ++it)
        run.insert(run.begin(), byteOfPiece(tokenizer_.idToPiece(*it)));
    std::size_t lead = run.size();
    int continuations = 0;
    while (lead > 0 && continuations < 4 && isContinuationByte(run[lead - 1])) {
        --lead;
        ++continuations;
    }
    if (lead == 0)
        return 0; // no byte left that could start a character
    --lead;
    if (continuationBytesNeeded(run[lead]) > continuations)
        return run.size() - lead;
    return 0;
}

bool StreamingDecoder::isRestartPoint(int id) const
{
    return !tokenizer_.isBytePiece(id) && tokenizer_.idToPiece(id) != BareSpacePiece;
}

} // namespace geolens
