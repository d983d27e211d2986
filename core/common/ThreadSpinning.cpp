#include "common/ThreadSpinning.h"

#include <cstdlib>

#include <unistd.h>

namespace geolens {

namespace {

// About 10 microseconds of spinning: back-to-back parallel regions of a decoding step still find
// their threads awake, and a thread waiting through another pool's product sleeps.
const char *const SpinCount = "20000";

} // namespace

bool limitThreadSpinning()
{
    if (std::getenv("GOMP_SPINCOUNT") || std::getenv("OMP_WAIT_POLICY"))
        return false;
    return ::setenv("GOMP_SPINCOUNT", SpinCount, 0) == 0;
}

void limitThreadSpinningAndRestart(char **argv)
{
    if (!limitThreadSpinning())
        return;
    ::execv("/proc/self/exe", argv);
    // Not restarted (no /proc): the program runs as before, with spinning threads.
}

} // namespace geolens
