#pragma once

#include <cstdint>
#include <vector>

namespace geolens {

// An 8-bit RGB image, 3 bytes per pixel, rows packed.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;
};

// GeoChat's image preparation, bit for bit as the reference demo does it: pad to a square of the
// CLIP mean colour with the image centred, resize with PIL's bicubic filter (antialiased when
// shrinking, 8-bit fixed point, horizontal pass then vertical pass), centre-crop, scale to [0, 1]
// and normalise with CLIP's mean and standard deviation.
class ImagePreprocessor {
public:
    static constexpr std::uint8_t PadColour[3] = {122, 116, 104}; // int(255 * CLIP mean)
    static constexpr float Mean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
    static constexpr float Std[3] = {0.26862954f, 0.26130258f, 0.27577711f};

    explicit ImagePreprocessor(int size = 504) : size_(size) {}
    int size() const { return size_; }

    // The model input: 3 x size x size floats, channel-major. Throws InvalidArgument for an empty
    // image.
    std::vector<float> operator()(const RgbImage &image) const;

    // The steps, exposed for tests against the reference.
    static RgbImage expandToSquare(const RgbImage &image);
    // PIL's Image.resize(..., Image.BICUBIC) on an RGB image.
    static RgbImage resizeBicubic(const RgbImage &image, int width, int height);
    // Shortest edge to size (keeping the aspect ratio as CLIP's processor rounds it), then the
    // centre size x size crop.
    static RgbImage resizeAndCrop(const RgbImage &image, int size);

private:
    int size_;
};

} // namespace geolens
