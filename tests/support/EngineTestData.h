#pragma once

#include "model/ImagePreprocessor.h"

#include <cstdint>

// Test data shared by the engine tests: half-precision decoding for reading back checkpoints, and
// the synthetic images that the golden generators under tools/ make in Python. No Qt, no GDAL, so
// the engine-only build has it.
namespace geolens::test {

// IEEE 754 binary16 bits to float (subnormals included).
float halfToFloat(std::uint16_t bits);
// bfloat16 bits to float: the upper half of a float's bits.
float bfloat16ToFloat(std::uint16_t bits);

// The image tools/make_preprocess_goldens.py resizes for pil_resize_golden.json.
RgbImage preprocessGoldenImage(int width, int height);
// The image tools/reference_llava.py feeds the reference model for tiny_geochat_golden.json.
RgbImage referenceModelImage(int width, int height, int seed);
// A varied image for tests that only need different pixels per seed (no golden depends on it).
RgbImage seededImage(int width, int height, int seed);

} // namespace geolens::test
