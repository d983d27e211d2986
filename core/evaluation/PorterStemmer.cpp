#include "evaluation/PorterStemmer.h"

#include "evaluation/CaptionTokens.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace geolens {

namespace {

// Python strings index code points, and the rules look at letters by position (y after a
// consonant, double consonants, consonant-vowel-consonant endings), so the stemmer works on
// UTF-32. Bytes that are not valid UTF-8 pass through as single units and come back unchanged.
std::u32string decodeUtf8(const std::string &text)
{
    std::u32string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b0 = static_cast<std::uint8_t>(text[i]);
        std::size_t length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 0;
        bool valid = length > 0 && i + length <= text.size();
        char32_t code = length == 1 ? b0 : length == 2 ? (b0 & 0x1f) : length == 3 ? (b0 & 0x0f) : (b0 & 0x07);
        for (std::size_t k = 1; valid && k < length; ++k) {
            const auto b = static_cast<std::uint8_t>(text[i + k]);
            valid = (b & 0xc0) == 0x80;
            code = (code << 6) | (b & 0x3f);
        }
        if (!valid) {
            // Private-use plane 16 keeps the raw byte recoverable by encodeUtf8.
            out += char32_t(0x10ff00 + b0);
            ++i;
            continue;
        }
        out += code;
        i += length;
    }
    return out;
}

std::string encodeUtf8(const std::u32string &text)
{
    std::string out;
    for (const char32_t c : text) {
        if (c >= 0x10ff00 && c <= 0x10ffff) {
            out += static_cast<char>(c - 0x10ff00);
        } else if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xc0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xe0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (c & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (c & 0x3f));
        }
    }
    return out;
}

using Word = std::u32string;
using Condition = std::function<bool(const Word &stem)>;

// A suffix rule: when the word ends with suffix, the rule decides (applies or leaves the word
// alone) and no later rule of the list is tried. The suffix "*d" stands for any double consonant.
struct SuffixRule {
    Word suffix;
    Word replacement;
    Condition condition; // empty: unconditional
};

const Word DoubleConsonant = U"*d";

