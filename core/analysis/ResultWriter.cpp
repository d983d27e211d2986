#include "analysis/ResultWriter.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "raster/GdalEnvironment.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <sstream>
#include <unistd.h>

namespace geolens {

namespace {

namespace fs = std::filesystem;

std::string lowerExtension(const std::string &path)
{
    std::string ext = fs::path(path).extension().string();
    for (char &c : ext)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

std::string csvField(const std::string &value)
{
    if (value.find_first_of(",\"\n\r") == std::string::npos)
        return value;
    std::string quoted = "\"";
    for (char c : value)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

} // namespace

void writeAnalysisFeatures(const std::string &path, const std::vector<AnalysisFeature> &features,
                           const RasterMetadata &raster)
{
    initializeGdal();
    const std::string ext = lowerExtension(path);
    const char *driverName = ext == ".gpkg" ? "GPKG" : (ext == ".geojson" || ext == ".json") ? "GeoJSON" : nullptr;
    if (!driverName)
        throw FileError(path, "has an extension GeoLens does not write; use .gpkg, .geojson or .csv.");
    GDALDriver *driver = GetGDALDriverManager()->GetDriverByName(driverName);
    if (!driver)
        throw FileError(path, std::string("this GDAL has no ") + driverName + " driver.");

    // Same folder and extension, so the rename is atomic and the driver sees its format.
    const fs::path target(path);
    const fs::path temporary = target.parent_path() / (target.stem().string() + ".tmp-" + std::to_string(::getpid()) + ext);
    std::error_code ec;
    fs::remove(temporary, ec);
    GdalErrorCapture errors;
    {
        GDALDatasetUniquePtr ds(driver->Create(temporary.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds)
            throw FileError(path, "cannot be created (" + errors.lastError() + ").");
        OGRSpatialReference srs;
        const bool haveSrs = !raster.crsWkt.empty() && srs.importFromWkt(raster.crsWkt.c_str()) == OGRERR_NONE;
        if (haveSrs)
            srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        OGRLayer *layer = ds->CreateLayer("results", haveSrs ? &srs : nullptr, wkbPolygon, nullptr);
        if (!layer)
            throw FileError(path, "cannot hold a results layer (" + errors.lastError() + ").");
        const std::pair<const char *, OGRFieldType> fields[] = {
            {"tile_id", OFTInteger}, {"task", OFTString},   {"prompt", OFTString},  {"answer", OFTString},
            {"label", OFTString},    {"score", OFTReal},    {"matched", OFTInteger}, {"angle", OFTReal},
            {"model", OFTString},    {"details", OFTString},
        };
        for (const auto &[name, type] : fields) {
            OGRFieldDefn field(name, type);
            if (layer->CreateField(&field) != OGRERR_NONE)
                throw FileError(path, std::string("cannot add the field ") + name + ".");
        }
        const bool transaction = ds->StartTransaction() == OGRERR_NONE;
        for (const AnalysisFeature &f : features) {
            OGRFeature feature(layer->GetLayerDefn());
            feature.SetField("tile_id", f.tileId);
            feature.SetField("task", f.task.c_str());
            feature.SetField("prompt", f.prompt.c_str());
            feature.SetField("answer", f.answer.c_str());
            feature.SetField("label", f.label.c_str());
            feature.SetField("score", f.score);
            feature.SetField("matched", f.matched ? 1 : 0);
            feature.SetField("angle", f.angle);
            feature.SetField("model", f.model.c_str());
            feature.SetField("details", f.details.c_str());
            OGRLinearRing ring;
            for (const MapPoint &p : f.polygon)
                ring.addPoint(p.x, p.y);
            ring.closeRings();
            OGRPolygon polygon;
            polygon.addRing(&ring);
            feature.SetGeometry(&polygon);
            if (layer->CreateFeature(&feature) != OGRERR_NONE)
                throw FileError(path, "writing a feature failed (" + errors.lastError() + ").");
        }
        if (transaction && ds->CommitTransaction() != OGRERR_NONE)
            throw FileError(path, "writing the features failed (" + errors.lastError() + ").");
    }
    fs::rename(temporary, target, ec);
    if (ec) {
        fs::remove(temporary);
        throw FileError(path, "cannot be replaced: " + ec.message() + ".");
    }
}

void writeAnalysisTable(const std::string &path, const std::vector<AnalysisFeature> &features)
{
    std::ostringstream out;
    out << "tile_id,task,prompt,answer,label,score,matched,angle,model,details\n";
    out << std::setprecision(10);
    for (const AnalysisFeature &f : features)
        out << f.tileId << ',' << csvField(f.task) << ',' << csvField(f.prompt) << ',' << csvField(f.answer) << ','
            << csvField(f.label) << ',' << f.score << ',' << (f.matched ? 1 : 0) << ',' << f.angle << ','
            << csvField(f.model) << ',' << csvField(f.details) << '\n';
    writeFileAtomically(path, out.str());
}

} // namespace geolens
