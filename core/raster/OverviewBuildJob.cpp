#include "raster/OverviewBuildJob.h"

#include "common/Error.h"
#include "raster/GdalEnvironment.h"

#include <gdal_priv.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace geolens {

namespace {

struct ProgressBridge {
    const JobProgress *progress;
};

int CPL_STDCALL reportProgress(double complete, const char *, void *data)
{
    const auto *bridge = static_cast<const ProgressBridge *>(data);
    bridge->progress->report(static_cast<std::int64_t>(complete * 1000.0), 1000, "overviews");
    return bridge->progress->isCanceled() ? FALSE : TRUE;
}

} // namespace

OverviewBuildJob::OverviewBuildJob(std::string path, std::string resampling)
    : path_(std::move(path)), resampling_(std::move(resampling))
{
}

std::vector<int> OverviewBuildJob::factorsFor(int width, int height)
{
    std::vector<int> factors;
    const int largest = std::max(width, height);
    for (int f = 2; largest / (f / 2) > SmallestOverview && f <= (1 << 20); f *= 2)
        factors.push_back(f);
    return factors;
}

std::vector<int> OverviewBuildJob::run(const JobProgress &progress) const
{
    initializeGdal();
    GdalErrorCapture errors;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path_.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds || ds->GetRasterCount() == 0)
        throw FileError(path_, "cannot be opened to build overviews" +
                                   (errors.lastError().empty() ? std::string(".") : " (" + errors.lastError() + ")."));
    if (ds->GetRasterBand(1)->GetOverviewCount() > 0)
        return {};
    std::vector<int> factors = factorsFor(ds->GetRasterXSize(), ds->GetRasterYSize());
    if (factors.empty())
        return {};

    const std::string ovr = path_ + ".ovr";
    const bool existed = std::filesystem::exists(ovr);
    ProgressBridge bridge{&progress};
    // Read-only open: GDAL writes the overviews to FILE.ovr and leaves FILE alone.
    const CPLErr err = ds->BuildOverviews(resampling_.c_str(), static_cast<int>(factors.size()), factors.data(),
                                          0, nullptr, reportProgress, &bridge);
    ds.reset();
    if (err != CE_None || progress.isCanceled()) {
        if (!existed)
            std::remove(ovr.c_str());
        progress.throwIfCanceled();
        throw FileError(path_, "building overviews failed" +
                                   (errors.lastError().empty() ? std::string(".") : " (" + errors.lastError() + ")."));
    }
    return factors;
}

} // namespace geolens
