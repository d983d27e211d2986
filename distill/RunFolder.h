#pragma once

#include <optional>
#include <string>
#include <vector>

namespace geolens {

// The rules of a run folder that every writer and reader of it shares: one run at a time (an
// exclusive lock the kernel drops when the holder dies), no fresh run over an earlier one's
// results, and no temporaries left by a killed process. Plain C++.
class RunFolder {
public:
    // The lock file, beside run.json; it holds the holder's process id.
    static constexpr const char *LockFile = "distill.lock";

    // Holds the folder's lock while it lives. An open-file-description lock (F_OFD_SETLK): it
    // conflicts within one process too, and F_OFD_GETLK lets a monitor see it held without taking
    // it, so looking never gets in the way of a run starting.
    class Lock {
    public:
        ~Lock();
        Lock(Lock &&other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
        Lock(const Lock &) = delete;
        Lock &operator=(const Lock &) = delete;

    private:
        friend class RunFolder;
        explicit Lock(int fd) : fd_(fd) {}
        int fd_ = -1;
    };

    // Takes the lock of runDir (created when missing). Throws FileError naming the process that
    // holds it when another run uses the folder.
    static Lock lock(const std::string &runDir);
    // The process id of the run holding runDir's lock; nothing when no process holds it (a
    // distill.pid or lock file left by a dead run says nothing).
    static std::optional<long> holder(const std::string &runDir);

    // What of an earlier run's results runDir holds: "checkpoints", "metrics.jsonl", "student";
    // empty for a new or empty folder. run.json alone (a configuration written before the launch)
    // and the launch record are not results.
    static std::vector<std::string> earlierResults(const std::string &runDir);
    // Removes an earlier run's results and stop request, keeping run.json, the launch record, the
    // log the launcher already appends to, and the lock.
    static void clearEarlierRun(const std::string &runDir);

    // Removes what killed writers leave: *.tmp checkpoint folders and *.tmp-* files (AtomicFile)
    // in the folder, checkpoints/ and student/. Returns how many entries went.
    static int removeTemporaries(const std::string &runDir);
};

} // namespace geolens
