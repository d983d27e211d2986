#pragma once

#include <algorithm>

namespace geolens {

// An axis-aligned rectangle of whole raster pixels: x, y of the top-left pixel, then its size.
struct PixelRect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;

    int right() const { return x + width; }   // one past the last column
    int bottom() const { return y + height; } // one past the last row
    bool isEmpty() const { return width <= 0 || height <= 0; }

    PixelRect intersected(const PixelRect &other) const
    {
        const int left = std::max(x, other.x);
        const int top = std::max(y, other.y);
        const int r = std::min(right(), other.right());
        const int b = std::min(bottom(), other.bottom());
        if (r <= left || b <= top)
            return {left, top, 0, 0};
        return {left, top, r - left, b - top};
    }

    bool operator==(const PixelRect &o) const
    {
        return x == o.x && y == o.y && width == o.width && height == o.height;
    }
};

} // namespace geolens
