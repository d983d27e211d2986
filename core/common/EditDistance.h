#pragma once

#include <cstddef>
#include <string>

namespace geolens {

// Levenshtein distance between two byte strings (insertions, deletions and substitutions each
// cost one): for matching answers to class names and for "did you mean" hints.
std::size_t editDistance(const std::string &a, const std::string &b);

} // namespace geolens
