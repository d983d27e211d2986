#include "cli/RasterCommands.h"

#include "cli/CliArguments.h"
#include "cli/DisplayOptions.h"
#include "cli/TerminalProgress.h"
#include "raster/DisplaySettings.h"
#include "raster/OverviewBuildJob.h"
#include "raster/RasterDataset.h"
#include "tiling/RasterInfoJson.h"
#include "tiling/TileExportJob.h"

#include <cctype>
#include <iostream>
#include <set>

namespace geolens::cli {

namespace {

const std::string &singleFile(const CliArguments &a, const char *verb)
{
    if (a.positional().size() != 1)
        throw UsageError{std::string(verb) + " needs exactly one raster file"};
    return a.positional().front();
}

} // namespace

int runInfo(const std::vector<std::string> &args)
{
    const CliArguments a(args, {}, {});
    const auto dataset = RasterDataset::open(singleFile(a, "info"));
    std::cout << rasterInfoJson(dataset->metadata()) << std::endl;
    return 0;
}

int runTiles(const std::vector<std::string> &args)
{
    const CliArguments a(args, {"size", "overlap", "out", "bands", "stretch"}, {});
    const std::string &path = singleFile(a, "tiles");
    TileExportOptions options;
    options.tileSize = a.intValue("size", 504);
    options.overlap = a.doubleValue("overlap", 0.0);
    const auto out = a.value("out");
    if (!out)
        throw UsageError{"tiles needs --out DIR"};
    options.outputDir = *out;
    if (options.tileSize < 1 || options.tileSize > 16384)
        throw UsageError{"--size must be between 1 and 16384 pixels"};
    if (!(options.overlap >= 0.0 && options.overlap <= 0.5))
        throw UsageError{"--overlap must be between 0 and 0.5"};

    std::shared_ptr<const RasterDataset> dataset = RasterDataset::open(path);
    const DisplaySettings settings = displaySettingsFromArguments(a, *dataset);

    TerminalProgress bar("tiles");
    const JobProgress progress([&bar](std::int64_t done, std::int64_t total, const std::string &) {
        bar.update(done, total);
    });
    const TileExportResult result = TileExportJob(dataset, settings, options).run(progress);
    std::cerr << "geolens-cli: wrote " << result.tilesWritten << " tiles and " << result.geojsonPath
              << std::endl;
    return 0;
}

int runOverviews(const std::vector<std::string> &args)
{
    const CliArguments a(args, {"resampling"}, {});
    const std::string &path = singleFile(a, "overviews");
    std::string resampling = a.value("resampling", "average");
    for (char &c : resampling)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    static const std::set<std::string> allowed{"NEAREST", "AVERAGE", "BILINEAR", "CUBIC", "MODE", "GAUSS", "LANCZOS"};
    if (!allowed.count(resampling))
        throw UsageError{"--resampling must be one of nearest, average, bilinear, cubic, mode, gauss, lanczos"};

    TerminalProgress bar("overviews");
    const JobProgress progress([&bar](std::int64_t done, std::int64_t total, const std::string &) {
        bar.update(done, total);
    });
    const std::vector<int> factors = OverviewBuildJob(path, resampling).run(progress);
    if (factors.empty()) {
        std::cerr << "geolens-cli: " << path << " already has overviews or is small enough without them" << std::endl;
    } else {
        std::cerr << "geolens-cli: wrote " << path << ".ovr with factors";
        for (int f : factors)
            std::cerr << ' ' << f;
        std::cerr << std::endl;
    }
    return 0;
}

} // namespace geolens::cli
