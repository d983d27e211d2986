#include "model/ImagePreprocessor.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>

namespace geolens {

namespace {

// PIL keeps 8-bit resampling in fixed point with this many fractional bits (32 - 8 - 2).
constexpr int PrecisionBits = 22;

double bicubic(double x)
{
    // Keys' cubic with a = -0.5, as PIL defines its BICUBIC filter; support 2.
    constexpr double a = -0.5;
    x = std::abs(x);
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    if (x < 2.0)
        return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
    return 0.0;
}

struct Coefficients {
    int kernelSize = 0;
    std::vector<int> first;  // first input index per output index
    std::vector<int> count;  // taps per output index
    std::vector<int> weights; // kernelSize per output index, fixed point
};

// The filter weights of one axis, computed as PIL does: the kernel widens with the scale when
// shrinking (antialiasing), each output's weights are normalised to sum to one, then rounded to
// fixed point.
Coefficients coefficients(int inSize, int outSize)
{
    const double scale = static_cast<double>(inSize) / outSize;
    const double filterScale = std::max(scale, 1.0);
    const double support = 2.0 * filterScale;
    Coefficients c;
    c.kernelSize = static_cast<int>(std::ceil(support)) * 2 + 1;
    c.first.resize(outSize);
    c.count.resize(outSize);
    c.weights.assign(static_cast<std::size_t>(outSize) * c.kernelSize, 0);
    std::vector<double> k(c.kernelSize);
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = (xx + 0.5) * scale;
        const double inverse = 1.0 / filterScale;
        // Truncation toward zero, as the reference's integer cast does.
        int xmin = static_cast<int>(center - support + 0.5);
        if (xmin < 0)
            xmin = 0;
        int xmax = static_cast<int>(center + support + 0.5);
        if (xmax > inSize)
            xmax = inSize;
        xmax -= xmin;
        double total = 0.0;
        for (int x = 0; x < xmax; ++x) {
            const double w = bicubic((x + xmin - center + 0.5) * inverse);
            k[x] = w;
            total += w;
        }
        for (int x = 0; x < xmax; ++x) {
            const double w = total != 0.0 ? k[x] / total : k[x];
            c.weights[static_cast<std::size_t>(xx) * c.kernelSize + x] =
                static_cast<int>(w < 0 ? w * (1 << PrecisionBits) - 0.5 : w * (1 << PrecisionBits) + 0.5);
        }
        c.first[xx] = xmin;
        c.count[xx] = xmax;
    }
    return c;
}

std::uint8_t clip8(long long value)
{
    const long long v = value >> PrecisionBits;
    return static_cast<std::uint8_t>(std::clamp<long long>(v, 0, 255));
}

RgbImage resampleHorizontal(const RgbImage &in, int outWidth)
{
    const Coefficients c = coefficients(in.width, outWidth);
    RgbImage out{outWidth, in.height, std::vector<std::uint8_t>(static_cast<std::size_t>(outWidth) * in.height * 3)};
    for (int y = 0; y < in.height; ++y) {
        const std::uint8_t *row = in.pixels.data() + static_cast<std::size_t>(y) * in.width * 3;
        std::uint8_t *dst = out.pixels.data() + static_cast<std::size_t>(y) * outWidth * 3;
        for (int xx = 0; xx < outWidth; ++xx) {
            const int *w = c.weights.data() + static_cast<std::size_t>(xx) * c.kernelSize;
            for (int ch = 0; ch < 3; ++ch) {
                long long sum = 1LL << (PrecisionBits - 1);
                for (int x = 0; x < c.count[xx]; ++x)
                    sum += static_cast<long long>(row[(x + c.first[xx]) * 3 + ch]) * w[x];
                dst[xx * 3 + ch] = clip8(sum);
            }
        }
    }
    return out;
}

RgbImage resampleVertical(const RgbImage &in, int outHeight)
{
    const Coefficients c = coefficients(in.height, outHeight);
    const std::size_t rowBytes = static_cast<std::size_t>(in.width) * 3;
    RgbImage out{in.width, outHeight, std::vector<std::uint8_t>(rowBytes * outHeight)};
    for (int yy = 0; yy < outHeight; ++yy) {
        const int *w = c.weights.data() + static_cast<std::size_t>(yy) * c.kernelSize;
        std::uint8_t *dst = out.pixels.data() + yy * rowBytes;
        for (std::size_t i = 0; i < rowBytes; ++i) {
            long long sum = 1LL << (PrecisionBits - 1);
            for (int y = 0; y < c.count[yy]; ++y)
                sum += static_cast<long long>(in.pixels[(y + c.first[yy]) * rowBytes + i]) * w[y];
            dst[i] = clip8(sum);
        }
    }
    return out;
}

void checkImage(const RgbImage &image)
{
    if (image.width <= 0 || image.height <= 0 ||
        image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * 3)
        throw InvalidArgument("The image is empty or its pixel buffer does not match its size.");
}

} // namespace

