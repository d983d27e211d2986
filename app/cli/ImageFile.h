#pragma once

#include "model/ImagePreprocessor.h"

#include <string>

namespace geolens::cli {

// Why the file cannot be an image to read, from its header alone; empty when it can. Checks that
// it is a regular file (a pipe would block the read), not empty, of a format the build reads, and,
// for PNG, JPEG, BMP and PPM/PGM, that its declared size is within MaxImagePixels (distill/InstructionDataset.h).
std::string checkImageFile(const std::string &path);

// Binary PPM/PGM always; with the full build, anything OpenCV decodes (PNG, JPEG, TIFF...).
// Throws FileError naming the file, for what checkImageFile refuses and for what fails to decode.
RgbImage readImageFile(const std::string &path);

} // namespace geolens::cli
