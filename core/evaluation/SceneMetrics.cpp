#include "evaluation/SceneMetrics.h"

#include "common/Error.h"
#include "evaluation/AnswerNormalisation.h"

#include <cmath>
#include <limits>

namespace geolens {

SceneMetrics::SceneMetrics(std::vector<std::string> classes) : classes_(std::move(classes))
{
    if (classes_.empty())
        throw InvalidArgument("A scene benchmark needs at least one class.");
    for (const std::string &c : classes_)
        keys_.push_back(sceneClassKey(c));
    confusion_.assign(classes_.size(), std::vector<std::int64_t>(classes_.size() + 1, 0));
}

int SceneMetrics::classOf(const std::string &answer) const
{
    const std::string key = sceneClassKey(answer);
    for (std::size_t i = 0; i < keys_.size(); ++i)
        if (keys_[i] == key)
            return static_cast<int>(i);
    return NoClass;
}

int SceneMetrics::add(int truthClass, const std::string &answer)
{
    if (truthClass < 0 || truthClass >= static_cast<int>(classes_.size()))
        throw InvalidArgument("A scene answer was scored against a class the benchmark does not have.");
    const int predicted = classOf(answer);
    const std::size_t column = predicted == NoClass ? classes_.size() : static_cast<std::size_t>(predicted);
    ++confusion_[static_cast<std::size_t>(truthClass)][column];
    ++total_;
    return predicted;
}

double SceneMetrics::overallAccuracy() const
{
    if (total_ == 0)
        return 0.0;
    std::int64_t correct = 0;
    for (std::size_t i = 0; i < classes_.size(); ++i)
        correct += confusion_[i][i];
    return static_cast<double>(correct) / static_cast<double>(total_);
}

std::vector<double> SceneMetrics::perClassAccuracy() const
{
    std::vector<double> accuracy;
    for (std::size_t i = 0; i < classes_.size(); ++i) {
        std::int64_t n = 0;
        for (std::int64_t c : confusion_[i])
            n += c;
        accuracy.push_back(n == 0 ? std::numeric_limits<double>::quiet_NaN()
                                  : static_cast<double>(confusion_[i][i]) / static_cast<double>(n));
    }
    return accuracy;
}

double SceneMetrics::averageAccuracy() const
{
    double sum = 0.0;
    int n = 0;
    for (double a : perClassAccuracy())
        if (!std::isnan(a)) {
            sum += a;
            ++n;
        }
    return n == 0 ? 0.0 : sum / n;
}

Json SceneMetrics::toJson() const
{
    Json j;
    j["questions"] = total_;
    j["oa"] = overallAccuracy();
    j["aa"] = averageAccuracy();
    Json perClass = Json::object();
    const std::vector<double> accuracy = perClassAccuracy();
    for (std::size_t i = 0; i < classes_.size(); ++i)
        perClass[classes_[i]] = std::isnan(accuracy[i]) ? Json() : Json(accuracy[i]);
    j["per_class"] = perClass;
    std::int64_t noClass = 0;
    for (const auto &row : confusion_)
        noClass += row.back();
    j["no_class_answers"] = noClass;
    Json columns = classes_;
    columns.push_back("(no class)");
    j["confusion"] = {{"classes", classes_}, {"columns", columns}, {"matrix", confusion_}};
    return j;
}

} // namespace geolens
