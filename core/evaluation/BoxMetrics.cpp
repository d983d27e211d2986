#include "evaluation/BoxMetrics.h"

#include "geometry/RotatedIou.h"

#include <algorithm>
#include <tuple>

namespace geolens {

std::vector<Quadrilateral> BoxMetrics::gridBoxesToPixels(const std::vector<RotatedBox> &gridBoxes, int imageWidth,
                                                         int imageHeight)
{
    // PIL's expand2square pastes the image at ((side - w) // 2, (side - h) // 2).
    const int side = std::max(imageWidth, imageHeight);
    const double offsetX = (side - imageWidth) / 2;
    const double offsetY = (side - imageHeight) / 2;
    const double scale = side / 100.0;
    std::vector<Quadrilateral> out;
    for (const RotatedBox &box : gridBoxes) {
        Quadrilateral q;
        const auto corners = box.corners();
        for (std::size_t i = 0; i < 4; ++i)
            q[i] = {corners[i].x * scale - offsetX, corners[i].y * scale - offsetY};
        out.push_back(q);
    }
    return out;
}

int BoxMetrics::matchCount(const std::vector<Quadrilateral> &predicted, const std::vector<Quadrilateral> &truth,
                           double threshold)
{
    std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;
    for (std::size_t p = 0; p < predicted.size(); ++p)
        for (std::size_t t = 0; t < truth.size(); ++t) {
            const double iou = quadrilateralIou(predicted[p], truth[t]);
            if (iou >= threshold && iou > 0.0)
                pairs.emplace_back(iou, p, t);
        }
    // Highest IoU first; ties by box, then object order, so the result never depends on sorting.
    std::sort(pairs.begin(), pairs.end(), [](const auto &a, const auto &b) {
        if (std::get<0>(a) != std::get<0>(b))
            return std::get<0>(a) > std::get<0>(b);
        return std::tie(std::get<1>(a), std::get<2>(a)) < std::tie(std::get<1>(b), std::get<2>(b));
    });
    std::vector<bool> usedBox(predicted.size(), false);
    std::vector<bool> usedObject(truth.size(), false);
    int matches = 0;
    for (const auto &[iou, p, t] : pairs) {
        if (usedBox[p] || usedObject[t])
            continue;
        usedBox[p] = usedObject[t] = true;
        ++matches;
    }
    return matches;
}

BoxOutcome BoxMetrics::add(const std::string &type, const std::string &sizeGroup,
                           const std::vector<Quadrilateral> &truth, const std::vector<Quadrilateral> &predicted)
{
    BoxOutcome outcome;
    outcome.objects = static_cast<int>(truth.size());
    outcome.predicted = static_cast<int>(predicted.size());
    outcome.hits50 = matchCount(predicted, truth, 0.5);
    outcome.hits25 = matchCount(predicted, truth, 0.25);
    for (const Quadrilateral &p : predicted)
        for (const Quadrilateral &t : truth)
            outcome.bestIou = std::max(outcome.bestIou, quadrilateralIou(p, t));
    for (Tally *tally : {&overall_, &bySize_[sizeGroup.empty() ? std::string("unknown") : sizeGroup],
                         &byType_[type.empty() ? std::string("unknown") : type]}) {
        ++tally->questions;
        tally->objects += outcome.objects;
        tally->hits50 += outcome.hits50;
        tally->hits25 += outcome.hits25;
        tally->withoutBox += predicted.empty() ? 1 : 0;
    }
    return outcome;
}

double BoxMetrics::Tally::accuracy(bool at50) const
{
    return objects == 0 ? 0.0 : static_cast<double>(at50 ? hits50 : hits25) / static_cast<double>(objects);
}

Json BoxMetrics::Tally::toJson() const
{
    Json j;
    j["questions"] = questions;
    j["objects"] = objects;
    j["acc@0.5"] = accuracy(true);
    j["acc@0.25"] = accuracy(false);
    j["answers_without_box"] = withoutBox;
    return j;
}

Json BoxMetrics::toJson() const
{
    Json j = overall_.toJson();
    // small, medium, large in that order, then any other group by name.
    Json bySize = Json::object();
    for (const char *group : {"small", "medium", "large"})
        if (bySize_.count(group))
            bySize[group] = bySize_.at(group).toJson();
    for (const auto &[group, tally] : bySize_)
        if (!bySize.contains(group))
            bySize[group] = tally.toJson();
    j["by_size_group"] = bySize;
    Json byType = Json::object();
    for (const auto &[type, tally] : byType_)
        byType[type] = tally.toJson();
    j["by_type"] = byType;
    return j;
}

} // namespace geolens
