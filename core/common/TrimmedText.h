#pragma once

#include <string>

namespace geolens {

// text without the white space (spaces, tabs, line ends) at either end.
std::string trimmed(const std::string &text);

} // namespace geolens
