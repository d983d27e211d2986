#include "common/Error.h"

namespace geolens {

Error::Error(const std::string &message) : std::runtime_error(message) {}

FileError::FileError(const std::string &path, const std::string &problem)
    : Error(path + ": " + problem), path_(path)
{
}

Canceled::Canceled() : Error("The operation was canceled.") {}

} // namespace geolens
