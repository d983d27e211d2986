#include "analysis/ClassMatcher.h"

#include "common/EditDistance.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace geolens {

namespace {


bool containsWords(const std::string &text, const std::string &words)
{
    return (" " + text + " ").find(" " + words + " ") != std::string::npos;
}

} // namespace

ClassMatcher::ClassMatcher(std::vector<std::string> classes) : classes_(std::move(classes))
{
    for (const std::string &c : classes_)
        normalised_.push_back(normalise(c));
}

std::string ClassMatcher::normalise(const std::string &text)
{
    std::string cleaned;
    for (unsigned char c : text)
        cleaned += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : ' ';
    std::istringstream words(cleaned);
    std::string word, out;
    while (words >> word) {
        // "tanks" and "tank", "airplanes" and "airplane" are the same class; keep "ss" words.
        if (word.size() > 3 && word.back() == 's' && word[word.size() - 2] != 's')
            word.pop_back();
        out += (out.empty() ? "" : " ") + word;
    }
    return out;
}

std::optional<std::size_t> ClassMatcher::match(const std::string &answer) const
{
    const std::string a = normalise(answer);
    if (a.empty())
        return std::nullopt;
    for (std::size_t i = 0; i < normalised_.size(); ++i)
        if (normalised_[i] == a)
            return i;
    // The longest class named inside the answer ("it is a dense residential area"), else the
    // answer inside a class name ("residential" for "dense residential" only when unique).
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < normalised_.size(); ++i)
        if (!normalised_[i].empty() && containsWords(a, normalised_[i]) &&
            (!best || normalised_[i].size() > normalised_[*best].size()))
            best = i;
    if (best)
        return best;
    std::vector<std::size_t> containing;
    for (std::size_t i = 0; i < normalised_.size(); ++i)
        if (containsWords(normalised_[i], a))
            containing.push_back(i);
    if (containing.size() == 1)
        return containing.front();
    // A misspelling: two edits (a swapped pair of letters), or a fifth of the letters in long words.
    std::size_t bestDistance = std::max<std::size_t>(2, a.size() / 5) + 1;
    for (std::size_t i = 0; i < normalised_.size(); ++i) {
        const std::size_t d = editDistance(a, normalised_[i]);
        if (d < bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    return best;
}

} // namespace geolens
