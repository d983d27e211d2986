#include "distill/ClassifierTest.h"

#include "common/Error.h"
#include "distill/AspectTargetTable.h"
#include "distill/TileClassifier.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace geolens {

namespace {

void checkSameOutputs(const TileClassifierInfo &info, const AspectTargetSettings &s, const std::string &folder)
{
    if (info.classes != s.classes) {
        std::string first;
        for (std::size_t i = 0; i < std::max(info.classes.size(), s.classes.size()) && first.empty(); ++i)
            if (i >= info.classes.size() || i >= s.classes.size() || info.classes[i] != s.classes[i])
                first = i < s.classes.size() ? "'" + s.classes[i] + "'" : "the classifier's '" + info.classes[i] + "'";
        throw InvalidArgument("The targets in " + folder + " have other classes than the classifier (" +
                              std::to_string(s.classes.size()) + " against " + std::to_string(info.classes.size()) +
                              "; the first that differs is " + first + ").");
    }
    std::vector<std::string> a, b;
    for (const AspectQuestion &q : info.aspects)
        a.push_back(q.key);
    for (const AspectQuestion &q : s.aspects)
        b.push_back(q.key);
    if (a != b)
        throw InvalidArgument("The targets in " + folder + " ask other aspect questions than the classifier learnt.");
}

} // namespace

ClassifierTestScore testTileClassifier(const TileClassifier &classifier, const AspectTargetTable &targets,
                                       const JobProgress &progress, int batch)
{
    const TileClassifierInfo &info = classifier.info();
    const AspectTargetSettings &s = targets.settings();
    checkSameOutputs(info, s, targets.folder());
    const auto &all = targets.targets();
    ClassifierTestScore score;
    score.images = static_cast<int>(all.size());
    if (all.empty())
        return score;
    score.truthKnown = std::all_of(all.begin(), all.end(), [](const AspectTarget &t) { return !t.truth.empty(); });
    double right = 0, agree = 0, aspectError = 0;
    for (std::size_t first = 0; first < all.size(); first += static_cast<std::size_t>(batch)) {
        progress.throwIfCanceled();
        const std::size_t last = std::min(all.size(), first + static_cast<std::size_t>(batch));
        std::vector<RgbImage> images;
        for (std::size_t i = first; i < last; ++i)
            images.push_back(targets.image(all[i]));
        const auto started = std::chrono::steady_clock::now();
        const std::vector<TilePrediction> predicted = classifier.predict(images);
        score.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        for (std::size_t k = 0; k < predicted.size(); ++k) {
            const AspectTarget &t = all[first + k];
            const std::string &label = info.classes[static_cast<std::size_t>(predicted[k].classIndex)];
            right += score.truthKnown && label == t.truth;
            const auto best = std::max_element(t.classProbabilities.begin(), t.classProbabilities.end());
            agree += predicted[k].classIndex == best - t.classProbabilities.begin();
            double e = 0;
            for (std::size_t a = 0; a < t.aspectProbabilities.size(); ++a)
                e += std::abs(predicted[k].aspectProbabilities[a] - t.aspectProbabilities[a]);
            aspectError += t.aspectProbabilities.empty() ? 0.0 : e / static_cast<double>(t.aspectProbabilities.size());
        }
        progress.report(static_cast<std::int64_t>(last), static_cast<std::int64_t>(all.size()), "testing");
    }
    const auto n = static_cast<double>(all.size());
    score.accuracy = score.truthKnown ? right / n : 0.0;
    score.teacherAgreement = agree / n;
    score.aspectError = aspectError / n;
    return score;
}

} // namespace geolens
