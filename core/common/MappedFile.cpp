#include "common/MappedFile.h"

#include "common/Error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace geolens {

std::shared_ptr<const MappedFile> MappedFile::open(const std::string &path)
{
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever; it changes nothing for
    // the regular files that pass the check below.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw FileError(path, std::string("cannot open the file: ") + std::strerror(errno) + ".");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw FileError(path, "is not a regular file.");
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const std::uint8_t *data = nullptr;
    if (size > 0) {
        void *mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapped == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            throw FileError(path, std::string("cannot map the file into memory: ") + std::strerror(err) + ".");
        }
        data = static_cast<const std::uint8_t *>(mapped);
    }
    ::close(fd); // the mapping keeps its own reference to the file
    return std::shared_ptr<const MappedFile>(new MappedFile(path, data, size));
}

MappedFile::MappedFile(std::string path, const std::uint8_t *data, std::uint64_t size)
    : path_(std::move(path)), data_(data), size_(size)
{
}

void MappedFile::release(std::uint64_t offset, std::uint64_t bytes) const
{
    if (!data_ || offset >= size_ || bytes == 0)
        return;
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t begin = offset / page * page;
    const std::uint64_t end = std::min(size_, offset + bytes);
    // Whole pages only; a page shared with a neighbouring tensor is dropped too and read again if
    // that tensor is wanted.
    ::madvise(const_cast<std::uint8_t *>(data_) + begin, end - begin, MADV_DONTNEED);
}

MappedFile::~MappedFile()
{
    if (data_)
        ::munmap(const_cast<std::uint8_t *>(data_), size_);
}

} // namespace geolens
