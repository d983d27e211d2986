#include "model/OnesPages.h"

#include <sys/mman.h>

#include <algorithm>

namespace geolens::detail {

OnesPages::OnesPages(std::size_t floats)
{
    const std::size_t bytes = floats * sizeof(float);
    void *pages = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED)
        return;
    data_ = static_cast<float *>(pages);
    bytes_ = bytes;
    std::fill(data_, data_ + floats, 1.0f);
}

OnesPages::~OnesPages()
{
    if (data_)
        munmap(data_, bytes_);
}

} // namespace geolens::detail
