#pragma once

#include "geometry/RotatedBox.h"

#include <cstddef>
#include <string>
#include <vector>

namespace geolens {

// GeoChat's box grammar, as it writes boxes in grounding and referring answers and reads them in
// [identify] prompts:
//
//     <p>object</p> {<x1><y1><x2><y2>|<θ>}{<x1><y1><x2><y2>|<θ>} ...
//
// Coordinates are on a 0-100 grid spanning the square image the model was given (padding included),
// x to the right and y down; θ is in degrees, positive counter-clockwise on screen (see RotatedBox).
// The `|<θ>` part may be missing (the box is upright), and several boxes of one phrase follow each
// other without a separator.

// A phrase the answer marked with <p>...</p>, kept as plain words in BoxParseResult::text.
struct PhraseSpan {
    std::string text;          // trimmed
    std::size_t textOffset = 0; // where it starts in BoxParseResult::text (text.size() bytes long)
};

// One well-formed box of the answer.
struct ParsedBox {
    std::string label;     // the phrase just before the box, trimmed; empty when none
    int phraseIndex = -1;  // into BoxParseResult::phrases; -1 when the box has no phrase
    double x1 = 0.0;       // grid corners: 0 <= x1 <= x2 <= 100 and 0 <= y1 <= y2 <= 100
    double y1 = 0.0;
    double x2 = 0.0;
    double y2 = 0.0;
    double angleDegrees = 0.0; // in (-180, 180]; 0 when the box has no `|<θ>` part
    bool hasAngle = false;     // whether the answer wrote `|<θ>`
    std::size_t answerOffset = 0; // where the box's markup starts in the answer (bytes)

    RotatedBox gridBox() const { return RotatedBox::fromCorners(x1, y1, x2, y2, angleDegrees); }
};

enum class BoxIssueKind {
    Truncated,       // the answer ends inside the box: dropped
    Malformed,       // not `{<x1><y1><x2><y2>}` with an optional `|<θ>`: dropped
    NonNumeric,      // a field is not a number: dropped
    OutOfRange,      // dropped when the box lies wholly outside 0..100, else clamped to it and kept
    ReversedCorners, // x2 < x1 or y2 < y1: the corners were swapped and the box kept
    UnclosedPhrase,  // <p> without </p> before the next box, phrase, line or the end: kept as is
};

// Something in the answer that was dropped or changed to make sense of it.
struct BoxParseIssue {
    BoxIssueKind kind = BoxIssueKind::Malformed;
    bool dropped = false;       // the markup gave no box
    std::size_t answerOffset = 0; // where the markup concerned starts in the answer (bytes)
    std::string markup;         // that markup as written, shortened when long
    std::string message;        // a sentence saying what was wrong and what was done
};

struct BoxParseResult {
    std::vector<ParsedBox> boxes;       // in the order of the answer
    std::vector<PhraseSpan> phrases;    // every <p>...</p>, with or without boxes
    std::string text;                   // the answer without box markup, phrases as plain words
    std::vector<BoxParseIssue> issues;  // in the order of the answer
};

// Reads the boxes of a model answer (or of an [identify] prompt). It keeps every well-formed box,
// clamps coordinates to 0..100, swaps reversed corners, brings angles into (-180, 180], allows
// spaces inside fields (`< 12 >`) and between them, ignores stray `<` and `>` between fields and
// `<delim>` separators, and reports each of these repairs and each box it drops. A `{` that is not
// followed by `<` is ordinary text; `<` and `>` outside boxes and phrase tags are ordinary text too.
//
// Labels: a box takes the phrase that precedes it when nothing but white space, other boxes and
// separators lie between them; otherwise its label is empty.
//
// Text: box markup and the white space just before it are removed (a space is put back where two
// words would otherwise run together), <p> and </p> are removed with the phrase kept as its trimmed
// words, and the result is trimmed.
//
// It never throws and accepts any bytes; should memory run out the result is empty.
BoxParseResult parseBoxes(const std::string &answer) noexcept;

// The grammar of one box for an [identify] prompt: `{<x1><y1><x2><y2>|<θ>}` with every value
// rounded to the nearest integer, coordinates clamped to 0..100 and put in increasing order, and the
// angle normalised to (-180, 180]. The angle part is always written, `|<0>` for an upright box, as
// GeoChat's instruction data writes its [identify] questions (`[identify] {<51><23><63><35>|<15>}`);
// only its demo leaves the angle out of regions drawn by hand.
std::string formatBox(double x1, double y1, double x2, double y2, double angleDegrees = 0.0);

// The same for a box on the grid: its unturned corners (centre -/+ half the size) and its angle.
std::string formatBox(const RotatedBox &gridBox);

} // namespace geolens
