#include "TestRasters.h"

#include "raster/GdalEnvironment.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace geolens::test {

std::string writeRaster(const std::string &path, const RasterSpec &spec)
{
    initializeGdal();
    GDALDriver *driver = GetGDALDriverManager()->GetDriverByName(spec.driver.c_str());
    if (!driver)
        throw std::runtime_error("no GDAL driver " + spec.driver);
    const GDALDataType type = GDALGetDataTypeByName(spec.dataType.c_str());
    CPLStringList options;
    if (spec.tiled) {
        options.SetNameValue("TILED", "YES");
        options.SetNameValue("COMPRESS", "DEFLATE");
    }
    if (spec.sparse)
        options.SetNameValue("SPARSE_OK", "TRUE");
    if (spec.bands > 1 && !spec.sparse)
        options.SetNameValue("INTERLEAVE", "PIXEL");
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), spec.width, spec.height, spec.bands, type, options.List()));
    if (!ds)
        throw std::runtime_error("cannot create " + path + ": " + CPLGetLastErrorMsg());
    if (spec.geoTransform) {
        std::array<double, 6> gt = *spec.geoTransform;
        ds->SetGeoTransform(gt.data());
    }
    if (spec.epsg) {
        OGRSpatialReference srs;
        srs.importFromEPSG(*spec.epsg);
        ds->SetSpatialRef(&srs);
    }
    for (const auto &[key, value] : spec.metadata)
        ds->SetMetadataItem(key.c_str(), value.c_str());
    for (int b = 1; b <= spec.bands; ++b) {
        GDALRasterBand *band = ds->GetRasterBand(b);
        if (spec.nodata)
            band->SetNoDataValue(*spec.nodata);
        if (b <= 4 && spec.colorInterpretation[b - 1])
            band->SetColorInterpretation(GDALGetColorInterpretationByName(spec.colorInterpretation[b - 1]));
        if (b <= static_cast<int>(spec.descriptions.size()))
            band->SetDescription(spec.descriptions[b - 1].c_str());
        auto items = spec.bandMetadata.find(b);
        for (const auto &[key, value] : items == spec.bandMetadata.end() ? std::map<std::string, std::string>() : items->second) {
            const std::size_t colon = key.find(':');
            if (colon == std::string::npos)
                band->SetMetadataItem(key.c_str(), value.c_str());
            else
                band->SetMetadataItem(key.substr(colon + 1).c_str(), value.c_str(), key.substr(0, colon).c_str());
        }
        if (b == 1 && spec.colorTable) {
            GDALColorTable table;
            for (int i = 0; i < 256; ++i) {
                const GDALColorEntry entry{static_cast<short>(i), static_cast<short>(i), static_cast<short>(i), 255};
                table.SetColorEntry(i, &entry);
            }
            band->SetColorTable(&table);
        }
        if (spec.sparse)
            continue;
        std::vector<double> row(spec.width);
        for (int y = 0; y < spec.height; ++y) {
            for (int x = 0; x < spec.width; ++x)
                row[x] = spec.value(b, x, y);
            if (band->RasterIO(GF_Write, 0, y, spec.width, 1, row.data(), spec.width, 1, GDT_Float64, 0, 0) != CE_None)
                throw std::runtime_error("cannot write " + path);
        }
    }
    if (spec.overviewLevels) {
        int levels[2] = {(*spec.overviewLevels)[0], (*spec.overviewLevels)[1]};
        if (ds->BuildOverviews("AVERAGE", 2, levels, 0, nullptr, nullptr, nullptr) != CE_None)
            throw std::runtime_error("cannot build overviews for " + path);
    }
    ds.reset();
    return path;
}

std::string writeNetcdfContainer(const std::string &path)
{
    // netCDF classic (CDF-1) layout, big-endian: magic, record count, dimension list, global
    // attributes (absent), variable list, then the data of each variable.
    std::string bytes;
    auto int32 = [&bytes](std::int32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.push_back(static_cast<char>((v >> shift) & 0xff));
    };
    auto name = [&](const std::string &n) {
        int32(static_cast<std::int32_t>(n.size()));
        bytes += n;
        bytes.append((4 - n.size() % 4) % 4, '\0');
    };
    const std::int32_t NcDimension = 0x0A, NcVariable = 0x0B, NcByte = 1;
    bytes = "CDF\x01";
    int32(0);
    int32(NcDimension);
    int32(2);
    name("y");
    int32(4);
    name("x");
    int32(4);
    int32(0); // no global attributes
    int32(0);
    int32(NcVariable);
    int32(2);
    std::vector<std::size_t> beginFields;
    for (const char *var : {"a", "b"}) {
        name(var);
        int32(2); // dimensions: y, x
        int32(0);
        int32(1);
        int32(0); // no attributes
        int32(0);
        int32(NcByte);
        int32(16); // vsize
        beginFields.push_back(bytes.size());
        int32(0); // begin, patched below
    }
    const std::size_t dataStart = bytes.size();
    for (std::size_t i = 0; i < beginFields.size(); ++i) {
        const auto begin = static_cast<std::uint32_t>(dataStart + i * 16);
        for (int k = 0; k < 4; ++k)
            bytes[beginFields[i] + k] = static_cast<char>((begin >> (24 - 8 * k)) & 0xff);
    }
    for (int i = 0; i < 32; ++i)
        bytes.push_back(static_cast<char>(i));
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size())
        throw std::runtime_error("cannot write " + path);
    std::fclose(f);
    return path;
}

std::string sampleDataDir()
{
#ifdef GEOLENS_SAMPLE_DATA_DIR
    return GEOLENS_SAMPLE_DATA_DIR;
#else
    return {};
#endif
}

} // namespace geolens::test
