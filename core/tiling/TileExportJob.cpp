#include "tiling/TileExportJob.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonIo.h"
#include "geometry/TileGrid.h"
#include "raster/CoordinateTransformer.h"
#include "raster/RasterDataset.h"
#include "raster/RasterRenderer.h"
#include "raster/StretchEstimator.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>

namespace geolens {

namespace {

std::string tileFileName(const Tile &tile, int digits)
{
    auto pad = [digits](int v) {
        std::string s = std::to_string(v);
        return std::string(std::max(0, digits - static_cast<int>(s.size())), '0') + s;
    };
    return "tile_r" + pad(tile.row) + "_c" + pad(tile.col) + ".png";
}

Json footprintRing(const CoordinateTransformer &coords, const Tile &tile)
{
    const PixelRect r = tile.validRect();
    const double corners[4][2] = {
        {double(r.x), double(r.y)},
        {double(r.x), double(r.bottom())},
        {double(r.right()), double(r.bottom())},
        {double(r.right()), double(r.y)},
    };
    std::vector<MapPoint> points;
    for (const auto &c : corners)
        points.push_back(coords.pixelToMap(c[0], c[1]));
    // RFC 7946 wants exterior rings counter-clockwise; a north-up raster gives that in this order,
    // a south-up or pixel-space one the reverse.
    double area2 = 0.0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const MapPoint &a = points[i];
        const MapPoint &b = points[(i + 1) % points.size()];
        area2 += a.x * b.y - b.x * a.y;
    }
    if (area2 < 0)
        std::reverse(points.begin(), points.end());
    Json ring = Json::array();
    for (const MapPoint &p : points)
        ring.push_back({p.x, p.y});
    ring.push_back(ring.front());
    return ring;
}

void writePng(const std::string &path, const std::vector<std::uint8_t> &rgb, int size)
{
    cv::Mat bgr(size, size, CV_8UC3);
    for (std::size_t i = 0; i < static_cast<std::size_t>(size) * size; ++i) {
        bgr.data[i * 3 + 0] = rgb[i * 3 + 2];
        bgr.data[i * 3 + 1] = rgb[i * 3 + 1];
        bgr.data[i * 3 + 2] = rgb[i * 3 + 0];
    }
    std::vector<uchar> encoded;
    if (!cv::imencode(".png", bgr, encoded))
        throw FileError(path, "PNG encoding failed.");
    AtomicFile file(path);
    file.write(encoded.data(), encoded.size());
    file.commit();
}

} // namespace

TileExportJob::TileExportJob(std::shared_ptr<const RasterDataset> dataset, DisplaySettings settings,
                             TileExportOptions options)
    : dataset_(std::move(dataset)), settings_(std::move(settings)), options_(std::move(options))
{
}

TileExportResult TileExportJob::run(const JobProgress &progress) const
{
    const RasterMetadata &m = dataset_->metadata();
    const TileGrid grid(m.width, m.height, options_.tileSize, options_.overlap);

    std::vector<int> ids = options_.tileIds;
    if (ids.empty()) {
        for (int i = 0; i < grid.count(); ++i)
            ids.push_back(i);
    }
    for (int id : ids)
        grid.tile(id); // validates before anything is written

    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path dir(options_.outputDir);
    if (options_.outputDir.empty())
        throw InvalidArgument("No output folder was given for the tiles.");
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw FileError(options_.outputDir, "exists and is not a folder.");
    fs::create_directories(dir, ec);
    if (ec)
        throw FileError(options_.outputDir, "cannot create the folder: " + ec.message() + ".");

    DisplaySettings settings = settings_;
    progress.report(0, static_cast<std::int64_t>(ids.size()), "stretch");
    StretchEstimator::complete(*dataset_, settings);

    const CoordinateTransformer coords(m);
    const int digits = static_cast<int>(std::to_string(std::max(grid.rows(), grid.columns()) - 1).size());

    Json features = Json::array();
    TileExportResult result;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        progress.throwIfCanceled();
        const Tile tile = grid.tile(ids[i]);
        const std::string name = tileFileName(tile, digits);
        writePng((dir / name).string(),
                 RasterRenderer::renderTileRgb(*dataset_, settings, tile.validRect(), tile.size),
                 tile.size);
        features.push_back({
            {"type", "Feature"},
            {"properties",
             {{"id", tile.id},
              {"col", tile.col},
              {"row", tile.row},
              {"x_off", tile.xOff},
              {"y_off", tile.yOff},
              {"valid_width", tile.validWidth},
              {"valid_height", tile.validHeight},
              {"file", name}}},
            {"geometry", {{"type", "Polygon"}, {"coordinates", Json::array({footprintRing(coords, tile)})}}},
        });
        ++result.tilesWritten;
        progress.report(static_cast<std::int64_t>(i + 1), static_cast<std::int64_t>(ids.size()), "tiles");
    }

    Json collection = {
        {"type", "FeatureCollection"},
        {"name", "tiles"},
        {"tile_size", grid.tileSize()},
        {"overlap", grid.overlap()},
        {"stride", grid.stride()},
        {"source", m.path},
        {"georeferenced", m.isGeoreferenced()},
        {"features", features},
    };
    if (m.epsg)
        collection["crs"] = {{"type", "name"},
                             {"properties", {{"name", "urn:ogc:def:crs:EPSG::" + std::to_string(*m.epsg)}}}};
    result.geojsonPath = (dir / "tiles.geojson").string();
    writeFileAtomically(result.geojsonPath, dumpJson(collection, 1) + "\n");
    return result;
}

} // namespace geolens
