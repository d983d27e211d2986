#include "analysis/ResultWriter.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "raster/GdalEnvironment.h"

#include <algorithm>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cpl_vsi.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
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

// The CRS as a CSV cell: its EPSG code where it has one (short, and what QGIS offers first),
// else its WKT.
std::string crsName(const OGRSpatialReference &srs)
{
    const char *authority = srs.GetAuthorityName(nullptr);
    const char *code = srs.GetAuthorityCode(nullptr);
    if (authority && code && std::string(authority) == "EPSG")
        return std::string("EPSG:") + code;
    char *wkt = nullptr;
    srs.exportToWkt(&wkt);
    std::string text = wkt ? wkt : "";
    CPLFree(wkt);
    return text;
}

} // namespace

void writeAnalysisFeatures(const std::string &path, const std::vector<AnalysisFeature> &features,
                           const RasterMetadata &raster)
{
    initializeGdal();
    const std::string ext = lowerExtension(path);
    const bool csv = ext == ".csv";
    const char *driverName = ext == ".gpkg"                        ? "GPKG"
                             : (ext == ".geojson" || ext == ".json") ? "GeoJSON"
                             : csv                                   ? "CSV"
                                                                     : nullptr;
    if (!driverName)
        throw FileError(path, "has an extension GeoLens does not write; use .gpkg, .geojson or .csv.");
    GDALDriver *driver = GetGDALDriverManager()->GetDriverByName(driverName);
    if (!driver)
        throw FileError(path, std::string("this GDAL has no ") + driverName + " driver.");

    // The driver writes into memory: GDAL's writers do not all check their writes (a full disk left
    // a cut GeoJSON that said it was written). The bytes then reach the disk through AtomicFile,
    // which checks every write, the flush and the close before it renames over the old file.
    const fs::path target(path);
    const std::string temporary = "/vsimem/geolens-results-" + std::to_string(::getpid()) + "-" +
                                  std::to_string(reinterpret_cast<std::uintptr_t>(&features)) + "/" +
                                  target.filename().string();
    struct MemoryFolder {
        std::string folder;
        ~MemoryFolder() { VSIRmdirRecursive(folder.c_str()); }
    } memory{fs::path(temporary).parent_path().string()};
    VSIMkdir(memory.folder.c_str(), 0755);
    std::string prj; // the CRS beside a CSV, as a shapefile's .prj has it
    GdalErrorCapture errors;
    {
        GDALDatasetUniquePtr ds(driver->Create(temporary.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds)
            throw FileError(path, "cannot be created (" + errors.lastError() + ").");
        OGRSpatialReference srs;
        const bool haveSrs = !raster.crsWkt.empty() && srs.importFromWkt(raster.crsWkt.c_str()) == OGRERR_NONE;
        if (haveSrs)
            srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        const char *csvOptions[] = {"GEOMETRY=AS_WKT", nullptr};
        OGRLayer *layer = ds->CreateLayer("results", haveSrs ? &srs : nullptr, wkbPolygon,
                                          csv ? const_cast<char **>(csvOptions) : nullptr);
        if (!layer)
            throw FileError(path, "cannot hold a results layer (" + errors.lastError() + ").");
        std::vector<std::pair<const char *, OGRFieldType>> fields = {
            {"tile_id", OFTInteger}, {"task", OFTString},   {"prompt", OFTString},  {"answer", OFTString},
            {"label", OFTString},    {"score", OFTReal},    {"matched", OFTInteger}, {"angle", OFTReal},
            {"model", OFTString},    {"details", OFTString},
        };
        // A table read without OGR (a spreadsheet, a script) still has the place and its CRS.
        if (csv)
            fields.insert(fields.end(), {{"centre_x", OFTReal}, {"centre_y", OFTReal}, {"crs", OFTString}});
        const std::string crs = haveSrs ? crsName(srs) : std::string();
        if (csv && haveSrs) {
            char *wkt = nullptr;
            const char *esri[] = {"FORMAT=WKT1_ESRI", nullptr};
            if (srs.exportToWkt(&wkt, esri) == OGRERR_NONE && wkt)
                prj = wkt;
            CPLFree(wkt);
            if (prj.empty())
                throw FileError(path, "its CRS cannot be written as a .prj (" + errors.lastError() + ").");
        }
        std::vector<std::string> measures;
        for (const AnalysisFeature &f : features)
            for (const auto &m : f.measures)
                if (std::find(measures.begin(), measures.end(), m.first) == measures.end())
                    measures.push_back(m.first);
        for (const std::string &name : measures)
            fields.emplace_back(name.c_str(), OFTReal);
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
            for (const auto &[name, value] : f.measures)
                feature.SetField(name.c_str(), value);
            OGRLinearRing ring;
            for (const MapPoint &p : f.polygon)
                ring.addPoint(p.x, p.y);
            ring.closeRings();
            OGRPolygon polygon;
            polygon.addRing(&ring);
            if (csv) {
                OGRPoint centre;
                if (polygon.Centroid(&centre) != OGRERR_NONE)
                    throw FileError(path, "the centre of a feature could not be computed (" + errors.lastError() + ").");
                feature.SetField("centre_x", centre.getX());
                feature.SetField("centre_y", centre.getY());
                feature.SetField("crs", crs.c_str());
            }
            feature.SetGeometry(&polygon);
            if (layer->CreateFeature(&feature) != OGRERR_NONE)
                throw FileError(path, "writing a feature failed (" + errors.lastError() + ").");
        }
        if (transaction && ds->CommitTransaction() != OGRERR_NONE)
            throw FileError(path, "writing the features failed (" + errors.lastError() + ").");
    }
    vsi_l_offset length = 0;
    const GByte *bytes = VSIGetMemFileBuffer(temporary.c_str(), &length, FALSE);
    if (!bytes || length == 0)
        throw FileError(path, "the driver wrote nothing (" + errors.lastError() + ").");
    AtomicFile output(path);
    output.write(bytes, static_cast<std::size_t>(length));
    // The .prj first: a table left without it would have no CRS beside it. A .prj of an earlier
    // table of that name would give this one a wrong CRS, so it goes when this one has none.
    if (csv) {
        const fs::path targetPrj = fs::path(target).replace_extension(".prj");
        std::error_code ec;
        if (prj.empty())
            fs::remove(targetPrj, ec);
        else
            writeFileAtomically(targetPrj.string(), prj);
    }
    output.commit();
}

} // namespace geolens
