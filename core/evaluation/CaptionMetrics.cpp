#include "evaluation/CaptionMetrics.h"

#include "common/Error.h"
#include "evaluation/CaptionTokens.h"
#include "evaluation/CiderScore.h"
#include "evaluation/MeteorScore.h"
#include "evaluation/RougeScore.h"

#include <algorithm>

namespace geolens {

namespace {

// Captions are compared as words: lower case, full stops dropped, white space collapsed (as
// GeoChat's region caption scorers prepare them; pltrdy's rouge is case-sensitive and splits
// sentences at full stops, which would score "A plane." against "a plane" below 1).
std::string preparedCaption(const std::string &text)
{
    std::string out;
    bool space = false;
    for (char c : text) {
        if (c == '.')
            continue;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space)
            out.push_back(' ');
        space = false;
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return out;
}

} // namespace

CaptionMetrics::CaptionMetrics(const WordNetDatabase &wordnet)
    : wordnet_(wordnet), cider_(std::make_unique<CiderScorer>())
{
}

CaptionMetrics::~CaptionMetrics() = default;

double CaptionMetrics::add(const std::string &rawCandidate, const std::vector<std::string> &rawReferences)
{
    const std::string candidate = preparedCaption(rawCandidate);
    std::vector<std::string> references;
    for (const std::string &r : rawReferences)
        references.push_back(preparedCaption(r));
    if (rawReferences.empty())
        throw InvalidArgument("A caption cannot be scored without a reference caption.");
    double best1 = 0.0;
    double bestL = 0.0;
    std::vector<std::vector<std::string>> referenceTokens;
    for (const std::string &reference : references) {
        const RougeScores r = rougeScores(candidate, reference);
        best1 = std::max(best1, r.rouge1);
        bestL = std::max(bestL, r.rougeL);
        referenceTokens.push_back(splitOnWhitespace(reference));
    }
    const double meteor = meteorScore(referenceTokens, splitOnWhitespace(candidate), wordnet_);
    cider_->add(candidate, references);
    rouge1_ += best1;
    rougeL_ += bestL;
    meteor_ += meteor;
    ++count_;
    return meteor;
}

Json CaptionMetrics::toJson() const
{
    const double n = count_ == 0 ? 1.0 : static_cast<double>(count_);
    Json j;
    j["questions"] = count_;
    j["rouge1"] = rouge1_ / n;
    j["rougeL"] = rougeL_ / n;
    j["meteor"] = meteor_ / n;
    j["cider"] = cider_->corpusScore();
    return j;
}

} // namespace geolens
