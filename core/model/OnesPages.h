#pragma once

// Pages of ones mapped for this process alone, for reading the memory's rate: the heap keeps what
// it frees (keepFreedMemory), and a buffer of a few hundred MiB kept there would raise the resident
// peak that `bench` reports, so the buffer is the system's own pages, handed back on destruction.
// Every page is written once: a page never written reads as the system's shared zero page, from
// the caches.
//
// Internal to the model engine; holds no LibTorch type.

#include <cstddef>

namespace geolens::detail {

class OnesPages {
public:
    // data() is null where the pages could not be mapped.
    explicit OnesPages(std::size_t floats);
    ~OnesPages();
    OnesPages(const OnesPages &) = delete;
    OnesPages &operator=(const OnesPages &) = delete;

    float *data() const { return data_; }
    std::size_t bytes() const { return bytes_; }

private:
    float *data_ = nullptr;
    std::size_t bytes_ = 0;
};

} // namespace geolens::detail
