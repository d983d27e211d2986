#pragma once

#include <chrono>
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

} // namespace geolens::cli
