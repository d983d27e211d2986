#pragma once

// A run's metrics.jsonl as the run writes it: one record a line, each flushed as soon as it is
// written so that a monitor follows the run live. Plain C++, without LibTorch.

#include "distill/MetricsRecord.h"

#include <functional>
#include <string>

namespace geolens {

class MetricsWriter {
public:
    // onRecord (optional) sees each record once it is in the file.
    explicit MetricsWriter(std::string path, std::function<void(const MetricsRecord &)> onRecord = {});

    const std::string &path() const { return path_; }

    // A new run starts a new curve: the file is emptied (made when missing).
    void startNew();
    // A resumed run continues the curve of its checkpoint: records after step go, and so do lines
    // that are not records (one cut short by the interruption).
    void keepUpTo(int step);
    // Appends record as one line. Throws FileError when it cannot be written.
    void write(const MetricsRecord &record);

private:
    std::string path_;
    std::function<void(const MetricsRecord &)> onRecord_;
};

} // namespace geolens