RgbImage ImagePreprocessor::expandToSquare(const RgbImage &image)
{
    checkImage(image);
    if (image.width == image.height)
        return image;
    const int side = std::max(image.width, image.height);
    RgbImage out{side, side, std::vector<std::uint8_t>(static_cast<std::size_t>(side) * side * 3)};
    for (std::size_t i = 0; i < out.pixels.size(); i += 3)
        std::copy(PadColour, PadColour + 3, out.pixels.begin() + i);
    const int x0 = (side - image.width) / 2;
    const int y0 = (side - image.height) / 2;
    for (int y = 0; y < image.height; ++y)
        std::copy_n(image.pixels.begin() + static_cast<std::size_t>(y) * image.width * 3, image.width * 3,
                    out.pixels.begin() + (static_cast<std::size_t>(y + y0) * side + x0) * 3);
    return out;
}

RgbImage ImagePreprocessor::resizeBicubic(const RgbImage &image, int width, int height)
{
    checkImage(image);
    if (width <= 0 || height <= 0)
        throw InvalidArgument("A resize needs a positive output size.");
    // The reference resamples rows first, then columns, rounding to 8 bits in between.
    RgbImage out = image;
    if (width != image.width)
        out = resampleHorizontal(out, width);
    if (height != image.height)
        out = resampleVertical(out, height);
    return out;
}

RgbImage ImagePreprocessor::resizeAndCrop(const RgbImage &image, int size)
{
    checkImage(image);
    // CLIP's processor: the shortest edge becomes size, the other keeps the ratio (truncated).
    int width = size, height = size;
    if (image.width < image.height)
        height = static_cast<int>(static_cast<long long>(size) * image.height / image.width);
    else if (image.height < image.width)
        width = static_cast<int>(static_cast<long long>(size) * image.width / image.height);
    const RgbImage resized = resizeBicubic(image, width, height);
    if (width == size && height == size)
        return resized;
    // Centre crop; the reference floors the offsets.
    const int left = (width - size) / 2;
    const int top = (height - size) / 2;
    RgbImage out{size, size, std::vector<std::uint8_t>(static_cast<std::size_t>(size) * size * 3)};
    for (int y = 0; y < size; ++y)
        std::copy_n(resized.pixels.begin() + (static_cast<std::size_t>(y + top) * width + left) * 3, size * 3,
                    out.pixels.begin() + static_cast<std::size_t>(y) * size * 3);
    return out;
}

std::vector<float> ImagePreprocessor::operator()(const RgbImage &image) const
{
    const RgbImage square = resizeAndCrop(expandToSquare(image), size_);
    const std::size_t plane = static_cast<std::size_t>(size_) * size_;
    std::vector<float> out(plane * 3);
    for (std::size_t i = 0; i < plane; ++i)
        for (int c = 0; c < 3; ++c) {
            // The reference rescales in double, stores float32, then normalises in float32.
            const auto scaled = static_cast<float>(square.pixels[i * 3 + c] * (1.0 / 255.0));
            out[c * plane + i] = (scaled - Mean[c]) / Std[c];
        }
    return out;
}

} // namespace geolens
