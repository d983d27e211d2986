#include "raster/RasterDataset.h"

#include "common/Error.h"
#include "raster/GdalEnvironment.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace geolens {

struct RasterDataset::Handle {
    GDALDatasetUniquePtr dataset;
    int alphaBand = 0; // 1-based, 0 when the raster has none
};

bool RasterMetadata::isByte() const
{
    return std::all_of(bands.begin(), bands.end(), [](const BandInfo &b) { return b.dataType == "Byte"; });
}

double RasterMetadata::pixelSizeX() const
{
    return std::hypot(geoTransform[1], geoTransform[4]);
}

double RasterMetadata::pixelSizeY() const
{
    return std::hypot(geoTransform[2], geoTransform[5]);
}

namespace {

std::string withReason(const std::string &problem, const std::string &gdalMessage)
{
    if (gdalMessage.empty())
        return problem + ".";
    return problem + " (" + gdalMessage + ").";
}

void checkReadableFile(const std::string &path)
{
    // GDAL also opens virtual paths (/vsizip/..., /vsicurl/...): only check real files.
    if (path.rfind("/vsi", 0) == 0)
        return;
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        throw FileError(path, "the file does not exist.");
    if (std::filesystem::is_directory(status))
        throw FileError(path, "this is a folder, not a raster file.");
    // A pipe, device or socket: reading it could wait forever (and GDAL would try).
    if (!std::filesystem::is_regular_file(status))
        throw FileError(path, "this is not a regular file (a pipe, device or socket), so it cannot be a raster.");
    std::ifstream probe(path, std::ios::binary);
    if (!probe)
        throw FileError(path, "the file cannot be read (permission denied?).");
    if (std::filesystem::file_size(path, ec) == 0)
        throw FileError(path, "the file is empty.");
}

// ENVI writes "wavelength" with "wavelength_units"; GDAL 3.10 writes CENTRAL_WAVELENGTH_UM in the
// IMAGERY domain. Values without a unit are taken as nanometres when above 100.
std::optional<double> bandWavelength(GDALRasterBand &band)
{
    if (const char *um = band.GetMetadataItem("CENTRAL_WAVELENGTH_UM", "IMAGERY")) {
        char *end = nullptr;
        const double v = std::strtod(um, &end);
        if (end != um && v > 0.0)
            return v;
    }
    for (const char *key : {"wavelength", "WAVELENGTH"}) {
        const char *text = band.GetMetadataItem(key);
        if (!text)
            continue;
        char *end = nullptr;
        const double v = std::strtod(text, &end);
        if (end == text || !(v > 0.0))
            continue;
        std::string units;
        for (const char *unitKey : {"wavelength_units", "WAVELENGTH_UNITS"})
            if (const char *u = band.GetMetadataItem(unitKey))
                units = u;
        for (char &c : units)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (units.rfind("nanomet", 0) == 0 || units == "nm" || (units.empty() && v > 100.0))
            return v / 1000.0;
        return v;
    }
    return std::nullopt;
}

RasterMetadata readMetadata(GDALDataset &ds, const std::string &path)
{
    RasterMetadata m;
    m.path = path;
    m.driver = ds.GetDriver() ? ds.GetDriver()->GetDescription() : "";
    m.width = ds.GetRasterXSize();
    m.height = ds.GetRasterYSize();
    for (int i = 1; i <= ds.GetRasterCount(); ++i) {
        GDALRasterBand *band = ds.GetRasterBand(i);
        BandInfo info;
        info.index = i;
        info.dataType = GDALGetDataTypeName(band->GetRasterDataType());
        int hasNodata = 0;
        const double nodata = band->GetNoDataValue(&hasNodata);
        if (hasNodata)
            info.nodata = nodata;
        info.colorInterpretation = GDALGetColorInterpretationName(band->GetColorInterpretation());
        info.description = band->GetDescription();
        info.hasColorTable = band->GetColorTable() != nullptr;
        info.wavelengthMicrometres = bandWavelength(*band);
        m.bands.push_back(info);
    }
    if (const OGRSpatialReference *srs = ds.GetSpatialRef()) {
        char *wkt = nullptr;
        const char *options[] = {"FORMAT=WKT2_2018", "MULTILINE=NO", nullptr};
        if (srs->exportToWkt(&wkt, options) == OGRERR_NONE && wkt)
            m.crsWkt = wkt;
        CPLFree(wkt);
        OGRSpatialReference identified(*srs);
        const char *authority = identified.GetAuthorityName(nullptr);
        if (!authority) {
            identified.AutoIdentifyEPSG();
            authority = identified.GetAuthorityName(nullptr);
        }
        if (authority && EQUAL(authority, "EPSG")) {
            if (const char *code = identified.GetAuthorityCode(nullptr))
                m.epsg = std::atoi(code);
        }
    }
    for (const char *domain : {"", "IMAGERY"}) {
        char **items = ds.GetMetadata(domain);
        for (int i = 0; items && items[i]; ++i) {
            char *key = nullptr;
            const char *value = CPLParseNameValue(items[i], &key);
            if (key && value)
                m.metadataItems[key] = value;
            CPLFree(key);
        }
    }
    double gt[6];
    if (ds.GetGeoTransform(gt) == CE_None) {
        m.hasGeoTransform = true;
        std::copy(gt, gt + 6, m.geoTransform.begin());
    }
    if (!m.bands.empty()) {
        GDALRasterBand *first = ds.GetRasterBand(1);
        for (int i = 0; i < first->GetOverviewCount(); ++i) {
            if (GDALRasterBand *ov = first->GetOverview(i))
                m.overviews.push_back({ov->GetXSize(), ov->GetYSize()});
        }
        std::sort(m.overviews.begin(), m.overviews.end(),
                  [](const OverviewInfo &a, const OverviewInfo &b) { return a.width > b.width; });
    }
    return m;
}

} // namespace

