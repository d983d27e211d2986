#pragma once

#include "raster/DisplaySettings.h"

namespace geolens {
class RasterDataset;
}

namespace geolens::cli {

class CliArguments;

// The colours of the tiles a verb renders (tiles, analyze, compare), as the GUI's Display panel
// sets them: the raster's defaults (StretchEstimator::defaultsFor), then --bands R,G,B or --bands N
// and --stretch none|minmax|cut|LOW:HIGH[,LOW:HIGH,LOW:HIGH] (custom limits, one pair for every
// displayed band or one per band). Stretches come back computed. Throws UsageError.
DisplaySettings displaySettingsFromArguments(const CliArguments &arguments, const RasterDataset &raster);

} // namespace geolens::cli
