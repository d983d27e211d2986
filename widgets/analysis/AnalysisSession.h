#pragma once

#include "analysis/ChatSession.h"
#include "analysis/ResultWriter.h"
#include "model/GeoChatModel.h"

#include <QObject>
#include <QString>

#include <memory>
#include <set>
#include <vector>

namespace geolens {

class CoordinateTransformer;
class RasterDataset;

// What the workbench works on: the open raster and its coordinates, the loaded model, the results
// of the analysis tasks and the chat. Windows and panels show it and follow its signals; the tasks
// put what they find into it.
class AnalysisSession : public QObject {
    Q_OBJECT

public:
    explicit AnalysisSession(QObject *parent = nullptr);
    ~AnalysisSession() override;

    const std::shared_ptr<const RasterDataset> &raster() const { return raster_; }
    // Null without a raster.
    const CoordinateTransformer *coordinates() const { return coords_.get(); }
    // A new raster makes its own coordinates and empties the results and the chat; null closes it.
    void setRaster(std::shared_ptr<const RasterDataset> raster);

    const std::shared_ptr<GeoChatModel> &model() const { return model_; }
    const QString &modelFolder() const { return modelFolder_; }
    // The folder's name, as results record the model.
    std::string modelName() const;
    // How the model was loaded (without the progress, which belonged to the load).
    const ModelLoadOptions &modelOptions() const { return modelOptions_; }
    void setModel(std::shared_ptr<GeoChatModel> model, const QString &folder, const ModelLoadOptions &options);

    // A raster and a model: the analysis tasks can run.
    bool isReady() const { return raster_ && model_; }

    const std::vector<AnalysisFeature> &results() const { return results_; }
    void addResults(const std::vector<AnalysisFeature> &features);
    // Replaces the results of task on tiles with features: a tile labelled again keeps one label.
    void replaceTileResults(const std::string &task, const std::set<int> &tiles,
                            const std::vector<AnalysisFeature> &features);
    // Boxes a task found on the raster, placed in its CRS; task names them ("refer", "chat", ...).
    void addBoxResults(const std::vector<BoxResult> &boxes, const std::string &task);
    void clearResults();
    // Writes the results as a table (.csv) or as features in the raster's CRS (.gpkg, .geojson).
    // Throws FileError; InvalidArgument without a raster.
    void writeResults(const std::string &path) const;

    ChatSession &chat() { return chat_; }
    const ChatSession &chat() const { return chat_; }

signals:
    void rasterChanged();
    void modelChanged();
    void resultsChanged();

private:
    std::shared_ptr<const RasterDataset> raster_;
    std::unique_ptr<CoordinateTransformer> coords_;
    std::shared_ptr<GeoChatModel> model_;
    QString modelFolder_;
    ModelLoadOptions modelOptions_;
    std::vector<AnalysisFeature> results_;
    ChatSession chat_;
};

} // namespace geolens
