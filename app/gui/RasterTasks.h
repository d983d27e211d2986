#pragma once

#include "raster/DisplaySettings.h"

#include <QList>
#include <QObject>
#include <QString>

namespace geolens {

class AnalysisSession;
class TaskRunner;

// The raster's work for the workbench, on the window's TaskRunner: opening a file (its header and
// a decimated sample for the stretch, off the GUI thread since a large raster without overviews
// takes a while), completing a display stretch, writing tiles and building overviews. The raster
// it opens goes into the AnalysisSession; opening and stretching are reads that run beside a job,
// and a newer one replaces an older one.
class RasterTasks : public QObject {
    Q_OBJECT

public:
    RasterTasks(AnalysisSession *session, TaskRunner *runner, QObject *parent = nullptr);

    // Emits opened, or failed and openFailed.
    void open(const QString &path);
    // Forgets the reads under way and empties the session's raster.
    void close();
    // Bands of requested without a stretch get one from the raster (the full 0..1 range when
    // they cannot be sampled); emits displayReady. Settings that need nothing come straight back.
    void completeDisplay(const DisplaySettings &requested);
    // Writes the tiles of the grid at overlap (a fraction of the tile size) into dir, the ones in
    // tileIds or all when it is empty, as the display shows them. Emits tileExportFinished.
    void exportTiles(const QString &dir, const DisplaySettings &display, const QList<int> &tileIds, double overlap);
    // Builds FILE.ovr for the open raster, then opens it again; emits overviewBuildFinished.
    void buildOverviews();

signals:
    // The session holds the raster by now; settings are how it is shown first.
    void opened(const QString &path, const geolens::DisplaySettings &settings);
    void openFailed(const QString &message);
    void displayReady(const geolens::DisplaySettings &settings);
    void tileExportFinished(bool ok, const QString &message);
    void overviewBuildFinished(bool ok);
    // For the window: an error worth a dialog, and a line for the status bar (empty: clear it).
    void failed(const QString &title, const QString &summary, const QString &details);
    void statusMessage(const QString &message, int timeoutMs);

private:
    AnalysisSession *session_;
    TaskRunner *runner_;
};

} // namespace geolens
