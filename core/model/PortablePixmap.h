#pragma once

#include "model/ImagePreprocessor.h"

#include <string>

namespace geolens {

// Reads a binary PPM (P6) or PGM (P5) image with 8-bit samples: the one image format the engine
// reads without OpenCV or GDAL, for engine-only builds on GPU machines. Throws FileError naming
// the file and the problem.
RgbImage readPortablePixmap(const std::string &path);

// Writes image as a binary PPM (P6), atomically.
void writePortablePixmap(const std::string &path, const RgbImage &image);

} // namespace geolens
