#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace geolens {

// 0..n-1 shuffled by Fisher-Yates with std::mt19937_64(seed), written out rather than
// std::shuffle, whose order differs between standard libraries: a seed names the same order on
// every machine, which the validation split and resumed runs rely on.
std::vector<std::size_t> seededPermutation(std::size_t n, std::uint64_t seed);

} // namespace geolens
