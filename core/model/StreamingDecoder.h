#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace geolens {

class Tokenizer;

// Turns generated token ids into text while they arrive, for answers that appear word by word.
// Each push() returns only text that no later token can change: a character that byte-fallback
// pieces deliver over several steps (an emoji, a Chinese character missing from the vocabulary)
// is held back until its last byte arrives. The pieces returned by push() and finish(), joined,
// are exactly Tokenizer::decode() of all the ids.
//
// Work per token stays small however long the answer grows: only the ids since the last complete
// word piece are decoded again.
class StreamingDecoder {
public:
    // The tokenizer must outlive the decoder.
    explicit StreamingDecoder(const Tokenizer &tokenizer);

    // Adds the next generated id; returns the text it completes, often empty. Ids that decode()
    // skips (BOS, EOS, unk, the image placeholder) add nothing. Throws InvalidArgument for an id
    // outside the vocabulary.
    std::string push(int id);

    // Returns whatever is still held back (an unfinished character comes out as U+FFFD, as
    // decode() gives it) and starts over, ready for the next answer.
    std::string finish();

private:
    std::string takeText(bool final);
    // How many ids at the end of window_ are byte pieces of a UTF-8 character still incomplete.
    std::size_t unfinishedCharacterIds() const;
    // True for an id whose text is never empty and never affects the text of the ids after it,
    // so decoding may restart there.
    bool isRestartPoint(int id) const;

    const Tokenizer &tokenizer_;
    std::vector<int> window_; // the ids since the last restart point, that one included
    std::size_t returnedBytes_ = 0; // bytes of decode(window_) already returned
};

} // namespace geolens
