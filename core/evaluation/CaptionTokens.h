#pragma once

#include <string>
#include <vector>

// Word splitting shared by the caption metrics. The reference implementations are Python, so the
// rules here are Python's where a metric inherits them from its reference, and GeoLens's own
// (captionTokens) where the reference expects text that is already tokenised.

namespace geolens {

// Python's str.split() without arguments: runs of Unicode whitespace (ASCII blanks, \x1c-\x1f,
// U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) separate words;
// leading and trailing whitespace gives no empty words. Text is UTF-8; a byte that is not valid
// UTF-8 counts as part of a word.
std::vector<std::string> splitOnWhitespace(const std::string &text);

// ASCII letters lower-cased, every other byte kept. Python's str.lower() also lower-cases
// non-ASCII letters; captions the metrics see are English, and a Unicode case table would be the
// only reason for this library to depend on ICU.
std::string asciiLowerCase(const std::string &text);

// GeoLens's caption tokenisation for CIDEr-D (whose reference expects pre-tokenised text): ASCII
// letters lower-cased; a word is a run of ASCII letters and digits and bytes of non-ASCII
// characters (so accented words stay whole); every other ASCII character separates words and is
// dropped. "A Plane's 3.5-km run!" gives a, plane, s, 3, 5, km, run.
std::vector<std::string> captionTokens(const std::string &text);

} // namespace geolens
