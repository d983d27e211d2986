#pragma once

#include <stdexcept>
#include <string>

namespace geolens {

// Base of every error GeoLens reports to a user; what() is a complete sentence fit for a dialog.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string &message);
};

// A file could not be read or written, or its content is not what was expected.
class FileError : public Error {
public:
    FileError(const std::string &path, const std::string &problem);
    const std::string &path() const { return path_; }

private:
    std::string path_;
};

// An argument is outside the range the operation supports.
class InvalidArgument : public Error {
public:
    using Error::Error;
};

// A long job stopped because its caller asked it to.
class Canceled : public Error {
public:
    Canceled();
};

} // namespace geolens
