#include "common/FreedMemory.h"

#include <cstdlib> // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace geolens {

bool keepFreedMemory()
{
#if defined(__GLIBC__)
    // 32 MiB is the largest mmap threshold mallopt accepts on 64-bit systems; setting it also stops
    // the threshold from adapting.
    constexpr int MmapThreshold = 32 * 1024 * 1024;
    constexpr int TrimThreshold = 1024 * 1024 * 1024;
    return mallopt(M_MMAP_THRESHOLD, MmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, TrimThreshold) == 1;
#else
    return false;
#endif
}

} // namespace geolens
