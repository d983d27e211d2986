#include "distill/ArchiveFile.h"

#include "common/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <unistd.h>

namespace geolens {

void saveArchive(torch::serialize::OutputArchive &archive, const std::string &path)
{
    std::FILE *file = std::fopen(path.c_str(), "wb");
    if (!file)
        throw FileError(path, std::string("cannot be created: ") + std::strerror(errno) + ".");
    int error = 0;
    try {
        archive.save_to([&](const void *data, std::size_t size) -> std::size_t {
            if (!error && size && std::fwrite(data, 1, size, file) != size)
                error = errno ? errno : EIO;
            return size;
        });
    } catch (const std::exception &e) {
        std::fclose(file);
        throw FileError(path, std::string("could not be written: ") + e.what());
    }
    if (!error && (std::fflush(file) != 0 || ::fsync(::fileno(file)) != 0))
        error = errno;
    if (std::fclose(file) != 0 && !error)
        error = errno;
    if (error)
        throw FileError(path, std::string("could not be written: ") + std::strerror(error) + ".");
}

void saveArchiveAtomically(torch::serialize::OutputArchive &archive, const std::string &path)
{
    const std::string temporary = path + ".tmp";
    try {
        saveArchive(archive, temporary);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw;
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec)
        throw FileError(path, "could not be put in place: " + ec.message());
}

} // namespace geolens
