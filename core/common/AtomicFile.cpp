#include "common/AtomicFile.h"

#include "common/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include <fcntl.h>
#include <sys/stat.h>
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

void appendToFile(int fd, const std::string &path, const std::string &data)
{
    struct stat before {};
    if (::fstat(fd, &before) != 0)
        throw FileError(path, std::string("cannot be appended to: ") + std::strerror(errno) + ".");
    std::size_t put = 0;
    int error = 0;
    while (put < data.size()) {
        const ssize_t n = ::write(fd, data.data() + put, data.size() - put);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error = n < 0 ? errno : ENOSPC;
            break;
        }
        put += static_cast<std::size_t>(n);
    }
    if (!error && ::fsync(fd) != 0)
        error = errno;
    if (error) {
        // Whatever part reached the file goes again: the last line stays a whole one.
        const bool cut = ::ftruncate(fd, before.st_size) == 0;
        throw FileError(path, std::string("could not be written: ") + std::strerror(error) +
                                  (cut ? "; it is left as it was." : "; its last line may be cut."));
    }
}

void appendToFile(const std::string &path, const std::string &data)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        throw FileError(path, std::string("cannot be opened for writing: ") + std::strerror(errno) + ".");
    try {
        appendToFile(fd, path, data);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0)
        throw FileError(path, std::string("could not be written: ") + std::strerror(errno) + ".");
}

} // namespace geolens
