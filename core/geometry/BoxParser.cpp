#include "geometry/BoxParser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

namespace geolens {

namespace {

constexpr double GridMax = 100.0;
// A `<...>` longer than this is not a box field but text that happens to sit in angle brackets.
constexpr std::size_t MaxFieldLength = 32;
// How far past a malformed spot the parser looks for the `}` that closes the box.
constexpr std::size_t RecoveryLookahead = 80;
// Issues quote at most this much of the markup.
constexpr std::size_t MaxQuotedMarkup = 80;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool isInlineSpace(char c)
{
    return c == ' ' || c == '\t';
}

bool isWordChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

bool isNumberChar(char c)
{
    return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Whether `tag` (lower case) is written at pos, in any case.
bool tagAt(std::string_view s, std::size_t pos, std::string_view tag)
{
    if (pos > s.size() || s.size() - pos < tag.size())
        return false;
    for (std::size_t i = 0; i < tag.size(); ++i)
        if (lower(s[pos + i]) != tag[i])
            return false;
    return true;
}

std::string_view trimmed(std::string_view s)
{
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && isSpace(s[b]))
        ++b;
    while (e > b && isSpace(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

enum class NumberStatus { Ok, NotANumber, TooLarge };

// A decimal number: optional sign, digits, optional fraction. No exponents, no locale.
NumberStatus parseNumber(std::string_view field, double &value)
{
    std::string_view s = trimmed(field);
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    std::size_t digits = 0;
    std::size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        ++i;
        ++digits;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            ++i;
            ++digits;
        }
    }
    if (digits == 0 || i != s.size())
        return NumberStatus::NotANumber;
    double magnitude = 0.0;
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), magnitude,
                                              std::chars_format::fixed);
    if (error == std::errc::result_out_of_range || !std::isfinite(magnitude))
        return NumberStatus::TooLarge;
    if (error != std::errc() || end != s.data() + s.size())
        return NumberStatus::NotANumber;
    value = negative ? -magnitude : magnitude;
    return NumberStatus::Ok;
}

std::string formatNumber(double v)
{
    // The shortest text that reads back as the same number: 120, not 120.000000.
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return error == std::errc() ? std::string(buffer, end) : std::string("?");
}

class AnswerParser {
public:
    explicit AnswerParser(std::string_view answer) : in_(answer) {}

    BoxParseResult run()
    {
        while (pos_ < in_.size()) {
            if (tagAt(in_, pos_, "<p>")) {
                readPhrase();
            } else if (tagAt(in_, pos_, "</p>")) {
                pos_ += 4; // a close without an open: markup all the same
            } else if (tagAt(in_, pos_, "<delim>")) {
                removeMarkup();
                pos_ += 7;
            } else if (in_[pos_] == '{' && boxStartsAt(pos_)) {
                readBox();
            } else {
                appendText(in_.substr(pos_, 1));
                if (!isSpace(in_[pos_]))
                    phraseAdjacent_ = false;
                ++pos_;
            }
        }
        trimText();
        return std::move(result_);
    }

private:
    // '{', optional spaces, then '<' that is not a phrase tag: GeoChat means a box. A '{' at the
    // very end is taken for a box the answer was cut off in.
    bool boxStartsAt(std::size_t p) const
    {
        ++p;
        while (p < in_.size() && isInlineSpace(in_[p]))
            ++p;
        if (p >= in_.size())
            return true;
        return in_[p] == '<' && !tagAt(in_, p, "<p>") && !tagAt(in_, p, "</p>") &&
               !tagAt(in_, p, "<delim>");
    }

    // Appends plain text, putting back a space where removed markup had separated two words.
    void appendText(std::string_view piece)
    {
        if (piece.empty())
            return;
        std::string &text = result_.text;
        if (seamPending_ && !text.empty() && isWordChar(text.back()) && isWordChar(piece.front()))
            text.push_back(' ');
        seamPending_ = false;
        text.append(piece);
    }

