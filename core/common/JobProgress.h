#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace geolens {

// How a long job in core reports progress and learns it should stop. The GUI turns the callback
// into signals and the cancel flag into a Cancel button; the CLI draws a terminal progress bar.
// The same job object serves both.
class JobProgress {
public:
    using Callback = std::function<void(std::int64_t done, std::int64_t total, const std::string &step)>;

    JobProgress() = default;
    explicit JobProgress(Callback callback) : callback_(std::move(callback)) {}

    void report(std::int64_t done, std::int64_t total, const std::string &step = {}) const
    {
        if (callback_)
            callback_(done, total, step);
    }

    void requestCancel() { canceled_.store(true); }
    bool isCanceled() const { return canceled_.load(); }
    // The flag itself, for engine calls that poll it while they run (GenerationRequest::cancel).
    const std::atomic<bool> *cancelFlag() const { return &canceled_; }

    // Throws Canceled when a cancel was requested; jobs call it between units of work.
    void throwIfCanceled() const;

private:
    Callback callback_;
    std::atomic<bool> canceled_{false};
};

} // namespace geolens
