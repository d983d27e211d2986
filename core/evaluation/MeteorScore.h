#pragma once

#include "evaluation/PorterStemmer.h"

#include <string>
#include <vector>

// METEOR exactly as nltk 3.8's nltk.translate.meteor_score.meteor_score computes it with its
// defaults (the score GeoChat reports for region captions):
//  - every token lower-cased (nltk's preprocess=str.lower; ASCII letters only here);
//  - alignment in three stages, each pairing words that the previous stages left over: exact
//    words, then Porter stems (PorterStemmer.h), then WordNet synonyms of the candidate word
//    (WordNetDatabase.h; lemma names containing '_' ignored). nltk hands the stemmed words on to
//    the synonym stage, so that stage looks up and compares stems ("airplan", not "airplane").
//    Each stage walks the candidate from its last word to its first and pairs it with the last
//    still unpaired reference word that matches: greedy, not the least-crossing alignment;
//  - P = m / candidate length, R = m / reference length, Fmean = P R / (alpha P + (1 - alpha) R),
//    chunks = runs of pairs adjacent in both sentences (pairs sorted by candidate position),
//    penalty = gamma (chunks / m)^beta, score = (1 - penalty) Fmean; 0 when nothing matches or
//    either side is empty;
//  - with several references the best single-reference score.
// Tokenisation is the caller's: nltk's function takes token lists.

namespace geolens {

class WordNetDatabase;

struct MeteorParameters {
    double alpha = 0.9;
    double beta = 3.0;
    double gamma = 0.5;
};

// Scores candidates against references with one WordNet, which the caller owns and keeps alive.
class MeteorScorer {
public:
    explicit MeteorScorer(const WordNetDatabase &wordnet, MeteorParameters parameters = {});

    // nltk's single_meteor_score(reference, hypothesis).
    double singleScore(const std::vector<std::string> &referenceTokens, const std::vector<std::string> &candidateTokens) const;
    // nltk's meteor_score(references, hypothesis): the maximum over the references. Throws
    // InvalidArgument when there is no reference (nltk raises ValueError).
    double score(const std::vector<std::vector<std::string>> &referencesTokens,
                 const std::vector<std::string> &candidateTokens) const;

private:
    const WordNetDatabase &wordnet_;
    MeteorParameters parameters_;
    PorterStemmer stemmer_;
};

// MeteorScorer(wordnet, parameters).score(referencesTokens, candidateTokens).
double meteorScore(const std::vector<std::vector<std::string>> &referencesTokens, const std::vector<std::string> &candidateTokens,
                   const WordNetDatabase &wordnet, MeteorParameters parameters = {});

} // namespace geolens
