#pragma once

#include <string>
#include <utility>
#include <vector>

// ROUGE-1 and ROUGE-L as the pip package `rouge` (github.com/pltrdy/rouge, the package GeoChat's
// authors evaluated with) computes them with its defaults: Rouge().get_scores(candidate,
// reference)[0]["rouge-1"]["f"] and ["rouge-l"]["f"]. That package, and so this code:
//  - splits the text into sentences at every '.', drops empty pieces, collapses whitespace
//    (Python's str.split()) and then splits each sentence at single spaces; a piece holding only
//    whitespace therefore contributes one empty word, as in the reference;
//  - is case-sensitive and keeps punctuation other than '.' attached to words;
//  - counts distinct words only (its n-gram "sets"), so repeating a word changes nothing;
//  - makes ROUGE-L the summary-level union LCS over sentence pairs (Lin 2004), with the LCS that
//    its table walk reconstructs;
//  - gives F = 2 * (P * R) / (P + R + 1e-8), so an identical pair scores 0.999999995, not 1.

namespace geolens {

// F1 values in 0-1.
struct RougeScores {
    double rouge1 = 0;
    double rougeL = 0;
};

// One candidate against one reference. Where the candidate or the reference has no sentence at
// all (empty, or only '.'), the reference package raises ValueError; GeoLens scores 0 instead, the
// value of a caption that says nothing.
RougeScores rougeScores(const std::string &candidate, const std::string &reference);

// The mean of rougeScores over (candidate, reference) pairs, summed in order and divided by the
// count, as Rouge().get_scores(candidates, references, avg=True). The reference package has no
// notion of several references per candidate; pass one pair per reference to average over them.
// Empty pairs count as 0 here (the package raises, or drops them with ignore_empty=True). No pairs
// give 0.
RougeScores averageRougeScores(const std::vector<std::pair<std::string, std::string>> &candidateReferencePairs);

} // namespace geolens