std::unique_ptr<RasterDataset> RasterDataset::open(const std::string &path)
{
    initializeGdal();
    checkReadableFile(path);

    GdalErrorCapture errors;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
    if (!ds)
        throw FileError(path, withReason("this is not a raster format GeoLens can read, or the file "
                                         "is damaged",
                                         errors.lastError()));
    if (ds->GetRasterCount() == 0) {
        // Containers (netCDF, HDF5, multi-image files) keep their rasters in subdatasets: say
        // which, so the user knows what to open instead.
        std::string hint;
        if (char **subdatasets = ds->GetMetadata("SUBDATASETS")) {
            const int count = CSLCount(subdatasets) / 2;
            if (const char *first = CSLFetchNameValue(subdatasets, "SUBDATASET_1_NAME"))
                hint = " It contains " + std::to_string(count) + " subdataset(s); open one of them, for example " +
                       first + ".";
        }
        throw FileError(path, "the file has no raster bands to display." + hint);
    }
    if (ds->GetRasterCount() > MaxBands)
        throw FileError(path, "the file claims " + std::to_string(ds->GetRasterCount()) +
                                  " bands, more than the " + std::to_string(MaxBands) +
                                  " GeoLens accepts; it is probably damaged.");
    if (ds->GetRasterXSize() <= 0 || ds->GetRasterYSize() <= 0)
        throw FileError(path, "the raster has no pixels.");

    auto handle = std::make_unique<Handle>();
    for (int i = 1; i <= ds->GetRasterCount(); ++i) {
        if (ds->GetRasterBand(i)->GetColorInterpretation() == GCI_AlphaBand) {
            handle->alphaBand = i;
            break;
        }
    }
    RasterMetadata metadata = readMetadata(*ds, path);
    const std::int64_t pixels = std::int64_t(metadata.width) * metadata.height;
    if (pixels > MaxPixels)
        throw FileError(path, "declares " + std::to_string(metadata.width) + " x " + std::to_string(metadata.height) +
                                  " pixels (" + std::to_string(pixels / 1000000000) +
                                  " gigapixels), more than the " + std::to_string(MaxPixels / 1000000000) +
                                  " gigapixels GeoLens reads; the file is damaged or not meant to be read whole.");
    handle->dataset = std::move(ds);
    std::unique_ptr<RasterDataset> raster(new RasterDataset(std::move(handle), std::move(metadata)));

    // A header can be intact while the pixel data is cut short: read the first and the last pixel
    // now, so a truncated file is refused at open instead of failing tile by tile later.
    const int w = raster->width();
    const int h = raster->height();
    try {
        raster->read({1}, {0, 0, 1, 1}, 1, 1);
        raster->read({1}, {w - 1, h - 1, 1, 1}, 1, 1);
    } catch (const FileError &e) {
        throw FileError(path, "the pixel data cannot be read; the file is probably truncated or "
                              "damaged (" +
                                  std::string(e.what()) + ")");
    }
    return raster;
}

RasterDataset::RasterDataset(std::unique_ptr<Handle> handle, RasterMetadata metadata)
    : handle_(std::move(handle)), metadata_(std::move(metadata))
{
}

