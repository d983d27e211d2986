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

const char *blasThreading()
{
    using GetParallel = int (*)();
    auto *getParallel = reinterpret_cast<GetParallel>(dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
    if (!getParallel)
        return "other";
    switch (getParallel()) {
    case 0: return "serial";
    case 1: return "pthreads";
    case 2: return "openmp";
    default: return "other";
    }
}

} // namespace geolens