    // Markup disappears together with the spaces before it, so "a ship {...} docked" reads
    // "a ship docked" and "ships {...}." reads "ships.".
    void removeMarkup()
    {
        std::string &text = result_.text;
        std::size_t keep = text.size();
        const std::size_t protectedEnd = result_.phrases.empty()
                                             ? 0
                                             : result_.phrases.back().textOffset +
                                                   result_.phrases.back().text.size();
        while (keep > protectedEnd && isInlineSpace(text[keep - 1]))
            --keep;
        text.resize(keep);
        seamPending_ = true;
    }

    void readPhrase()
    {
        const std::size_t start = pos_;
        std::size_t p = pos_ + 3;
        bool closed = false;
        std::size_t end = p;
        while (end < in_.size()) {
            if (tagAt(in_, end, "</p>")) {
                closed = true;
                break;
            }
            if (in_[end] == '\n' || tagAt(in_, end, "<p>") || (in_[end] == '{' && boxStartsAt(end)))
                break;
            ++end;
        }
        const std::string_view words = trimmed(in_.substr(p, end - p));
        // Keep the text's own spacing: "of <p> plane </p>" reads "of plane".
        appendText(words);
        PhraseSpan span;
        span.text = std::string(words);
        span.textOffset = result_.text.size() - words.size();
        result_.phrases.push_back(std::move(span));
        phraseIndex_ = static_cast<int>(result_.phrases.size()) - 1;
        phraseAdjacent_ = true;
        pos_ = closed ? end + 4 : end;
        if (!closed)
            addIssue(BoxIssueKind::UnclosedPhrase, false, start, end,
                     "The phrase has no </p>; it ends where the next box, phrase or line begins.");
    }

    void readBox()
    {
        const std::size_t start = pos_;
        std::vector<std::string_view> coordinates; // field contents, between '<' and '>'
        std::vector<std::string_view> angles;
        bool bar = false;
        std::size_t p = pos_ + 1;
        std::size_t end = 0;
        enum class Outcome { Closed, Truncated, Malformed } outcome = Outcome::Closed;
        std::string problem;
        std::size_t failAt = 0;

        for (;;) {
            while (p < in_.size() && isInlineSpace(in_[p]))
                ++p;
            if (p >= in_.size()) {
                outcome = Outcome::Truncated;
                break;
            }
            const char c = in_[p];
            if (c == '}') {
                end = p + 1;
                break;
            }
            if (c == '>') { // stray
                ++p;
                continue;
            }
            if (c == '|') {
                if (bar) {
                    outcome = Outcome::Malformed;
                    problem = "it has a second '|'";
                    failAt = p;
                    break;
                }
                bar = true;
                ++p;
                continue;
            }
            if (c != '<') {
                outcome = Outcome::Malformed;
                if (c == '\n' || c == '\r')
                    problem = "it breaks across lines";
                else if (c > ' ' && c < 0x7f)
                    problem = std::string("'") + c + "' is not part of a box";
                else
                    problem = "an unexpected character";
                failAt = p;
                break;
            }
            std::size_t q = p + 1;
            while (q < in_.size() && in_[q] == '<') // "<<12>": the extra '<' is stray
                ++q;
            std::size_t r = q;
            while (r < in_.size() && r - q <= MaxFieldLength && in_[r] != '>' && in_[r] != '<' &&
                   in_[r] != '{' && in_[r] != '}' && in_[r] != '|' && in_[r] != '\n')
                ++r;
            if (r < in_.size() && in_[r] == '>' && r - q <= MaxFieldLength) {
                (bar ? angles : coordinates).push_back(in_.substr(q, r - q));
                p = r + 1;
                continue;
            }
            // The field does not close. When what it holds so far could still become a number the
            // answer was cut off; otherwise the box is malformed from there on.
            std::size_t numberEnd = q;
            while (numberEnd < in_.size() && (isNumberChar(in_[numberEnd]) || isInlineSpace(in_[numberEnd])))
                ++numberEnd;
            if (numberEnd >= in_.size()) {
                outcome = Outcome::Truncated;
                break;
            }
            outcome = Outcome::Malformed;
            problem = "a field has no closing '>'";
            failAt = numberEnd;
            break;
        }

        if (outcome == Outcome::Truncated) {
            end = in_.size();
            dropBox(BoxIssueKind::Truncated, start, end, "The answer ends inside a box; it was dropped.");
            return;
        }
        if (outcome == Outcome::Malformed) {
            end = recoveryEnd(failAt);
            dropBox(BoxIssueKind::Malformed, start, end,
                    "The box is malformed (" + problem + "); it was dropped.");
            return;
        }

        if (coordinates.size() != 4 || (bar && angles.size() != 1)) {
            std::string what = "it has " + std::to_string(coordinates.size()) + " coordinates";
            if (bar)
                what += " and " + std::to_string(angles.size()) + " angles";
            dropBox(BoxIssueKind::Malformed, start, end,
                    "The box is malformed (" + what +
                        " where 4 and an optional angle belong); it was dropped.");
            return;
        }
        double v[5] = {0.0, 0.0, 0.0, 0.0, 0.0};
        for (std::size_t i = 0; i < 5; ++i) {
            if (i == 4 && !bar)
                break;
            const std::string_view field = i < 4 ? coordinates[i] : angles[0];
            const NumberStatus status = parseNumber(field, v[i]);
            if (status == NumberStatus::NotANumber) {
                dropBox(BoxIssueKind::NonNumeric, start, end,
                        "The box has a field that is not a number (<" + std::string(field) +
                            ">); it was dropped.");
                return;
            }
            if (status == NumberStatus::TooLarge) {
                dropBox(BoxIssueKind::OutOfRange, start, end,
                        "The box has a number too large to use; it was dropped.");
                return;
            }
        }
        finishBox(start, end, v, bar);
    }

