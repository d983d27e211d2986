#include "model/PortablePixmap.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/MappedFile.h"

#include <cctype>

namespace geolens {

namespace {

// Header fields are whitespace-separated decimal numbers, with '#' comments to the end of a line.
class HeaderReader {
public:
    HeaderReader(const std::uint8_t *data, std::uint64_t size, std::string path) : data_(data), size_(size), path_(std::move(path)) {}

    long number()
    {
        skipSpaceAndComments();
        long value = 0;
        int digits = 0;
        while (pos_ < size_ && std::isdigit(data_[pos_])) {
            value = value * 10 + (data_[pos_++] - '0');
            if (++digits > 9)
                throw FileError(path_, "has an absurd number in its PPM header.");
        }
        if (digits == 0)
            throw FileError(path_, "has a malformed PPM header.");
        return value;
    }

    // Exactly one whitespace byte separates the header from the pixels.
    std::uint64_t pixelStart()
    {
        if (pos_ >= size_ || !std::isspace(data_[pos_]))
            throw FileError(path_, "has a malformed PPM header.");
        return pos_ + 1;
    }

private:
    void skipSpaceAndComments()
    {
        while (pos_ < size_) {
            if (std::isspace(data_[pos_])) {
                ++pos_;
            } else if (data_[pos_] == '#') {
                while (pos_ < size_ && data_[pos_] != '\n')
                    ++pos_;
            } else {
                break;
            }
        }
    }

    const std::uint8_t *data_;
    std::uint64_t size_;
    std::string path_;
    std::uint64_t pos_ = 2;
};

} // namespace

RgbImage readPortablePixmap(const std::string &path)
{
    const auto file = MappedFile::open(path);
    const std::uint8_t *d = file->data();
    if (file->size() < 3 || d[0] != 'P' || (d[1] != '6' && d[1] != '5'))
        throw FileError(path, "is not a binary PPM or PGM image (this build reads only those; convert other formats "
                              "first).");
    const bool grey = d[1] == '5';
    HeaderReader header(d, file->size(), path);
    const long width = header.number();
    const long height = header.number();
    const long maxValue = header.number();
    if (width <= 0 || height <= 0 || width > 100000 || height > 100000)
        throw FileError(path, "has an image size of " + std::to_string(width) + " x " + std::to_string(height) +
                                  " that GeoLens does not accept.");
    if (maxValue != 255)
        throw FileError(path, "has " + std::to_string(maxValue) + " as its largest sample; only 8-bit images (255) are read.");
    const std::uint64_t start = header.pixelStart();
    const std::uint64_t channels = grey ? 1 : 3;
    const std::uint64_t needed = static_cast<std::uint64_t>(width) * height * channels;
    if (file->size() < start + needed)
        throw FileError(path, "is truncated: " + std::to_string(file->size() - start) + " pixel bytes of " +
                                  std::to_string(needed) + ".");
    RgbImage image{static_cast<int>(width), static_cast<int>(height), {}};
    image.pixels.resize(static_cast<std::size_t>(width) * height * 3);
    const std::uint8_t *pixels = d + start;
    if (grey) {
        for (std::uint64_t i = 0; i < needed; ++i)
            image.pixels[i * 3] = image.pixels[i * 3 + 1] = image.pixels[i * 3 + 2] = pixels[i];
    } else {
        std::copy(pixels, pixels + needed, image.pixels.begin());
    }
    return image;
}

void writePortablePixmap(const std::string &path, const RgbImage &image)
{
    std::string data = "P6\n" + std::to_string(image.width) + " " + std::to_string(image.height) + "\n255\n";
    data.append(image.pixels.begin(), image.pixels.end());
    writeFileAtomically(path, data);
}

} // namespace geolens
