#include "analysis/RasterTileSource.h"

#include "analysis/AnalysisFeatures.h"
#include "analysis/TileImage.h"
#include "raster/RasterDataset.h"
#include "raster/StretchEstimator.h"

namespace geolens {

RasterTileSource::RasterTileSource(std::shared_ptr<const RasterDataset> raster, DisplaySettings display,
                                   const TileGrid &grid, const std::vector<int> &tileIds)
    : raster_(std::move(raster)), display_(std::move(display)), coords_(raster_->metadata()), tiles_(grid.tiles(tileIds))
{
    StretchEstimator::complete(*raster_, display_);
}

std::string RasterTileSource::id(std::size_t index) const
{
    return "tile " + std::to_string(tiles_.at(index).id);
}

TileSample RasterTileSource::read(std::size_t index) const
{
    const Tile &tile = tiles_.at(index);
    TileSample sample;
    sample.tileId = tile.id;
    sample.image = renderTileImage(*raster_, display_, tile);
    for (const MapPoint &p : tilePolygon(tile, coords_))
        sample.footprint.emplace_back(p.x, p.y);
    return sample;
}

} // namespace geolens
