#include "distill/SeededPermutation.h"

#include <random>
#include <utility>

namespace geolens {

std::vector<std::size_t> seededPermutation(std::size_t n, std::uint64_t seed)
{
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i)
        order[i] = i;
    std::mt19937_64 engine(seed);
    for (std::size_t i = n; i > 1; --i)
        std::swap(order[i - 1], order[engine() % i]); // modulo bias is below 2^-40 for any real n
    return order;
}

} // namespace geolens
