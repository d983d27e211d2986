#pragma once

#include "model/ImagePreprocessor.h"

#include <cstdint>
#include <string>

namespace geolens::cli {

// The most pixels an image may declare: more is refused before decoding (a PNG header may claim
// 100000 x 100000 pixels in a few bytes).
constexpr std::uint64_t MaxImagePixels = std::uint64_t(1) << 28;

// Why the file cannot be an image to read, from its header alone; empty when it can. Checks that
// it is a regular file (a pipe would block the read), not empty, of a format the build reads, and,
// for PNG, JPEG, BMP and PPM/PGM, that its declared size is within MaxImagePixels.
std::string checkImageFile(const std::string &path);

// Binary PPM/PGM always; with the full build, anything OpenCV decodes (PNG, JPEG, TIFF...).
// Throws FileError naming the file, for what checkImageFile refuses and for what fails to decode.
RgbImage readImageFile(const std::string &path);

} // namespace geolens::cli
