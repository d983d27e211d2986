#include "RasterTasks.h"

#include "AnalysisSession.h"
#include "TaskRunner.h"
#include "common/JobProgress.h"
#include "geometry/TileGrid.h"
#include "raster/OverviewBuildJob.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"
#include "tiling/TileExportJob.h"

#include <QFileInfo>

#include <algorithm>
#include <memory>

namespace geolens {

namespace {

// Past this size a zoomed-out view without overviews reads most of the file.
constexpr int LargeWithoutOverviews = 8192;
// The task runner's channels for the reads made as the user goes.
const QString OpenChannel = QStringLiteral("open");
const QString StretchChannel = QStringLiteral("stretch");

struct OpenedRaster {
    std::shared_ptr<const RasterDataset> raster;
    DisplaySettings settings;
};

} // namespace

RasterTasks::RasterTasks(AnalysisSession *session, TaskRunner *runner, QObject *parent)
    : QObject(parent), session_(session), runner_(runner)
{
}

void RasterTasks::open(const QString &path)
{
    const QString name = QFileInfo(path).fileName();
    emit statusMessage(tr("Opening %1...").arg(name), 0);
    runner_->runLatest(
        OpenChannel,
        [path](const JobProgress &) {
            OpenedRaster r;
            std::shared_ptr<RasterDataset> raster = RasterDataset::open(path.toStdString());
            r.settings = StretchEstimator::defaultsFor(*raster);
            r.raster = std::move(raster);
            return r;
        },
        [this, path, name](TaskOutcome, std::optional<OpenedRaster> result, const QString &error) {
            emit statusMessage(QString(), 0);
            if (!result) {
                emit failed(tr("Cannot open raster"), tr("GeoLens cannot open %1.").arg(name), error);
                emit openFailed(error);
                return;
            }
            runner_->forget(StretchChannel); // a stretch for the raster before
            session_->setRaster(result->raster);
            const RasterMetadata &m = result->raster->metadata();
            QString summary = tr("Opened %1 (%2 x %3, %n band(s))", nullptr, m.bandCount()).arg(name).arg(m.width).arg(m.height);
            if (m.overviews.empty() && std::max(m.width, m.height) > LargeWithoutOverviews)
                summary += QLatin1Char(' ') + tr("No overviews: File > Build Overviews makes zoomed-out views fast.");
            emit statusMessage(summary, 15000);
            emit opened(path, result->settings);
        });
}

void RasterTasks::close()
{
    runner_->forget(OpenChannel);
    runner_->forget(StretchChannel);
    session_->setRaster(nullptr);
}

void RasterTasks::completeDisplay(const DisplaySettings &requested)
{
    const std::shared_ptr<const RasterDataset> raster = session_->raster();
    if (!raster)
        return;
    if (requested.bandsMissingStretch().empty()) {
        emit displayReady(requested);
        return;
    }
    emit statusMessage(tr("Computing the display stretch..."), 0);
    runner_->runLatest(
        StretchChannel,
        [raster, requested](const JobProgress &) {
            DisplaySettings s = requested;
            try {
                StretchEstimator::complete(*raster, s);
            } catch (const std::exception &) {
                // A band that cannot be sampled is shown with the full 0..1 range rather than not at all.
                for (int band : s.bandsMissingStretch())
                    s.stretches[band] = BandStretch{0.0, 1.0};
            }
            return s;
        },
        [this](TaskOutcome, std::optional<DisplaySettings> done, const QString &) {
            emit statusMessage(QString(), 0);
            if (done)
                emit displayReady(*done);
        });
}

void RasterTasks::exportTiles(const QString &dir, const DisplaySettings &display, const QList<int> &tileIds,
                              double overlap)
{
    const std::shared_ptr<const RasterDataset> raster = session_->raster();
    if (!raster)
        return;
    TileExportOptions options;
    options.tileSize = TileGrid::DefaultTileSize;
    options.overlap = overlap;
    options.outputDir = dir.toStdString();
    options.tileIds.assign(tileIds.begin(), tileIds.end());
    const int tileCount = tileIds.isEmpty() ? TileGrid(raster->width(), raster->height(), options.tileSize, overlap).count()
                                            : static_cast<int>(tileIds.size());
    const TileExportJob work(raster, display, options);
    runner_->run(
        TaskRunner::Task{tr("Export Tiles"), tr("Writing %n tile(s)...", nullptr, tileCount)},
        [work](const JobProgress &progress) { work.run(progress); },
        [this, dir](TaskOutcome outcome, const QString &error) {
            if (outcome == TaskOutcome::Canceled) {
                emit statusMessage(tr("Tile export canceled; the tiles written so far are complete."), 8000);
                emit tileExportFinished(false, tr("Canceled"));
            } else if (outcome == TaskOutcome::Failed) {
                emit failed(tr("Tile export failed"), tr("The tiles could not be written to %1.").arg(dir), error);
                emit tileExportFinished(false, error);
            } else {
                emit statusMessage(tr("Tiles written to %1").arg(dir), 8000);
                emit tileExportFinished(true, dir);
            }
        });
}

void RasterTasks::buildOverviews()
{
    if (!session_->raster())
        return;
    const QString path = QString::fromStdString(session_->raster()->path());
    const QString name = QFileInfo(path).fileName();
    const OverviewBuildJob work(path.toStdString());
    runner_->run(
        TaskRunner::Task{tr("Build Overviews"), tr("Building overviews for %1...").arg(name)},
        [work](const JobProgress &progress) { work.run(progress); },
        [this, path, name](TaskOutcome outcome, const QString &error) {
            if (outcome == TaskOutcome::Canceled) {
                emit statusMessage(tr("Building overviews canceled; nothing was written."), 8000);
            } else if (outcome == TaskOutcome::Failed) {
                emit failed(tr("Cannot build overviews"), tr("Overviews for %1 could not be built.").arg(name), error);
            } else {
                emit statusMessage(tr("Overviews built; reopening %1").arg(name), 8000);
                open(path); // the new .ovr file is only seen by a fresh handle
            }
            emit overviewBuildFinished(outcome == TaskOutcome::Succeeded);
        });
}

} // namespace geolens