bool endsWith(const Word &word, const Word &suffix)
{
    return word.size() >= suffix.size() && word.compare(word.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Word withoutSuffix(const Word &word, std::size_t suffixLength)
{
    return word.substr(0, word.size() - suffixLength);
}

bool isVowelLetter(char32_t c)
{
    return c == U'a' || c == U'e' || c == U'i' || c == U'o' || c == U'u';
}

bool isConsonant(const Word &word, std::size_t i)
{
    if (isVowelLetter(word[i]))
        return false;
    if (word[i] == U'y')
        return i == 0 ? true : !isConsonant(word, i - 1);
    return true;
}

// m in [C](VC){m}[V].
int measure(const Word &stem)
{
    int m = 0;
    for (std::size_t i = 1; i < stem.size(); ++i) {
        if (!isConsonant(stem, i - 1) && isConsonant(stem, i))
            ++m;
    }
    return m;
}

bool hasPositiveMeasure(const Word &stem)
{
    return measure(stem) > 0;
}

bool containsVowel(const Word &stem)
{
    for (std::size_t i = 0; i < stem.size(); ++i) {
        if (!isConsonant(stem, i))
            return true;
    }
    return false;
}

bool endsDoubleConsonant(const Word &word)
{
    const std::size_t n = word.size();
    return n >= 2 && word[n - 1] == word[n - 2] && isConsonant(word, n - 1);
}

// *o: consonant-vowel-consonant with the last not w, x or y; nltk also accepts a two-letter
// vowel-consonant word.
bool endsCvc(const Word &word)
{
    const std::size_t n = word.size();
    if (n >= 3 && isConsonant(word, n - 3) && !isConsonant(word, n - 2) && isConsonant(word, n - 1)
        && word[n - 1] != U'w' && word[n - 1] != U'x' && word[n - 1] != U'y')
        return true;
    return n == 2 && !isConsonant(word, 0) && isConsonant(word, 1);
}

Word applyFirstMatchingRule(const Word &word, const std::vector<SuffixRule> &rules)
{
    for (const SuffixRule &rule : rules) {
        if (rule.suffix == DoubleConsonant) {
            if (endsDoubleConsonant(word)) {
                const Word stem = withoutSuffix(word, 2);
                return (!rule.condition || rule.condition(stem)) ? stem + rule.replacement : word;
            }
            // Otherwise nltk compares "*d" as a literal suffix, as below.
        }
        if (endsWith(word, rule.suffix)) {
            const Word stem = withoutSuffix(word, rule.suffix.size());
            return (!rule.condition || rule.condition(stem)) ? stem + rule.replacement : word;
        }
    }
    return word;
}

Word step1a(const Word &word)
{
    if (endsWith(word, U"ies") && word.size() == 4)
        return withoutSuffix(word, 3) + U"ie";
    return applyFirstMatchingRule(word, {{U"sses", U"ss", {}}, {U"ies", U"i", {}}, {U"ss", U"ss", {}}, {U"s", U"", {}}});
}

Word step1b(const Word &word)
{
    if (endsWith(word, U"ied"))
        return withoutSuffix(word, 3) + (word.size() == 4 ? U"ie" : U"i");
    if (endsWith(word, U"eed")) {
        const Word stem = withoutSuffix(word, 3);
        return measure(stem) > 0 ? stem + U"ee" : word;
    }
    Word stem;
    bool stripped = false;
    for (const Word &suffix : {Word(U"ed"), Word(U"ing")}) {
        if (endsWith(word, suffix)) {
            stem = withoutSuffix(word, suffix.size());
            if (containsVowel(stem)) {
                stripped = true;
                break;
            }
        }
    }
    if (!stripped)
        return word;
    const char32_t last = stem.back();
    return applyFirstMatchingRule(
        stem, {
                  {U"at", U"ate", {}},
                  {U"bl", U"ble", {}},
                  {U"iz", U"ize", {}},
                  {DoubleConsonant, Word(1, last), [last](const Word &) { return last != U'l' && last != U's' && last != U'z'; }},
                  {U"", U"e", [](const Word &s) { return measure(s) == 1 && endsCvc(s); }},
              });
}

Word step1c(const Word &word)
{
    return applyFirstMatchingRule(word, {{U"y", U"i", [](const Word &stem) { return stem.size() > 1 && isConsonant(stem, stem.size() - 1); }}});
}

Word step2(const Word &word)
{
    if (endsWith(word, U"alli") && hasPositiveMeasure(withoutSuffix(word, 4)))
        return step2(withoutSuffix(word, 4) + U"al");
    const Condition positive = hasPositiveMeasure;
    // nltk's 'logi' rule looks at the word less 'ogi', not at the stem less 'logi'.
    const Word withoutOgi = word.size() >= 3 ? withoutSuffix(word, 3) : Word();
    return applyFirstMatchingRule(
        word, {
                  {U"ational", U"ate", positive}, {U"tional", U"tion", positive}, {U"enci", U"ence", positive},
                  {U"anci", U"ance", positive},   {U"izer", U"ize", positive},    {U"bli", U"ble", positive},
                  {U"alli", U"al", positive},     {U"entli", U"ent", positive},   {U"eli", U"e", positive},
                  {U"ousli", U"ous", positive},   {U"ization", U"ize", positive}, {U"ation", U"ate", positive},
                  {U"ator", U"ate", positive},    {U"alism", U"al", positive},    {U"iveness", U"ive", positive},
                  {U"fulness", U"ful", positive}, {U"ousness", U"ous", positive}, {U"aliti", U"al", positive},
                  {U"iviti", U"ive", positive},   {U"biliti", U"ble", positive},  {U"fulli", U"ful", positive},
                  {U"logi", U"log", [withoutOgi](const Word &) { return hasPositiveMeasure(withoutOgi); }},
              });
}

Word step3(const Word &word)
{
    const Condition positive = hasPositiveMeasure;
    return applyFirstMatchingRule(word, {{U"icate", U"ic", positive},
                                         {U"ative", U"", positive},
                                         {U"alize", U"al", positive},
                                         {U"iciti", U"ic", positive},
                                         {U"ical", U"ic", positive},
                                         {U"ful", U"", positive},
                                         {U"ness", U"", positive}});
}

Word step4(const Word &word)
{
    const Condition above1 = [](const Word &stem) { return measure(stem) > 1; };
    const Condition ionStem = [](const Word &stem) {
        return measure(stem) > 1 && (stem.back() == U's' || stem.back() == U't');
    };
    return applyFirstMatchingRule(word, {{U"al", U"", above1},   {U"ance", U"", above1}, {U"ence", U"", above1},
                                         {U"er", U"", above1},   {U"ic", U"", above1},   {U"able", U"", above1},
                                         {U"ible", U"", above1}, {U"ant", U"", above1},  {U"ement", U"", above1},
                                         {U"ment", U"", above1}, {U"ent", U"", above1},  {U"ion", U"", ionStem},
                                         {U"ou", U"", above1},   {U"ism", U"", above1},  {U"ate", U"", above1},
                                         {U"iti", U"", above1},  {U"ous", U"", above1},  {U"ive", U"", above1},
                                         {U"ize", U"", above1}});
}

Word step5a(const Word &word)
{
    if (endsWith(word, U"e")) {
        const Word stem = withoutSuffix(word, 1);
        const int m = measure(stem);
        if (m > 1 || (m == 1 && !endsCvc(stem)))
            return stem;
    }
    return word;
}

Word step5b(const Word &word)
{
    const Word withoutLastL = word.empty() ? word : withoutSuffix(word, 1);
    return applyFirstMatchingRule(word, {{U"ll", U"l", [withoutLastL](const Word &) { return measure(withoutLastL) > 1; }}});
}

// nltk's irregular forms: the word as given (before lower-casing) is looked up.
const std::map<std::string, std::string> &irregularForms()
{
    static const std::map<std::string, std::string> forms = {
        {"sky", "sky"},          {"skies", "sky"},       {"dying", "die"},      {"lying", "lie"},
        {"tying", "tie"},        {"news", "news"},       {"innings", "inning"}, {"inning", "inning"},
        {"outings", "outing"},   {"outing", "outing"},   {"cannings", "canning"}, {"canning", "canning"},
        {"howe", "howe"},        {"proceed", "proceed"}, {"exceed", "exceed"},  {"succeed", "succeed"},
    };
    return forms;
}

} // namespace

std::string PorterStemmer::stem(const std::string &word) const
{
    const auto irregular = irregularForms().find(word);
    if (irregular != irregularForms().end())
        return irregular->second;
    Word stem = decodeUtf8(asciiLowerCase(word));
    // nltk leaves words of one or two characters alone (counted before lower-casing, which for
    // ASCII does not change the length).
    if (stem.size() <= 2)
        return encodeUtf8(stem);
    stem = step1a(stem);
    stem = step1b(stem);
    stem = step1c(stem);
    stem = step2(stem);
    stem = step3(stem);
    stem = step4(stem);
    stem = step5a(stem);
    stem = step5b(stem);
    return encodeUtf8(stem);
}

} // namespace geolens
