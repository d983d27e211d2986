#include "evaluation/CaptionTokens.h"

#include <cstddef>
#include <cstdint>

namespace geolens {

namespace {

// The length of the Python whitespace character that starts at text[i], or 0 when none does.
std::size_t whitespaceLength(const std::string &text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
    const std::uint8_t b0 = byte(i);
    if (b0 == ' ' || (b0 >= 0x09 && b0 <= 0x0d) || (b0 >= 0x1c && b0 <= 0x1f))
        return 1;
    if (b0 == 0xc2 && i + 1 < text.size())
        return (byte(i + 1) == 0x85 || byte(i + 1) == 0xa0) ? 2 : 0;
    if (b0 == 0xe1 && i + 2 < text.size())
        return (byte(i + 1) == 0x9a && byte(i + 2) == 0x80) ? 3 : 0; // U+1680
    if (b0 == 0xe2 && i + 2 < text.size()) {
        const std::uint8_t b1 = byte(i + 1), b2 = byte(i + 2);
        if (b1 == 0x80 && ((b2 >= 0x80 && b2 <= 0x8a) || b2 == 0xa8 || b2 == 0xa9 || b2 == 0xaf))
            return 3; // U+2000-U+200A, U+2028, U+2029, U+202F
        if (b1 == 0x81 && b2 == 0x9f)
            return 3; // U+205F
        return 0;
    }
    if (b0 == 0xe3 && i + 2 < text.size())
        return (byte(i + 1) == 0x80 && byte(i + 2) == 0x80) ? 3 : 0; // U+3000
    return 0;
}

bool isAsciiAlphanumeric(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

} // namespace

std::vector<std::string> splitOnWhitespace(const std::string &text)
{
    std::vector<std::string> words;
    std::string word;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t blank = whitespaceLength(text, i);
        if (blank > 0) {
            if (!word.empty())
                words.push_back(std::move(word));
            word.clear();
            i += blank;
        } else {
            word += text[i];
            ++i;
        }
    }
    if (!word.empty())
        words.push_back(std::move(word));
    return words;
}

std::string asciiLowerCase(const std::string &text)
{
    std::string lower = text;
    for (char &c : lower) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return lower;
}

std::vector<std::string> captionTokens(const std::string &text)
{
    std::vector<std::string> tokens;
    std::string token;
    for (const char c : asciiLowerCase(text)) {
        if (isAsciiAlphanumeric(c) || static_cast<std::uint8_t>(c) >= 0x80) {
            token += c;
        } else if (!token.empty()) {
            tokens.push_back(std::move(token));
            token.clear();
        }
    }
    if (!token.empty())
        tokens.push_back(std::move(token));
    return tokens;
}

} // namespace geolens
