#pragma once

#include "common/MappedFile.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace geolens {

// The table of contents of a zip archive held in a memory-mapped file: enough to find an entry
// and, when it is stored uncompressed (as torch.save writes them), to read its bytes in place.
// ZIP64 archives (more than 4 GB, or entries past the 4 GB mark) are supported; multi-disk and
// encrypted archives are not. Every offset and size read from the file is checked against the
// file size before it is used, so a damaged or hostile archive gives a FileError, never a read
// outside the mapping.
class ZipArchive {
public:
    // Compression method of an entry that is stored as is; the only one whose data can be read.
    static constexpr std::uint16_t StoredMethod = 0;

    struct Entry {
        std::string name;
        std::uint16_t compressionMethod = StoredMethod;
        std::uint64_t dataOffset = 0;       // absolute offset in the file of the entry's bytes
        std::uint64_t size = 0;             // bytes of the entry in the archive (compressed size)
        std::uint64_t uncompressedSize = 0; // equals size for a stored entry
        bool encrypted = false;

        bool isStored() const { return compressionMethod == StoredMethod && !encrypted; }
    };

    // Reads the central directory. Throws FileError naming the file when it is not a zip archive
    // or its directory is damaged.
    explicit ZipArchive(std::shared_ptr<const MappedFile> file);

    const std::string &path() const { return file_->path(); }
    const std::shared_ptr<const MappedFile> &file() const { return file_; }

    // Names of all entries, in central directory order.
    std::vector<std::string> names() const;
    // The entry called name (exact match, '/' separated) with the offset of its data, or nothing
    // when there is none. Throws FileError when the entry's local header is damaged.
    std::optional<Entry> find(const std::string &name) const;
    // The bytes of a stored entry, pointing into the mapped file. Throws FileError for a
    // compressed or encrypted entry.
    std::string_view storedData(const Entry &entry) const;

private:
    struct DirectoryRecord {
        std::string name;
        std::uint16_t flags = 0;
        std::uint16_t compressionMethod = 0;
        std::uint64_t compressedSize = 0;
        std::uint64_t uncompressedSize = 0;
        std::uint64_t localHeaderOffset = 0;
    };

    void readCentralDirectory();

    std::shared_ptr<const MappedFile> file_;
    std::vector<DirectoryRecord> records_;
    std::map<std::string, std::size_t> indexByName_;
};

} // namespace geolens
