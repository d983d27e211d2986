#pragma once

#include <string>

namespace geolens::cli {

// What `geolens-cli VERB --help` prints after the verb's usage line: each option explained, and an
// example to copy. Empty for a verb it does not know.
std::string verbHelp(const std::string &verb);

} // namespace geolens::cli