    // Where malformed markup ends: at the box's '}' when one follows closely on the same line,
    // otherwise where it went wrong, so the words after it stay in the text.
    std::size_t recoveryEnd(std::size_t failAt) const
    {
        const std::size_t limit = std::min(in_.size(), failAt + RecoveryLookahead);
        for (std::size_t p = failAt; p < limit; ++p) {
            const char c = in_[p];
            if (c == '}')
                return p + 1;
            if (c == '{' || c == '\n' || tagAt(in_, p, "<p>") || tagAt(in_, p, "</p>"))
                break;
        }
        return std::max(failAt, pos_ + 1);
    }

    void finishBox(std::size_t start, std::size_t end, const double v[5], bool hasAngle)
    {
        double x1 = std::min(v[0], v[2]);
        double y1 = std::min(v[1], v[3]);
        double x2 = std::max(v[0], v[2]);
        double y2 = std::max(v[1], v[3]);
        if (x2 < 0.0 || y2 < 0.0 || x1 > GridMax || y1 > GridMax) {
            dropBox(BoxIssueKind::OutOfRange, start, end,
                    "The box lies outside the 0-100 grid; it was dropped.");
            return;
        }
        if (v[2] < v[0] || v[3] < v[1])
            addIssue(BoxIssueKind::ReversedCorners, false, start, end,
                     "The box gives its corners in reverse order; they were swapped.");
        const auto clampToGrid = [](double c) { return std::clamp(c, 0.0, GridMax); };
        if (clampToGrid(x1) != x1 || clampToGrid(y1) != y1 || clampToGrid(x2) != x2 ||
            clampToGrid(y2) != y2) {
            addIssue(BoxIssueKind::OutOfRange, false, start, end,
                     "The box reaches outside the 0-100 grid (" + formatNumber(x1) + ", " + formatNumber(y1) +
                         ", " + formatNumber(x2) + ", " + formatNumber(y2) + "); it was clamped to it.");
            x1 = clampToGrid(x1);
            y1 = clampToGrid(y1);
            x2 = clampToGrid(x2);
            y2 = clampToGrid(y2);
        }
        ParsedBox box;
        if (phraseAdjacent_ && phraseIndex_ >= 0) {
            box.phraseIndex = phraseIndex_;
            box.label = result_.phrases[static_cast<std::size_t>(phraseIndex_)].text;
        }
        box.x1 = x1;
        box.y1 = y1;
        box.x2 = x2;
        box.y2 = y2;
        box.hasAngle = hasAngle;
        box.angleDegrees = hasAngle ? normaliseAngleDegrees(v[4]) : 0.0;
        box.answerOffset = start;
        result_.boxes.push_back(std::move(box));
        removeMarkup();
        pos_ = end;
    }

