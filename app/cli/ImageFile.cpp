#include "cli/ImageFile.h"

#include "common/Error.h"
#include "distill/InstructionDataset.h"
#include "model/PortablePixmap.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#ifdef GEOLENS_WITH_RASTER
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

namespace geolens::cli {

namespace {

struct Size {
    std::uint64_t width = 0, height = 0;
};

std::uint32_t bigEndian(const unsigned char *p, int bytes)
{
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v = (v << 8) | p[i];
    return v;
}

std::uint32_t littleEndian(const unsigned char *p, int bytes)
{
    std::uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

// The size a JPEG declares in its first start-of-frame marker.
std::optional<Size> jpegSize(const std::vector<unsigned char> &h)
{
    std::size_t i = 2;
    while (i + 9 < h.size()) {
        if (h[i] != 0xFF) {
            ++i;
            continue;
        }
        const unsigned char marker = h[i + 1];
        if (marker == 0xFF) {
            ++i;
            continue;
        }
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            return Size{bigEndian(&h[i + 7], 2), bigEndian(&h[i + 5], 2)};
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            i += 2;
            continue;
        }
        i += 2 + bigEndian(&h[i + 2], 2);
    }
    return std::nullopt;
}

std::optional<Size> pnmSize(const std::vector<unsigned char> &h)
{
    std::string text(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(h.size(), 512)));
    std::istringstream in(text.substr(2));
    std::uint64_t values[2] = {0, 0};
    for (std::uint64_t &v : values) {
        in >> std::ws;
        while (in.peek() == '#') {
            std::string comment;
            std::getline(in, comment);
            in >> std::ws;
        }
        if (!(in >> v))
            return std::nullopt;
    }
    return Size{values[0], values[1]};
}

} // namespace

std::string checkImageFile(const std::string &path)
{
    namespace fs = std::filesystem;
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status))
        return "it does not exist";
    if (!fs::is_regular_file(status))
        return "it is not a regular file";
    if (fs::file_size(path, error) == 0)
        return "it is empty";
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return "it cannot be opened";
    std::vector<unsigned char> header(256 * 1024);
    in.read(reinterpret_cast<char *>(header.data()), static_cast<std::streamsize>(header.size()));
    header.resize(static_cast<std::size_t>(in.gcount()));
    const auto starts = [&](const char *magic, std::size_t n) {
        return header.size() >= n && std::memcmp(header.data(), magic, n) == 0;
    };

    std::optional<Size> size;
    if (starts("\x89PNG\r\n\x1a\n", 8)) {
        if (header.size() < 24 || std::memcmp(&header[12], "IHDR", 4) != 0)
            return "its PNG header is cut or damaged";
        size = Size{bigEndian(&header[16], 4), bigEndian(&header[20], 4)};
    } else if (starts("\xFF\xD8", 2)) {
        size = jpegSize(header);
        if (!size)
            return "its JPEG header has no frame size";
    } else if (starts("BM", 2) && header.size() >= 26) {
        size = Size{littleEndian(&header[18], 4), static_cast<std::uint64_t>(std::abs(static_cast<std::int32_t>(littleEndian(&header[22], 4))))};
    } else if (header.size() > 2 && header[0] == 'P' && (header[1] == '5' || header[1] == '6')) {
        size = pnmSize(header);
        if (!size)
            return "its PPM/PGM header is damaged";
    } else {
#ifdef GEOLENS_WITH_RASTER
        if (!cv::haveImageReader(path))
            return "it is not an image format GeoLens reads";
#else
        return "this build reads PPM/PGM images only";
#endif
    }
    return size ? imageSizeProblem(size->width, size->height) : std::string();
}

RgbImage readImageFile(const std::string &path)
{
    const std::string problem = checkImageFile(path);
    if (!problem.empty())
        throw FileError(path, "cannot be read as an image: " + problem + ".");
    std::ifstream probe(path, std::ios::binary);
    char magic[2] = {0, 0};
    probe.read(magic, 2);
    if (magic[0] == 'P' && (magic[1] == '5' || magic[1] == '6'))
        return readPortablePixmap(path);
#ifdef GEOLENS_WITH_RASTER
    cv::Mat bgr;
    try {
        bgr = cv::imread(path, cv::IMREAD_COLOR);
    } catch (const cv::Exception &e) {
        throw FileError(path, "cannot be decoded: " + e.msg);
    }
    if (bgr.empty())
        throw FileError(path, "is not an image GeoLens can read, or it is cut or damaged.");
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
