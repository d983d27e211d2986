#include "model/ZipArchive.h"

#include "common/Error.h"

#include <cstring>

namespace geolens {

namespace {

// Record signatures and fixed sizes from the ZIP application note (APPNOTE.TXT).
constexpr std::uint32_t LocalHeaderSignature = 0x04034b50;
constexpr std::uint32_t CentralHeaderSignature = 0x02014b50;
constexpr std::uint32_t EndOfDirectorySignature = 0x06054b50;
constexpr std::uint32_t Zip64EndOfDirectorySignature = 0x06064b50;
constexpr std::uint32_t Zip64LocatorSignature = 0x07064b50;

constexpr std::uint64_t LocalHeaderSize = 30;
constexpr std::uint64_t CentralHeaderSize = 46;
constexpr std::uint64_t EndOfDirectorySize = 22;
constexpr std::uint64_t Zip64EndOfDirectorySize = 56;
constexpr std::uint64_t Zip64LocatorSize = 20;
constexpr std::uint64_t MaxCommentSize = 0xffff;

constexpr std::uint16_t Zip64ExtraFieldId = 0x0001;
constexpr std::uint16_t EncryptedFlag = 0x0001;
// A 16- or 32-bit field holding its maximum says "the real value is in the ZIP64 record".
constexpr std::uint16_t Zip64Marker16 = 0xffff;
constexpr std::uint32_t Zip64Marker32 = 0xffffffff;

std::uint16_t readLe16(const std::uint8_t *p)
{
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

std::uint32_t readLe32(const std::uint8_t *p)
{
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

std::uint64_t readLe64(const std::uint8_t *p)
{
    return static_cast<std::uint64_t>(readLe32(p)) | (static_cast<std::uint64_t>(readLe32(p + 4)) << 32);
}

// True when [offset, offset + length) lies inside [0, limit), without overflowing.
bool fitsWithin(std::uint64_t offset, std::uint64_t length, std::uint64_t limit)
{
    return offset <= limit && length <= limit - offset;
}

std::string quoted(const std::string &name)
{
    return "\"" + name + "\"";
}

} // namespace

ZipArchive::ZipArchive(std::shared_ptr<const MappedFile> file) : file_(std::move(file))
{
    readCentralDirectory();
}

void ZipArchive::readCentralDirectory()
{
    const std::uint8_t *data = file_->data();
    const std::uint64_t fileSize = file_->size();
    const std::string &path = file_->path();

    // The end-of-central-directory record is the last thing in the file, followed only by an
    // archive comment of up to 64 KiB, so it is searched for backwards from the end.
    if (fileSize < EndOfDirectorySize)
        throw FileError(path, "is not a zip archive: it is too short to hold a zip directory.");
    const std::uint64_t lowest =
        fileSize - EndOfDirectorySize > MaxCommentSize ? fileSize - EndOfDirectorySize - MaxCommentSize : 0;
    std::uint64_t endRecord = 0;
    bool foundEndRecord = false;
    for (std::uint64_t pos = fileSize - EndOfDirectorySize + 1; pos-- > lowest;) {
        if (readLe32(data + pos) == EndOfDirectorySignature &&
            readLe16(data + pos + 20) <= fileSize - EndOfDirectorySize - pos) {
            endRecord = pos;
            foundEndRecord = true;
            break;
        }
    }
    if (!foundEndRecord)
        throw FileError(path, "is not a zip archive (it has no end-of-central-directory record); it may be "
                              "truncated or damaged.");

    const std::uint8_t *end = data + endRecord;
    std::uint64_t diskNumber = readLe16(end + 4);
    std::uint64_t directoryDisk = readLe16(end + 6);
    std::uint64_t entriesOnDisk = readLe16(end + 8);
    std::uint64_t entryCount = readLe16(end + 10);
    std::uint64_t directorySize = readLe32(end + 12);
    std::uint64_t directoryOffset = readLe32(end + 16);
    // The directory must end before the records that describe it.
    std::uint64_t directoryLimit = endRecord;

    // A ZIP64 archive places a locator right before the classic record; it points to the ZIP64
    // record, whose 64-bit counts and offsets replace the classic ones.
    if (endRecord >= Zip64LocatorSize && readLe32(end - Zip64LocatorSize) == Zip64LocatorSignature) {
        const std::uint8_t *locator = end - Zip64LocatorSize;
        const std::uint64_t zip64RecordOffset = readLe64(locator + 8);
        const std::uint32_t diskCount = readLe32(locator + 16);
        if (readLe32(locator + 4) != 0 || diskCount > 1)
            throw FileError(path, "is a zip archive split over several disks, which is not supported.");
        if (!fitsWithin(zip64RecordOffset, Zip64EndOfDirectorySize, endRecord - Zip64LocatorSize))
            throw FileError(path, "is a damaged zip archive: its ZIP64 end-of-central-directory record lies "
                                  "outside the file.");
        const std::uint8_t *record = data + zip64RecordOffset;
        if (readLe32(record) != Zip64EndOfDirectorySignature)
            throw FileError(path, "is a damaged zip archive: its ZIP64 end-of-central-directory record is "
                                  "missing.");
        diskNumber = readLe32(record + 16);
        directoryDisk = readLe32(record + 20);
        entriesOnDisk = readLe64(record + 24);
        entryCount = readLe64(record + 32);
        directorySize = readLe64(record + 40);
        directoryOffset = readLe64(record + 48);
        directoryLimit = zip64RecordOffset;
    } else if (entryCount == Zip64Marker16 || directorySize == Zip64Marker32 || directoryOffset == Zip64Marker32) {
        throw FileError(path, "is a damaged zip archive: it needs ZIP64 records, and they are missing.");
    }

    if (diskNumber != 0 || directoryDisk != 0 || entriesOnDisk != entryCount)
        throw FileError(path, "is a zip archive split over several disks, which is not supported.");
    if (!fitsWithin(directoryOffset, directorySize, directoryLimit))
        throw FileError(path, "is a damaged zip archive: its central directory lies outside the file; it may "
                              "be truncated.");
    if (entryCount > directorySize / CentralHeaderSize)
        throw FileError(path, "is a damaged zip archive: its central directory is too small for the " +
                                  std::to_string(entryCount) + " entries it claims.");

    const std::uint64_t directoryEnd = directoryOffset + directorySize;
    records_.reserve(static_cast<std::size_t>(entryCount));
    std::uint64_t pos = directoryOffset;
    for (std::uint64_t i = 0; i < entryCount; ++i) {
        if (!fitsWithin(pos, CentralHeaderSize, directoryEnd) || readLe32(data + pos) != CentralHeaderSignature)
            throw FileError(path, "is a damaged zip archive: central directory entry " + std::to_string(i + 1) +
                                      " is missing or corrupt.");
        const std::uint8_t *header = data + pos;
        const std::uint16_t nameLength = readLe16(header + 28);
        const std::uint16_t extraLength = readLe16(header + 30);
        const std::uint16_t commentLength = readLe16(header + 32);
        if (!fitsWithin(pos + CentralHeaderSize, std::uint64_t(nameLength) + extraLength + commentLength,
                        directoryEnd))
            throw FileError(path, "is a damaged zip archive: central directory entry " + std::to_string(i + 1) +
                                      " runs past the end of the directory.");

        DirectoryRecord record;
        record.name.assign(reinterpret_cast<const char *>(header + CentralHeaderSize), nameLength);
        record.flags = readLe16(header + 8);
        record.compressionMethod = readLe16(header + 10);
        record.compressedSize = readLe32(header + 20);
        record.uncompressedSize = readLe32(header + 24);
        const std::uint16_t startDisk = readLe16(header + 34);
        record.localHeaderOffset = readLe32(header + 42);

        // ZIP64 extended information: the 64-bit values appear in a fixed order, but only those
        // whose classic field holds the marker.
        const bool needsUncompressed = record.uncompressedSize == Zip64Marker32;
        const bool needsCompressed = record.compressedSize == Zip64Marker32;
        const bool needsOffset = record.localHeaderOffset == Zip64Marker32;
        const bool needsDisk = startDisk == Zip64Marker16;
        if (needsUncompressed || needsCompressed || needsOffset || needsDisk) {
            const std::uint8_t *extra = header + CentralHeaderSize + nameLength;
            std::uint64_t extraPos = 0;
            bool foundZip64 = false;
            while (extraPos + 4 <= extraLength) {
                const std::uint16_t fieldId = readLe16(extra + extraPos);
                const std::uint16_t fieldSize = readLe16(extra + extraPos + 2);
                if (fieldSize > extraLength - extraPos - 4)
                    break;
                if (fieldId == Zip64ExtraFieldId) {
                    const std::uint64_t needed = 8 * (needsUncompressed + needsCompressed + needsOffset) +
                                                 4 * needsDisk;
                    if (fieldSize < needed)
                        throw FileError(path, "is a damaged zip archive: the ZIP64 information of entry " +
                                                  quoted(record.name) + " is too short.");
                    const std::uint8_t *field = extra + extraPos + 4;
                    if (needsUncompressed) {
                        record.uncompressedSize = readLe64(field);
                        field += 8;
                    }
                    if (needsCompressed) {
                        record.compressedSize = readLe64(field);
                        field += 8;
                    }
                    if (needsOffset) {
                        record.localHeaderOffset = readLe64(field);
                        field += 8;
                    }
                    if (needsDisk && readLe32(field) != 0)
                        throw FileError(path, "is a zip archive split over several disks, which is not supported.");
                    foundZip64 = true;
                    break;
                }
                extraPos += 4 + fieldSize;
            }
            if (!foundZip64)
                throw FileError(path, "is a damaged zip archive: entry " + quoted(record.name) +
                                          " needs ZIP64 information, and it is missing.");
        } else if (startDisk != 0) {
            throw FileError(path, "is a zip archive split over several disks, which is not supported.");
        }

        if (!fitsWithin(record.localHeaderOffset, LocalHeaderSize, fileSize) ||
            record.compressedSize > fileSize)
            throw FileError(path, "is a damaged zip archive: entry " + quoted(record.name) +
                                      " lies outside the file; it may be truncated.");
        // Two entries with one name would let the archive show different content to different
        // readers, so such an archive is refused rather than guessed at.
        if (!indexByName_.emplace(record.name, records_.size()).second)
            throw FileError(path, "is a damaged zip archive: it has two entries named " + quoted(record.name) + ".");
        records_.push_back(std::move(record));
        pos += CentralHeaderSize + nameLength + extraLength + commentLength;
    }
}

std::vector<std::string> ZipArchive::names() const
{
    std::vector<std::string> result;
    result.reserve(records_.size());
    for (const DirectoryRecord &record : records_)
        result.push_back(record.name);
    return result;
}

std::optional<ZipArchive::Entry> ZipArchive::find(const std::string &name) const
{
    const auto found = indexByName_.find(name);
    if (found == indexByName_.end())
        return std::nullopt;
    const DirectoryRecord &record = records_[found->second];
    const std::uint8_t *data = file_->data();
    const std::uint64_t fileSize = file_->size();

    // The local header repeats the name and has its own extra field, whose length may differ from
    // the directory's (writers pad it to align the data), so the data offset is only known here.
    const std::uint8_t *local = data + record.localHeaderOffset;
    if (readLe32(local) != LocalHeaderSignature)
        throw FileError(path(), "is a damaged zip archive: the local header of entry " + quoted(name) +
                                    " is missing.");
    const std::uint16_t nameLength = readLe16(local + 26);
    const std::uint16_t extraLength = readLe16(local + 28);
    const std::uint64_t nameOffset = record.localHeaderOffset + LocalHeaderSize;
    if (!fitsWithin(nameOffset, std::uint64_t(nameLength) + extraLength, fileSize) || nameLength != name.size() ||
        std::memcmp(data + nameOffset, name.data(), nameLength) != 0)
        throw FileError(path(), "is a damaged zip archive: the local header of entry " + quoted(name) +
                                    " does not match the central directory.");

    Entry entry;
    entry.name = name;
    entry.compressionMethod = record.compressionMethod;
    entry.dataOffset = nameOffset + nameLength + extraLength;
    entry.size = record.compressedSize;
    entry.uncompressedSize = record.uncompressedSize;
    entry.encrypted = (record.flags & EncryptedFlag) != 0;
    if (!fitsWithin(entry.dataOffset, entry.size, fileSize))
        throw FileError(path(), "is a damaged zip archive: the data of entry " + quoted(name) +
                                    " runs past the end of the file; it may be truncated.");
    return entry;
}

std::string_view ZipArchive::storedData(const Entry &entry) const
{
    if (entry.encrypted)
        throw FileError(path(), "cannot be read: zip entry " + quoted(entry.name) + " is encrypted.");
    if (entry.compressionMethod != StoredMethod)
        throw FileError(path(), "cannot be read: zip entry " + quoted(entry.name) + " is compressed (method " +
                                    std::to_string(entry.compressionMethod) +
                                    "); only uncompressed (stored) entries can be read in place.");
    if (entry.size != entry.uncompressedSize)
        throw FileError(path(), "is a damaged zip archive: stored entry " + quoted(entry.name) +
                                    " has different compressed and uncompressed sizes.");
    if (!fitsWithin(entry.dataOffset, entry.size, file_->size()))
        throw FileError(path(), "is a damaged zip archive: the data of entry " + quoted(entry.name) +
                                    " runs past the end of the file; it may be truncated.");
    return std::string_view(reinterpret_cast<const char *>(file_->data() + entry.dataOffset),
                            static_cast<std::size_t>(entry.size));
}

} // namespace geolens
