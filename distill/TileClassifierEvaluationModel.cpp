#include "distill/TileClassifierEvaluationModel.h"

#include "common/Error.h"
#include "distill/TileClassifier.h"

#include <filesystem>

namespace geolens {

TileClassifierEvaluationModel::TileClassifierEvaluationModel(const TileClassifier &classifier) : classifier_(classifier) {}

std::vector<ModelAnswer> TileClassifierEvaluationModel::answer(const std::vector<RgbImage> &images,
                                                               const std::vector<std::string> &,
                                                               const std::atomic<bool> *cancel)
{
    if (cancel && cancel->load())
        throw Canceled();
    std::vector<ModelAnswer> answers;
    for (const TilePrediction &p : classifier_.predict(images)) {
        ModelAnswer a;
        a.text = classifier_.info().classes[static_cast<std::size_t>(p.classIndex)];
        answers.push_back(std::move(a));
    }
    return answers;
}

std::uint64_t TileClassifierEvaluationModel::parameterCount() const
{
    return classifier_.parameterCount();
}

bool isTileClassifierFolder(const std::string &folder)
{
    std::error_code ec;
    return std::filesystem::is_regular_file(std::filesystem::path(folder) / TileClassifier::InfoFile, ec);
}

} // namespace geolens
