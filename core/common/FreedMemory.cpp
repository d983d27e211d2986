#include "common/FreedMemory.h"

#include <cstdlib> // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace geolens {

bool keepFreedMemory()
{
#if defined(__GLIBC__)
    // No block is mapped on its own: the largest temporaries (a batch of 16 tiles' attention scores
    // is 100 MB) are exactly the ones that cost most to fault in again, and the 32 MiB ceiling that
    // M_MMAP_THRESHOLD accepts left them out. The heap's top goes back to the kernel only beyond
    // 1 GiB free.
    constexpr int TrimThreshold = 1024 * 1024 * 1024;
    return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, TrimThreshold) == 1;
#else
    return false;
#endif
}

} // namespace geolens
