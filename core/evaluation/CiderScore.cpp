#include "evaluation/CiderScore.h"

#include "common/Error.h"
#include "evaluation/CaptionTokens.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace geolens {

namespace {

// numpy's pairwise summation (np.add.reduce on a contiguous float64 array), which np.mean uses;
// the order of the additions decides the last bits.
double numpySum(const double *values, std::size_t n)
{
    if (n < 8) {
        double sum = 0.0;
        for (std::size_t i = 0; i < n; ++i)
            sum += values[i];
        return sum;
    }
    if (n <= 128) {
        double partial[8];
        for (int k = 0; k < 8; ++k)
            partial[k] = values[k];
        std::size_t i = 8;
        for (; i < n - (n % 8); i += 8) {
            for (int k = 0; k < 8; ++k)
                partial[k] += values[i + std::size_t(k)];
        }
        double sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + ((partial[4] + partial[5]) + (partial[6] + partial[7]));
        for (; i < n; ++i)
            sum += values[i];
        return sum;
    }
    std::size_t half = n / 2;
    half -= half % 8;
    return numpySum(values, half) + numpySum(values + half, n - half);
}

double numpyMean(const std::vector<double> &values)
{
    return numpySum(values.data(), values.size()) / double(values.size());
}

// An n-gram's tf-idf weights for one caption, with the vector norms per n and the bigram count
// the length penalty compares.
struct WeightedVector {
    std::vector<std::unordered_map<std::string, double>> weights; // per n
    std::vector<std::vector<std::pair<const std::string *, double>>> ordered; // per n, first-appearance order
    std::vector<double> norms;
    double length = 0;
};

} // namespace

CiderScorer::CiderScorer(int maxNgram, double sigma) : maxNgram_(maxNgram), sigma_(sigma)
{
    if (maxNgram < 1)
        throw InvalidArgument("CIDEr-D needs n-grams of at least one word.");
}

CiderScorer::NgramCounts CiderScorer::countNgrams(const std::vector<std::string> &tokens) const
{
    std::string joined;
    for (const std::string &token : tokens)
        joined += (joined.empty() ? "" : " ") + token;
    const std::vector<std::string> words = splitOnWhitespace(joined);
    NgramCounts counts;
    std::unordered_map<std::string, std::size_t> position;
    for (int n = 1; n <= maxNgram_; ++n) {
        for (std::size_t i = 0; i + std::size_t(n) <= words.size(); ++i) {
            std::string ngram = words[i];
            for (int k = 1; k < n; ++k)
                ngram += ' ' + words[i + std::size_t(k)];
            const auto [it, inserted] = position.emplace(ngram, counts.ngrams.size());
            if (inserted) {
                counts.ngrams.push_back(std::move(ngram));
                counts.orders.push_back(n - 1);
                counts.counts.push_back(1);
            } else {
                counts.counts[it->second] += 1;
            }
        }
    }
    return counts;
}

void CiderScorer::add(const std::string &candidate, const std::vector<std::string> &references)
{
    std::vector<std::vector<std::string>> referencesTokens;
    for (const std::string &reference : references)
        referencesTokens.push_back(captionTokens(reference));
    addTokens(captionTokens(candidate), referencesTokens);
}

void CiderScorer::addTokens(const std::vector<std::string> &candidateTokens,
                            const std::vector<std::vector<std::string>> &referencesTokens)
{
    if (referencesTokens.empty())
        throw InvalidArgument("CIDEr-D needs at least one reference caption for every candidate.");
    Item item;
    item.candidate = countNgrams(candidateTokens);
    for (const std::vector<std::string> &reference : referencesTokens)
        item.references.push_back(countNgrams(reference));
    items_.push_back(std::move(item));
}

std::vector<double> CiderScorer::scores() const
{
    // N-gram strings of different n never collide: they hold different numbers of spaces.
    std::unordered_map<std::string, double> documentFrequency;
    for (const Item &item : items_) {
        std::unordered_set<std::string> inItem;
        for (const NgramCounts &reference : item.references)
            inItem.insert(reference.ngrams.begin(), reference.ngrams.end());
        for (const std::string &ngram : inItem)
            documentFrequency[ngram] += 1;
    }
    const double logItems = std::log(double(items_.size()));

    const auto weigh = [&](const NgramCounts &counts) {
        WeightedVector vector;
        vector.weights.resize(std::size_t(maxNgram_));
        vector.ordered.resize(std::size_t(maxNgram_));
        vector.norms.assign(std::size_t(maxNgram_), 0.0);
        for (std::size_t k = 0; k < counts.ngrams.size(); ++k) {
            const auto found = documentFrequency.find(counts.ngrams[k]);
            const double df = std::log(std::max(1.0, found == documentFrequency.end() ? 0.0 : found->second));
            const std::size_t n = std::size_t(counts.orders[k]);
            const double weight = counts.counts[k] * (logItems - df);
            vector.weights[n][counts.ngrams[k]] = weight;
            vector.ordered[n].emplace_back(&counts.ngrams[k], weight);
            vector.norms[n] += std::pow(weight, 2);
            if (n == 1)
                vector.length += counts.counts[k];
        }
        for (double &norm : vector.norms)
            norm = std::sqrt(norm);
        return vector;
    };

    const double e = 2.718281828459045; // numpy.e; the reference raises it to a power
    std::vector<double> result;
    result.reserve(items_.size());
    for (const Item &item : items_) {
        const WeightedVector candidate = weigh(item.candidate);
        std::vector<double> sum(std::size_t(maxNgram_), 0.0);
        for (const NgramCounts &referenceCounts : item.references) {
            const WeightedVector reference = weigh(referenceCounts);
            const double delta = candidate.length - reference.length;
            for (std::size_t n = 0; n < std::size_t(maxNgram_); ++n) {
                double value = 0.0;
                for (const auto &[ngram, weight] : candidate.ordered[n]) {
                    const auto found = reference.weights[n].find(*ngram);
                    const double referenceWeight = found == reference.weights[n].end() ? 0.0 : found->second;
                    value += std::min(weight, referenceWeight) * referenceWeight;
                }
                if (candidate.norms[n] != 0 && reference.norms[n] != 0)
                    value /= candidate.norms[n] * reference.norms[n];
                value *= std::pow(e, -std::pow(delta, 2) / (2 * std::pow(sigma_, 2)));
                sum[n] += value;
            }
        }
        double score = numpyMean(sum);
        score /= double(item.references.size());
        score *= 10.0;
        result.push_back(score);
    }
    return result;
}

double CiderScorer::corpusScore() const
{
    const std::vector<double> all = scores();
    return all.empty() ? 0.0 : numpyMean(all);
}

} // namespace geolens
