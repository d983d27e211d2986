#pragma once

#include "AnalysisLayer.h"
#include "analysis/ModelComparisonJob.h"
#include "model/GeoChatModel.h"
#include "raster/DisplaySettings.h"

#include <QDialog>
#include <QList>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

class QButtonGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QTableWidget;

namespace geolens {

class DeviceComboBox;
class GpuInventory;
class RasterDataset;
class TaskRunner;

// Teacher and student side by side on the tiles selected on the map: each model answers the same
// task tile by tile, and a table shows both answers, the time each took, and whether they agree,
// above a summary of what the student gained in speed and kept in quality. The map shows either
// model's labels and boxes. The models are loaded one after the other off the GUI thread, behind
// a progress dialog with Cancel.
class ModelComparisonDialog : public QDialog {
    Q_OBJECT

public:
    enum class MapShows { Teacher, Student, Nothing };
    Q_ENUM(MapShows)

    explicit ModelComparisonDialog(QWidget *parent = nullptr);
    ~ModelComparisonDialog() override;

    // What to compare on: the raster as the map displays it and its tile overlap.
    void setRaster(std::shared_ptr<const RasterDataset> raster, const DisplaySettings &display, double overlap);
    void setTiles(const QList<int> &tileIds);
    void setModels(const QString &teacherFolder, const QString &studentFolder);
    // text: the classes as "a, b, c" (scene), the query (refer) or the question (question); empty
    // keeps what the window holds for that task.
    void setTask(ComparisonTask::Kind kind, const QString &text);
    // Settings both loads share besides the device (the input size, threads).
    void setLoadOptions(const ModelLoadOptions &options);

    // Checks the inputs and starts the comparison; false (with problem() set) when it cannot start.
    bool start();
    bool isRunning() const;
    // Why the comparison cannot start or why it failed; empty when there is no problem.
    QString problem() const;
    const std::optional<ComparisonReport> &report() const { return report_; }
    // The report as JSON, written to a temporary name and renamed. False with problem() set on failure.
    bool saveReport(const QString &path);

    void setMapShows(MapShows shows);
    MapShows mapShows() const;

    QTableWidget *table() const { return table_; }
    QLabel *summaryLabel() const { return summary_; }
    QPushButton *compareButton() const { return compare_; }

signals:
    void comparisonFinished(bool succeeded);
    // What the map should show now: the labels and boxes of the chosen model (empty for none).
    void mapResultsChanged(const std::vector<geolens::TileLabel> &labels, const std::vector<geolens::MapBox> &boxes);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void taskChanged();
    void chooseFolder(QLineEdit *edit, const QString &title);
    void showReport();
    void emitMapResults();
    void setProblem(const QString &text);
    void saveSettings() const;
    ComparisonTask currentTask() const;
    QString tilesText() const;

    std::shared_ptr<const RasterDataset> raster_;
    DisplaySettings display_;
    double overlap_ = 0.0;
    QList<int> tiles_;
    ModelLoadOptions loadOptions_;
    std::optional<ComparisonReport> report_;

    QLabel *teacherLabel_, *studentLabel_, *teacherDeviceLabel_, *studentDeviceLabel_, *taskLabel_, *textLabel_,
        *tilesLabel_, *mapLabel_;
    QLineEdit *teacher_, *student_, *text_;
    QPushButton *teacherBrowse_, *studentBrowse_, *compare_, *save_;
    DeviceComboBox *teacherDevice_, *studentDevice_;
    QComboBox *task_;
    GpuInventory *gpus_;
    QLabel *problem_, *summary_;
    QTableWidget *table_;
    QButtonGroup *mapGroup_;
    TaskRunner *runner_; // the comparison
    QList<QRadioButton *> mapButtons_;
    // What the user typed for each task, so switching tasks loses nothing.
    QStringList texts_;
    int shownTask_ = 0;
};

} // namespace geolens
