#include "evaluation/MeteorScore.h"

#include "common/Error.h"
#include "evaluation/CaptionTokens.h"
#include "evaluation/WordNetDatabase.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <set>
#include <utility>

namespace geolens {

namespace {

// A word still waiting to be paired, with its position in its sentence.
struct PositionedWord {
    std::size_t position;
    std::string word;
};

using WordList = std::vector<PositionedWord>;
using Pair = std::pair<std::size_t, std::size_t>; // candidate position, reference position

// One alignment stage as nltk runs it: candidate words from last to first, each paired with the
// last unpaired reference word that matches; both leave their lists.
void pairWords(WordList &candidate, WordList &reference, std::vector<Pair> &pairs,
               const std::function<bool(const std::string &candidateWord, const std::string &referenceWord)> &matches)
{
    for (std::size_t i = candidate.size(); i-- > 0;) {
        for (std::size_t j = reference.size(); j-- > 0;) {
            if (matches(candidate[i].word, reference[j].word)) {
                pairs.emplace_back(candidate[i].position, reference[j].position);
                candidate.erase(candidate.begin() + std::ptrdiff_t(i));
                reference.erase(reference.begin() + std::ptrdiff_t(j));
                break;
            }
        }
    }
}

// Fewest runs of pairs that are consecutive in both sentences; pairs sorted by candidate position.
int countChunks(const std::vector<Pair> &pairs)
{
    int chunks = 1;
    for (std::size_t i = 0; i + 1 < pairs.size(); ++i) {
        const bool adjacent = pairs[i + 1].first == pairs[i].first + 1 && pairs[i + 1].second == pairs[i].second + 1;
        if (!adjacent)
            ++chunks;
    }
    return chunks;
}

} // namespace

MeteorScorer::MeteorScorer(const WordNetDatabase &wordnet, MeteorParameters parameters)
    : wordnet_(wordnet), parameters_(parameters)
{
}

double MeteorScorer::singleScore(const std::vector<std::string> &referenceTokens,
                                 const std::vector<std::string> &candidateTokens) const
{
    WordList candidate, reference;
    for (std::size_t i = 0; i < candidateTokens.size(); ++i)
        candidate.push_back({i, asciiLowerCase(candidateTokens[i])});
    for (std::size_t j = 0; j < referenceTokens.size(); ++j)
        reference.push_back({j, asciiLowerCase(referenceTokens[j])});

    std::vector<Pair> pairs;
    pairWords(candidate, reference, pairs, [](const std::string &c, const std::string &r) { return c == r; });

    for (PositionedWord &word : candidate)
        word.word = stemmer_.stem(word.word);
    for (PositionedWord &word : reference)
        word.word = stemmer_.stem(word.word);
    pairWords(candidate, reference, pairs, [](const std::string &c, const std::string &r) { return c == r; });

    // The synonym set depends only on the candidate word; the reference loop asks it many times.
    std::string synonymsOf;
    std::set<std::string> synonyms;
    pairWords(candidate, reference, pairs, [&](const std::string &c, const std::string &r) {
        if (c != synonymsOf || synonyms.empty()) {
            synonymsOf = c;
            synonyms.clear();
            synonyms.insert(c);
            for (const WordNetDatabase::Synset &synset : wordnet_.synsets(c)) {
                for (const std::string &name : synset.lemmaNames) {
                    if (name.find('_') == std::string::npos)
                        synonyms.insert(name);
                }
            }
        }
        return synonyms.count(r) > 0;
    });

    std::sort(pairs.begin(), pairs.end(), [](const Pair &a, const Pair &b) { return a.first < b.first; });

    const double matches = double(pairs.size());
    if (pairs.empty() || candidateTokens.empty() || referenceTokens.empty())
        return 0.0; // nltk's ZeroDivisionError
    const double precision = matches / double(candidateTokens.size());
    const double recall = matches / double(referenceTokens.size());
    const double alpha = parameters_.alpha;
    const double weighted = alpha * precision + (1 - alpha) * recall;
    if (weighted == 0)
        return 0.0; // nltk's ZeroDivisionError, possible only with alpha outside (0, 1)
    const double fmean = (precision * recall) / weighted;
    const double fragmentation = double(countChunks(pairs)) / matches;
    const double penalty = parameters_.gamma * std::pow(fragmentation, parameters_.beta);
    return (1 - penalty) * fmean;
}

double MeteorScorer::score(const std::vector<std::vector<std::string>> &referencesTokens,
                           const std::vector<std::string> &candidateTokens) const
{
    if (referencesTokens.empty())
        throw InvalidArgument("METEOR needs at least one reference caption.");
    double best = singleScore(referencesTokens.front(), candidateTokens);
    for (std::size_t k = 1; k < referencesTokens.size(); ++k)
        best = std::max(best, singleScore(referencesTokens[k], candidateTokens));
    return best;
}

double meteorScore(const std::vector<std::vector<std::string>> &referencesTokens, const std::vector<std::string> &candidateTokens,
                   const WordNetDatabase &wordnet, MeteorParameters parameters)
{
    return MeteorScorer(wordnet, parameters).score(referencesTokens, candidateTokens);
}

} // namespace geolens