    void dropBox(BoxIssueKind kind, std::size_t start, std::size_t end, const std::string &message)
    {
        addIssue(kind, true, start, end, message);
        removeMarkup();
        pos_ = std::max(end, start + 1);
    }

    void addIssue(BoxIssueKind kind, bool dropped, std::size_t start, std::size_t end,
                  const std::string &message)
    {
        BoxParseIssue issue;
        issue.kind = kind;
        issue.dropped = dropped;
        issue.answerOffset = start;
        const std::size_t length = end > start ? end - start : 0;
        std::size_t quoted = std::min(length, MaxQuotedMarkup);
        if (quoted < length) // do not cut a UTF-8 sequence
            while (quoted > 0 && (static_cast<unsigned char>(in_[start + quoted]) & 0xC0) == 0x80)
                --quoted;
        issue.markup = std::string(in_.substr(start, quoted));
        if (quoted < length)
            issue.markup += "...";
        issue.message = message;
        result_.issues.push_back(std::move(issue));
    }

    void trimText()
    {
        std::string &text = result_.text;
        std::size_t begin = 0;
        while (begin < text.size() && isSpace(text[begin]))
            ++begin;
        std::size_t end = text.size();
        while (end > begin && isSpace(text[end - 1]))
            --end;
        text = text.substr(begin, end - begin);
        for (PhraseSpan &span : result_.phrases)
            span.textOffset = std::min(span.textOffset > begin ? span.textOffset - begin : 0, text.size());
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    BoxParseResult result_;
    int phraseIndex_ = -1;
    bool phraseAdjacent_ = false; // only white space, boxes and separators since the phrase ended
    bool seamPending_ = false;
};

int toGridInteger(double v)
{
    if (std::isnan(v))
        return 0;
    return static_cast<int>(std::lround(std::clamp(v, 0.0, GridMax)));
}

} // namespace

BoxParseResult parseBoxes(const std::string &answer) noexcept
{
    try {
        return AnswerParser(answer).run();
    } catch (...) {
        // Only memory exhaustion can get here.
        return BoxParseResult{};
    }
}

std::string formatBox(double x1, double y1, double x2, double y2, double angleDegrees)
{
    int a = toGridInteger(x1);
    int b = toGridInteger(y1);
    int c = toGridInteger(x2);
    int d = toGridInteger(y2);
    if (c < a)
        std::swap(a, c);
    if (d < b)
        std::swap(b, d);
    // Round, then normalise again: -179.6 rounds to -180, which is written 180.
    const long angle = std::lround(normaliseAngleDegrees(std::round(normaliseAngleDegrees(angleDegrees))));
    return "{<" + std::to_string(a) + "><" + std::to_string(b) + "><" + std::to_string(c) + "><" +
           std::to_string(d) + ">|<" + std::to_string(angle) + ">}";
}

std::string formatBox(const RotatedBox &gridBox)
{
    const double hw = std::abs(gridBox.width) / 2.0;
    const double hh = std::abs(gridBox.height) / 2.0;
    return formatBox(gridBox.cx - hw, gridBox.cy - hh, gridBox.cx + hw, gridBox.cy + hh,
                     gridBox.angleDegrees);
}

} // namespace geolens
