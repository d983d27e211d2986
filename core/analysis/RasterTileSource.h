#pragma once

#include "distill/AspectTargetJob.h"
#include "geometry/TileGrid.h"
#include "raster/CoordinateTransformer.h"
#include "raster/DisplaySettings.h"

#include <memory>
#include <vector>

namespace geolens {

class RasterDataset;

// A raster's tiles as the teacher pass reads them: each tile's valid part rendered with the
// display settings (as the model sees it in analysis), its footprint in the raster's CRS, "tile N"
// as its id. Tiles without data give no image.
class RasterTileSource : public TileSampleSource {
public:
    // tileIds empty: every tile of the grid. Throws InvalidArgument for an id outside the grid.
    RasterTileSource(std::shared_ptr<const RasterDataset> raster, DisplaySettings display, const TileGrid &grid,
                     const std::vector<int> &tileIds = {});

    std::size_t size() const override { return tiles_.size(); }
    std::string id(std::size_t index) const override;
    TileSample read(std::size_t index) const override;

private:
    std::shared_ptr<const RasterDataset> raster_;
    DisplaySettings display_;
    CoordinateTransformer coords_;
    std::vector<Tile> tiles_;
};

} // namespace geolens
