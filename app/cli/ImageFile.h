#pragma once

#include "model/ImagePreprocessor.h"

#include <string>

namespace geolens::cli {

// Binary PPM/PGM always; with the full build, anything OpenCV decodes (PNG, JPEG, TIFF...).
// Throws FileError naming the file.
RgbImage readImageFile(const std::string &path);

} // namespace geolens::cli
