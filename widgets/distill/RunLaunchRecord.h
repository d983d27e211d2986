#pragma once

#include <QString>

namespace geolens {

// How a run folder's run was started, in RUN_DIR/launch.json, so that Resume starts it the same
// way: {"launcher": "torchrun", "processes": 2}, or {"launcher": "geolens-cli", "processes": 1}. A
// folder without the file holds a run started as one process.
struct RunLaunchRecord {
    // Ranks of the run's process group; 1: the CLI alone, without torchrun.
    int processes = 1;

    static QString filePath(const QString &runDir);
    // The record in runDir; the default one (one process) when the folder has none. Throws
    // FileError when the file is there but cannot be read or does not hold a record.
    static RunLaunchRecord read(const QString &runDir);
    // Writes the record into runDir atomically, so that a crash never leaves half of it for Resume
    // to read. Throws FileError, or InvalidArgument for fewer than one process.
    void write(const QString &runDir) const;

    bool operator==(const RunLaunchRecord &other) const { return processes == other.processes; }
};

} // namespace geolens
