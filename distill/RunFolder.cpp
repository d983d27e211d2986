#include "distill/RunFolder.h"

#include "common/Error.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace geolens {

namespace fs = std::filesystem;

namespace {

struct flock wholeFile(short type)
{
    struct flock region {};
    region.l_type = type;
    region.l_whence = SEEK_SET;
    region.l_start = 0;
    region.l_len = 0; // to the end, however long
    region.l_pid = 0;  // must be 0 for open-file-description locks
    return region;
}

std::optional<long> pidIn(int fd)
{
    char text[32] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    if (n <= 0)
        return std::nullopt;
    char *end = nullptr;
    const long pid = std::strtol(text, &end, 10);
    return end != text && pid > 0 ? std::optional<long>(pid) : std::nullopt;
}

bool isTemporary(const fs::path &p)
{
    const std::string name = p.filename().string();
    return name.find(".tmp-") != std::string::npos || p.extension() == ".tmp";
}

} // namespace

RunFolder::Lock::~Lock()
{
    if (fd_ >= 0)
        ::close(fd_); // closing the description drops its lock
}

RunFolder::Lock RunFolder::lock(const std::string &runDir)
{
    std::error_code error;
    fs::create_directories(runDir, error);
    const std::string path = (fs::path(runDir) / LockFile).string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        throw FileError(path, std::string("cannot be opened: ") + std::strerror(errno) + ".");
    struct flock region = wholeFile(F_WRLCK);
    if (::fcntl(fd, F_OFD_SETLK, &region) != 0) {
        const int reason = errno;
        const std::optional<long> other = pidIn(fd);
        ::close(fd);
        if (reason == EAGAIN || reason == EACCES)
            throw FileError(runDir, "another run (process " + (other ? std::to_string(*other) : std::string("unknown")) +
                                        ") is using this folder; wait for it to end, stop it, or choose another folder.");
        throw FileError(path, std::string("cannot be locked: ") + std::strerror(reason) + ".");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        const int reason = errno;
        ::close(fd);
        throw FileError(path, std::string("cannot be written: ") + std::strerror(reason) + ".");
    }
    return Lock(fd);
}

std::optional<long> RunFolder::holder(const std::string &runDir)
{
    const std::string path = (fs::path(runDir) / LockFile).string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    // A read-only descriptor may test for a write lock: F_OFD_GETLK places nothing.
    struct flock region = wholeFile(F_WRLCK);
    const bool held = ::fcntl(fd, F_OFD_GETLK, &region) == 0 && region.l_type != F_UNLCK;
    std::optional<long> pid = held ? pidIn(fd) : std::nullopt;
    if (held && !pid)
        pid = 0; // held by a run that has not written its id yet
    ::close(fd);
    return pid;
}

std::vector<std::string> RunFolder::earlierResults(const std::string &runDir)
{
    const fs::path dir(runDir);
    std::vector<std::string> found;
    std::error_code error;
    if (fs::is_directory(dir / "checkpoints", error) && !fs::is_empty(dir / "checkpoints", error))
        found.push_back("checkpoints");
    if (fs::is_regular_file(dir / "metrics.jsonl", error) && fs::file_size(dir / "metrics.jsonl", error) > 0)
        found.push_back("metrics.jsonl");
    if (fs::exists(dir / "student", error))
        found.push_back("student");
    return found;
}

void RunFolder::clearEarlierRun(const std::string &runDir)
{
    const fs::path dir(runDir);
    for (const char *name : {"checkpoints", "student", "metrics.jsonl", "STOP", "image-cache"}) {
        std::error_code error;
        fs::remove_all(dir / name, error);
        if (error)
            throw FileError((dir / name).string(), "cannot be removed: " + error.message() + ".");
    }
}

int RunFolder::removeTemporaries(const std::string &runDir)
{
    const fs::path dir(runDir);
    int removed = 0;
    for (const fs::path &folder : {dir, dir / "checkpoints", dir / "student"}) {
        std::error_code error;
        if (!fs::is_directory(folder, error))
            continue;
        std::vector<fs::path> stale;
        for (const auto &entry : fs::directory_iterator(folder, error))
            if (isTemporary(entry.path()))
                stale.push_back(entry.path());
        for (const fs::path &p : stale)
            if (fs::remove_all(p, error) > 0 && !error)
                ++removed;
    }
    return removed;
}

} // namespace geolens
