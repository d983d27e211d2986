#include "raster/GdalEnvironment.h"

#include <cpl_error.h>
#include <gdal.h>

#include <mutex>

namespace geolens {

void initializeGdal(std::int64_t blockCacheBytes)
{
    static std::once_flag once;
    std::call_once(once, [blockCacheBytes] {
        GDALAllRegister();
        GDALSetCacheMax64(blockCacheBytes);
    });
}

namespace {

void CPL_STDCALL captureHandler(CPLErr level, CPLErrorNum, const char *message)
{
    auto *capture = static_cast<std::string *>(CPLGetErrorHandlerUserData());
    if (capture && (level == CE_Failure || level == CE_Fatal) && message)
        *capture = message;
}

} // namespace

GdalErrorCapture::GdalErrorCapture()
{
    CPLPushErrorHandlerEx(captureHandler, &lastError_);
}

GdalErrorCapture::~GdalErrorCapture()
{
    CPLPopErrorHandler();
}

} // namespace geolens
