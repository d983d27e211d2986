#pragma once

#include <cstddef>
#include <string>
#include <vector>

// CIDEr-D as vrama91/cider's pyciderevalcap/ciderD computes it with df="corpus" (the CIDEr-D of
// the COCO caption tools and of captioning papers):
//  - for every candidate, n-grams of 1 to 4 words counted in it and in each of its references;
//  - document frequency of an n-gram = the number of corpus items whose references contain it;
//    the weight of an n-gram is tf * (log(items) - log(max(1, df))), so a corpus of one item
//    scores 0 and the score of an item depends on the whole corpus;
//  - per n, the clipped cosine sum(min(c, r) * r) / (|c| |r|) times the length penalty
//    e^(-(delta^2) / (2 sigma^2)) with sigma 6, where delta is the difference of the two
//    captions' bigram counts (the reference counts "length" at n-gram index 1, i.e. bigrams);
//  - mean over n, summed over the references, divided by their number, times 10;
//  - corpus score = numpy's mean of the item scores (its pairwise summation reproduced).
// The reference expects text tokenised by the Stanford PTB tokenizer; GeoLens tokenises with
// captionTokens (CaptionTokens.h) instead, and the goldens were made the same way.

namespace geolens {

class CiderScorer {
public:
    explicit CiderScorer(int maxNgram = 4, double sigma = 6.0);

    // One corpus item: a caption and its reference captions, tokenised with captionTokens.
    // Throws InvalidArgument when references is empty.
    void add(const std::string &candidate, const std::vector<std::string> &references);
    // The same with the caller's tokens (the reference joins and re-splits at whitespace, so a
    // token holding whitespace counts as several words here too).
    void addTokens(const std::vector<std::string> &candidateTokens, const std::vector<std::vector<std::string>> &referencesTokens);

    std::size_t size() const { return items_.size(); }
    // One score per item, in the order added; empty for an empty corpus.
    std::vector<double> scores() const;
    // The mean of scores(); 0 for an empty corpus (numpy would give NaN).
    double corpusScore() const;

private:
    // N-gram counts in order of first appearance, n = 1 first: the reference sums in that order.
    struct NgramCounts {
        std::vector<std::string> ngrams; // words joined by single spaces
        std::vector<int> orders;         // n - 1 for each
        std::vector<double> counts;
    };
    struct Item {
        NgramCounts candidate;
        std::vector<NgramCounts> references;
    };

    NgramCounts countNgrams(const std::vector<std::string> &tokens) const;

    int maxNgram_;
    double sigma_;
    std::vector<Item> items_;
};

} // namespace geolens
