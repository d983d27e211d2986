#include "evaluation/RougeScore.h"

#include "evaluation/CaptionTokens.h"

#include <algorithm>
#include <cstddef>
#include <set>

namespace geolens {

namespace {

using Sentence = std::vector<std::string>;

// The package's sentences: pieces between '.' that are not empty, each with its whitespace runs
// collapsed; a sentence is then split at single spaces, so an all-blank piece is one empty word.
std::vector<Sentence> splitIntoSentences(const std::string &text)
{
    std::vector<Sentence> sentences;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('.', start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start) {
            Sentence words = splitOnWhitespace(text.substr(start, end - start));
            if (words.empty())
                words.emplace_back();
            sentences.push_back(std::move(words));
        }
        start = end + 1;
    }
    return sentences;
}

std::set<std::string> distinctWords(const std::vector<Sentence> &sentences)
{
    std::set<std::string> words;
    for (const Sentence &sentence : sentences)
        words.insert(sentence.begin(), sentence.end());
    return words;
}

double fScore(double precision, double recall)
{
    return 2.0 * ((precision * recall) / (precision + recall + 1e-8));
}

// The words of the LCS of reference and candidate that the package's walk back through the
// dynamic-programming table yields: on a tie it steps along the candidate, not the reference.
std::vector<std::string> reconstructLcs(const Sentence &reference, const Sentence &candidate)
{
    const std::size_t n = reference.size(), m = candidate.size();
    std::vector<std::vector<int>> table(n + 1, std::vector<int>(m + 1, 0));
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            if (reference[i - 1] == candidate[j - 1])
                table[i][j] = table[i - 1][j - 1] + 1;
            else
                table[i][j] = std::max(table[i - 1][j], table[i][j - 1]);
        }
    }
    std::vector<std::string> lcs;
    std::size_t i = n, j = m;
    while (i > 0 && j > 0) {
        if (reference[i - 1] == candidate[j - 1]) {
            lcs.push_back(reference[i - 1]);
            --i;
            --j;
        } else if (table[i - 1][j] > table[i][j - 1]) {
            --i;
        } else {
            --j;
        }
    }
    return lcs;
}

} // namespace

RougeScores rougeScores(const std::string &candidate, const std::string &reference)
{
    const std::vector<Sentence> candidateSentences = splitIntoSentences(candidate);
    const std::vector<Sentence> referenceSentences = splitIntoSentences(reference);
    RougeScores scores;
    if (candidateSentences.empty() || referenceSentences.empty())
        return scores;

    const std::set<std::string> candidateWords = distinctWords(candidateSentences);
    const std::set<std::string> referenceWords = distinctWords(referenceSentences);
    std::size_t overlap = 0;
    for (const std::string &word : candidateWords)
        overlap += referenceWords.count(word);
    const double precision1 = double(overlap) / double(candidateWords.size());
    const double recall1 = double(overlap) / double(referenceWords.size());
    scores.rouge1 = fScore(precision1, recall1);

    // The package sums, over reference sentences, how much each one grows the union of LCS words;
    // that sum is the size of the final union.
    std::set<std::string> lcsUnion;
    for (const Sentence &referenceSentence : referenceSentences) {
        for (const Sentence &candidateSentence : candidateSentences) {
            for (std::string &word : reconstructLcs(referenceSentence, candidateSentence))
                lcsUnion.insert(std::move(word));
        }
    }
    const double unionLcs = double(lcsUnion.size());
    const double recallL = unionLcs / double(referenceWords.size());
    const double precisionL = unionLcs / double(candidateWords.size());
    scores.rougeL = fScore(precisionL, recallL);
    return scores;
}

RougeScores averageRougeScores(const std::vector<std::pair<std::string, std::string>> &candidateReferencePairs)
{
    RougeScores sum;
    if (candidateReferencePairs.empty())
        return sum;
    for (const auto &[candidate, reference] : candidateReferencePairs) {
        const RougeScores pair = rougeScores(candidate, reference);
        sum.rouge1 += pair.rouge1;
        sum.rougeL += pair.rougeL;
    }
    const double count = double(candidateReferencePairs.size());
    return {sum.rouge1 / count, sum.rougeL / count};
}

} // namespace geolens
