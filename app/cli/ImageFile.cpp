#include "cli/ImageFile.h"

#include "common/Error.h"
#include "model/PortablePixmap.h"

#include <fstream>

#ifdef GEOLENS_WITH_RASTER
#include <opencv2/imgcodecs.hpp>
#endif

namespace geolens::cli {

RgbImage readImageFile(const std::string &path)
{
    std::ifstream probe(path, std::ios::binary);
    if (!probe)
        throw FileError(path, "the image cannot be opened.");
    char magic[2] = {0, 0};
    probe.read(magic, 2);
    if (magic[0] == 'P' && (magic[1] == '5' || magic[1] == '6'))
        return readPortablePixmap(path);
#ifdef GEOLENS_WITH_RASTER
    const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty())
        throw FileError(path, "is not an image GeoLens can read.");
    RgbImage image{bgr.cols, bgr.rows, std::vector<std::uint8_t>(static_cast<std::size_t>(bgr.cols) * bgr.rows * 3)};
    for (int y = 0; y < bgr.rows; ++y) {
        const std::uint8_t *row = bgr.ptr<std::uint8_t>(y);
        for (int x = 0; x < bgr.cols; ++x)
            for (int c = 0; c < 3; ++c)
                image.pixels[(static_cast<std::size_t>(y) * bgr.cols + x) * 3 + c] = row[x * 3 + 2 - c];
    }
    return image;
#else
    return readPortablePixmap(path); // explains that only PPM/PGM are read by this build
#endif
}

} // namespace geolens::cli
