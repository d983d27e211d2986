#pragma once

#include "common/JsonIo.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geolens {

// Scene classification scores: overall accuracy (OA), average accuracy (AA, the mean of the
// per-class accuracies over the classes that have images), per-class accuracy and the confusion
// matrix. An answer that names no class is counted in a column of its own, never dropped.
class SceneMetrics {
public:
    static constexpr int NoClass = -1;

    explicit SceneMetrics(std::vector<std::string> classes);

    // The class an answer names (compared by sceneClassKey), or NoClass.
    int classOf(const std::string &answer) const;
    // Counts one answer; truthClass is an index into classes(). Returns the predicted class.
    int add(int truthClass, const std::string &answer);

    const std::vector<std::string> &classes() const { return classes_; }
    std::int64_t total() const { return total_; }
    double overallAccuracy() const;
    double averageAccuracy() const;
    // Accuracy of each class; NaN for a class without images (written as null).
    std::vector<double> perClassAccuracy() const;
    // rows: true class; columns: predicted class, then "no class".
    const std::vector<std::vector<std::int64_t>> &confusion() const { return confusion_; }

    // {"oa", "aa", "per_class": {class: accuracy|null}, "confusion": {"classes", "columns", "matrix"},
    //  "no_class_answers", "questions"}
    Json toJson() const;

private:
    std::vector<std::string> classes_;
    std::vector<std::string> keys_;
    std::vector<std::vector<std::int64_t>> confusion_;
    std::int64_t total_ = 0;
};

} // namespace geolens
