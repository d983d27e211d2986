#include "evaluation/VqaMetrics.h"

#include "evaluation/AnswerNormalisation.h"

#include <algorithm>
#include <vector>

namespace geolens {

namespace {

// RSVQA's types first, in the paper's column order; others after them by name.
std::vector<std::string> orderedTypes(const std::map<std::string, double> &byType)
{
    static const std::vector<std::string> known{"presence", "comparison", "rural_urban", "count", "area"};
    std::vector<std::string> order;
    for (const std::string &t : known)
        if (byType.count(t))
            order.push_back(t);
    for (const auto &[t, a] : byType)
        if (std::find(known.begin(), known.end(), t) == known.end())
            order.push_back(t);
    return order;
}

} // namespace

bool VqaMetrics::isCorrect(const std::string &truth, const std::string &answer)
{
    return vqaAnswerKey(truth) == vqaAnswerKey(answer);
}

bool VqaMetrics::add(const std::string &type, const std::string &truth, const std::string &answer)
{
    const bool correct = isCorrect(truth, answer);
    Count &c = byType_[type.empty() ? std::string("all") : type];
    ++c.total;
    c.correct += correct ? 1 : 0;
    return correct;
}

std::int64_t VqaMetrics::total() const
{
    std::int64_t n = 0;
    for (const auto &[t, c] : byType_)
        n += c.total;
    return n;
}

double VqaMetrics::overall() const
{
    std::int64_t correct = 0;
    for (const auto &[t, c] : byType_)
        correct += c.correct;
    const std::int64_t n = total();
    return n == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(n);
}

std::map<std::string, double> VqaMetrics::accuracyByType() const
{
    std::map<std::string, double> accuracy;
    for (const auto &[t, c] : byType_)
        accuracy[t] = c.total == 0 ? 0.0 : static_cast<double>(c.correct) / static_cast<double>(c.total);
    return accuracy;
}

double VqaMetrics::meanOfTypes() const
{
    const auto accuracy = accuracyByType();
    if (accuracy.empty())
        return 0.0;
    double sum = 0.0;
    for (const auto &[t, a] : accuracy)
        sum += a;
    return sum / static_cast<double>(accuracy.size());
}

Json VqaMetrics::toJson() const
{
    Json j;
    j["questions"] = total();
    j["overall"] = overall();
    j["mean_of_types"] = meanOfTypes();
    const auto accuracy = accuracyByType();
    Json byType = Json::object();
    Json counts = Json::object();
    for (const std::string &t : orderedTypes(accuracy)) {
        byType[t] = accuracy.at(t);
        counts[t] = byType_.at(t).total;
    }
    j["accuracy_by_type"] = byType;
    j["questions_by_type"] = counts;
    return j;
}

} // namespace geolens
