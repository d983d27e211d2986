#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace geolens::cli {

// A one-line progress bar on stderr, redrawn at most ten times a second; silent when stderr is
// not a terminal, so logs and pipes stay clean.
class TerminalProgress {
public:
    explicit TerminalProgress(std::string label);
    ~TerminalProgress();
    void update(std::int64_t done, std::int64_t total);

private:
    std::string label_;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_{};
};

// " at 12.345 tiles/s": count tiles done since started, with decimals after the point, for the
// closing line of a labelling verb.
std::string tileRateSince(std::chrono::steady_clock::time_point started, std::size_t count, int decimals);

} // namespace geolens::cli
