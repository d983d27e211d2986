#include "EngineTestData.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace geolens::test {

float halfToFloat(std::uint16_t bits)
{
    const int exponent = (bits >> 10) & 0x1F;
    const int mantissa = bits & 0x3FF;
    const float magnitude = exponent == 0 ? std::ldexp(float(mantissa), -24)
                                          : std::ldexp(float(mantissa | 0x400), exponent - 25);
    return (bits & 0x8000) ? -magnitude : magnitude;
}

float bfloat16ToFloat(std::uint16_t bits)
{
    const std::uint32_t wide = std::uint32_t(bits) << 16;
    float value = 0;
    std::memcpy(&value, &wide, sizeof value);
    return value;
}

namespace {

RgbImage blank(int width, int height)
{
    return RgbImage{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height * 3)};
}

} // namespace

RgbImage preprocessGoldenImage(int width, int height)
{
    RgbImage image = blank(width, height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < 3; ++c)
                image.pixels[(static_cast<std::size_t>(y) * width + x) * 3 + c] =
                    static_cast<std::uint8_t>((x * 37 + y * 11 + c * 101 + (x * y) % 13) % 256);
    return image;
}

RgbImage referenceModelImage(int width, int height, int seed)
{
    RgbImage image = blank(width, height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < 3; ++c)
                image.pixels[(static_cast<std::size_t>(y) * width + x) * 3 + c] =
                    static_cast<std::uint8_t>((x * (3 + seed) + y * 7 + c * 50 + seed * 31) % 256);
    return image;
}

RgbImage seededImage(int width, int height, int seed)
{
    RgbImage image = blank(width, height);
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
        image.pixels[i] = static_cast<std::uint8_t>((i * 37 + seed * 91 + (i / 3) % 11 * 13) % 256);
    return image;
}

} // namespace geolens::test
