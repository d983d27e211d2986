#include "model/CpuThreads.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>

namespace geolens {

void setCpuThreads(int threads)
{
    if (threads < 1)
        return;
    at::set_num_threads(threads);
    using SetThreads = void (*)(int);
    if (auto *setBlasThreads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        setBlasThreads(threads);
}

} // namespace geolens
