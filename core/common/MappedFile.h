#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace geolens {

// A whole file mapped read-only into memory (RAII). Checkpoint readers hand out tensors that point
// into the mapping, so a 10 GB shard costs address space, not RAM, until its pages are touched.
class MappedFile {
public:
    // Throws FileError naming the file when it cannot be opened or mapped.
    static std::shared_ptr<const MappedFile> open(const std::string &path);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const std::string &path() const { return path_; }
    const std::uint8_t *data() const { return data_; }
    std::uint64_t size() const { return size_; }

    // Drops the pages holding bytes [offset, offset + bytes) from the process's resident memory.
    // The content stays readable: a later read maps it in again from the file (the mapping is
    // read-only, so nothing is lost). A loader that has copied a tensor calls it, so that the
    // checkpoint's pages and the copies are not resident together.
    void release(std::uint64_t offset, std::uint64_t bytes) const;

private:
    MappedFile(std::string path, const std::uint8_t *data, std::uint64_t size);

    std::string path_;
    const std::uint8_t *data_;
    std::uint64_t size_;
};

} // namespace geolens
