#include "AnalysisSession.h"

#include "analysis/AnalysisFeatures.h"
#include "common/Error.h"
#include "raster/CoordinateTransformer.h"
#include "raster/RasterDataset.h"

#include <QFileInfo>

#include <algorithm>

namespace geolens {

AnalysisSession::AnalysisSession(QObject *parent) : QObject(parent) {}

AnalysisSession::~AnalysisSession() = default;

void AnalysisSession::setRaster(std::shared_ptr<const RasterDataset> raster)
{
    raster_ = std::move(raster);
    coords_ = raster_ ? std::make_unique<CoordinateTransformer>(raster_->metadata()) : nullptr;
    results_.clear();
    chat_.clear();
    emit rasterChanged();
    emit resultsChanged();
}

std::string AnalysisSession::modelName() const
{
    return QFileInfo(modelFolder_).fileName().toStdString();
}

void AnalysisSession::setModel(std::shared_ptr<GeoChatModel> model, const QString &folder, const ModelLoadOptions &options)
{
    model_ = std::move(model);
    modelFolder_ = folder;
    modelOptions_ = options;
    modelOptions_.progress = nullptr;
    emit modelChanged();
}

void AnalysisSession::addResults(const std::vector<AnalysisFeature> &features)
{
    results_.insert(results_.end(), features.begin(), features.end());
    emit resultsChanged();
}

void AnalysisSession::replaceTileResults(const std::string &task, const std::set<int> &tiles,
                                         const std::vector<AnalysisFeature> &features)
{
    results_.erase(std::remove_if(results_.begin(), results_.end(),
                                  [&](const AnalysisFeature &f) { return f.task == task && tiles.count(f.tileId); }),
                   results_.end());
    addResults(features);
}

void AnalysisSession::addBoxResults(const std::vector<BoxResult> &boxes, const std::string &task)
{
    if (!coords_)
        throw InvalidArgument("Results need an open raster to be placed on.");
    std::vector<AnalysisFeature> features;
    for (const BoxResult &box : boxes)
        features.push_back(boxFeature(box, *coords_, task, modelName()));
    addResults(features);
}

void AnalysisSession::clearResults()
{
    results_.clear();
    emit resultsChanged();
}

void AnalysisSession::writeResults(const std::string &path) const
{
    if (!raster_)
        throw InvalidArgument("Results are written in the raster's CRS, and no raster is open.");
    writeAnalysisFeatures(path, results_, raster_->metadata());
}

} // namespace geolens
