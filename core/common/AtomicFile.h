#pragma once

#include <string>

namespace geolens {

// Writes a file under a temporary name in the same directory and renames it into place on
// commit(), so a crash or an error never leaves a half-written output behind. The temporary file
// is removed if the object is destroyed without commit().
class AtomicFile {
public:
    explicit AtomicFile(std::string path);
    ~AtomicFile();
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    const std::string &path() const { return path_; }
    const std::string &temporaryPath() const { return tempPath_; }

    // Writes all of data to the temporary file (replacing what an earlier write put there).
    void write(const std::string &data);
    void write(const void *data, std::size_t size);
    // Renames the temporary file onto the final path. Throws FileError on failure.
    void commit();

private:
    std::string path_;
    std::string tempPath_;
    bool written_ = false;
    bool committed_ = false;
};

// Convenience: writes data to path atomically.
void writeFileAtomically(const std::string &path, const std::string &data);

// Appends data to path (created when missing) as one piece: when a write or the sync fails (a full
// disk), the file is cut back to its length before and FileError is thrown, so a log never ends
// in half a line.
void appendToFile(const std::string &path, const std::string &data);
// The same on a file already open for appending.
void appendToFile(int fd, const std::string &path, const std::string &data);

} // namespace geolens
