#pragma once

#include "common/JobProgress.h"
#include "raster/DisplaySettings.h"

#include <memory>
#include <string>
#include <vector>

namespace geolens {

class RasterDataset;

struct TileExportOptions {
    int tileSize = 504;
    double overlap = 0.0;
    std::string outputDir;
    std::vector<int> tileIds; // empty: every tile of the grid
};

struct TileExportResult {
    int tilesWritten = 0;
    std::string geojsonPath;
};

// Writes one RGB8 PNG per tile (after the display stretch, padding black) and tiles.geojson, one
// polygon per tile footprint (the part inside the raster) in the raster's CRS, with properties id,
// col, row, x_off, y_off, valid_width, valid_height and file. Every file is written under a
// temporary name and renamed, so an interrupted export leaves only complete files. Shared by the
// CLI's `tiles` verb and the GUI's export action.
class TileExportJob {
public:
    TileExportJob(std::shared_ptr<const RasterDataset> dataset, DisplaySettings settings,
                  TileExportOptions options);

    // Throws FileError / InvalidArgument with a message for the user, Canceled when canceled.
    TileExportResult run(const JobProgress &progress) const;

private:
    std::shared_ptr<const RasterDataset> dataset_;
    DisplaySettings settings_;
    TileExportOptions options_;
};

} // namespace geolens
