#include "common/AtomicFile.h"

#include "common/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include <unistd.h>

namespace geolens {

namespace {

std::string uniqueSuffix()
{
    std::random_device device;
    return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(device() % 1000000u);
}

} // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), tempPath_(path_ + uniqueSuffix()) {}

AtomicFile::~AtomicFile()
{
    if (written_ && !committed_)
        std::remove(tempPath_.c_str());
}

void AtomicFile::write(const std::string &data)
{
    write(data.data(), data.size());
}

void AtomicFile::write(const void *data, std::size_t size)
{
    std::FILE *file = std::fopen(tempPath_.c_str(), "wb");
    if (!file)
        throw FileError(path_, std::string("cannot create file: ") + std::strerror(errno));
    written_ = true;
    const std::size_t put = size ? std::fwrite(data, 1, size, file) : 0;
    const bool flushed = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
    const bool closed = std::fclose(file) == 0;
    if (put != size || !flushed || !closed)
        throw FileError(path_, std::string("cannot write file: ") + std::strerror(errno));
}

void AtomicFile::commit()
{
    if (!written_)
        write(nullptr, 0);
    if (std::rename(tempPath_.c_str(), path_.c_str()) != 0)
        throw FileError(path_, std::string("cannot replace file: ") + std::strerror(errno));
    committed_ = true;
}

void writeFileAtomically(const std::string &path, const std::string &data)
{
    AtomicFile file(path);
    file.write(data);
    file.commit();
}

} // namespace geolens