RasterDataset::~RasterDataset() = default;

RasterWindow RasterDataset::read(const std::vector<int> &bands, const PixelRect &window,
                                 int outWidth, int outHeight) const
{
    if (outWidth <= 0 || outHeight <= 0 || window.isEmpty())
        throw InvalidArgument("A raster read needs a non-empty window and output size.");
    for (int b : bands) {
        if (b < 1 || b > metadata_.bandCount())
            throw InvalidArgument(metadata_.path + ": band " + std::to_string(b) +
                                  " does not exist; the raster has " +
                                  std::to_string(metadata_.bandCount()) + " bands.");
    }

    const std::int64_t values = std::int64_t(outWidth) * outHeight * std::max<std::size_t>(1, bands.size());
    if (values > MaxReadValues)
        throw InvalidArgument(metadata_.path + ": a read of " + std::to_string(outWidth) + " x " +
                              std::to_string(outHeight) + " pixels of " + std::to_string(bands.size()) +
                              " bands is more than GeoLens reads at once.");
    RasterWindow out;
    out.width = outWidth;
    out.height = outHeight;
    out.bandCount = static_cast<int>(bands.size());
    const std::size_t planeSize = static_cast<std::size_t>(outWidth) * outHeight;
    out.values.assign(planeSize * bands.size(), 0.0f);
    out.valid.assign(planeSize, 0);

    const PixelRect clip = window.intersected({0, 0, metadata_.width, metadata_.height});
    if (clip.isEmpty())
        return out;

    // Where the part inside the raster lands in the output buffer.
    const double sx = static_cast<double>(outWidth) / window.width;
    const double sy = static_cast<double>(outHeight) / window.height;
    const int dx0 = static_cast<int>(std::lround((clip.x - window.x) * sx));
    const int dy0 = static_cast<int>(std::lround((clip.y - window.y) * sy));
    const int dx1 = std::min(outWidth, static_cast<int>(std::lround((clip.right() - window.x) * sx)));
    const int dy1 = std::min(outHeight, static_cast<int>(std::lround((clip.bottom() - window.y) * sy)));
    const int dw = dx1 - dx0;
    const int dh = dy1 - dy0;
    if (dw <= 0 || dh <= 0)
        return out;

    std::vector<int> bandMap = bands;
    const bool readAlpha = handle_->alphaBand != 0 &&
                           std::find(bands.begin(), bands.end(), handle_->alphaBand) == bands.end();
    if (readAlpha)
        bandMap.push_back(handle_->alphaBand);

    const std::size_t subPlane = static_cast<std::size_t>(dw) * dh;
    std::vector<float> buffer(subPlane * bandMap.size());
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = GRIORA_NearestNeighbour;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        GdalErrorCapture errors;
        const CPLErr err = handle_->dataset->RasterIO(
            GF_Read, clip.x, clip.y, clip.width, clip.height, buffer.data(), dw, dh, GDT_Float32,
            static_cast<int>(bandMap.size()), bandMap.data(), 0, 0, 0, &extra);
        if (err != CE_None)
            throw FileError(metadata_.path,
                            withReason("reading pixels failed", errors.lastError()));
    }

    std::vector<std::uint8_t> subValid(subPlane, 1);
    for (std::size_t bi = 0; bi < bandMap.size(); ++bi) {
        const float *src = buffer.data() + bi * subPlane;
        const bool isAlpha = readAlpha && bi + 1 == bandMap.size();
        const std::optional<double> &nodata = metadata_.bands[bandMap[bi] - 1].nodata;
        const bool nodataIsNan = nodata && std::isnan(*nodata);
        const float nodataValue = nodata ? static_cast<float>(*nodata) : 0.0f;
        for (std::size_t i = 0; i < subPlane; ++i) {
            const float v = src[i];
            if (isAlpha ? v == 0.0f
                        : (std::isnan(v) || (nodata && !nodataIsNan && v == nodataValue)))
                subValid[i] = 0;
        }
    }

    for (int row = 0; row < dh; ++row) {
        const std::size_t dstRow = static_cast<std::size_t>(dy0 + row) * outWidth + dx0;
        const std::size_t srcRow = static_cast<std::size_t>(row) * dw;
        std::copy_n(subValid.begin() + srcRow, dw, out.valid.begin() + dstRow);
        for (std::size_t bi = 0; bi < bands.size(); ++bi)
            std::copy_n(buffer.begin() + bi * subPlane + srcRow, dw,
                        out.values.begin() + bi * planeSize + dstRow);
    }
    return out;
}

} // namespace geolens
