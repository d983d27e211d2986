#pragma once

// The CPU's read rate at one moment, for comparing a decoding step with the rate the machine gave
// while it ran. On a shared machine the neighbours move the read rate by a third within a second;
// samples taken only before and after a whole decoding run (best of three each) meet the quiet
// moments more often than the run does, and a share against them reads low by the noise alone.
// `bench` therefore reads the probe between decoding steps and compares each step with the mean of
// the samples on either side of it.
//
// Internal to the model engine; holds no LibTorch type.

#include <cstddef>
#include <functional>
#include <memory>

namespace geolens::detail {

class OnesPages;

class ReadRateProbe {
public:
    // Maps a buffer of its own, 64 MiB for each of LibTorch's threads now (each decoding step
    // between two samples reads far more, so every sample reads from memory, not from the
    // caches), handed back on destruction.
    ReadRateProbe();
    ~ReadRateProbe();
    ReadRateProbe(const ReadRateProbe &) = delete;
    ReadRateProbe &operator=(const ReadRateProbe &) = delete;

    // Whether samples can be taken: the build has the vector kernels and the CPU runs them, and
    // the buffer could be mapped.
    bool available() const;
    // GB/s of one pass over the buffer by every thread (streamRead), read as the engine's kernels
    // read their weights. About 2 ms. 0 where unavailable.
    double sampleGBps() const;
    // Runs step alone, timed, with a sample after it (and one before the first): the pairing that
    // bench and the kernel benchmark both use. Returns the step's seconds.
    double timeBetweenSamples(const std::function<void()> &step);
    // Over the steps timed so far: the sum of 1 / (the mean of the two samples around each), and
    // their number. steps / inverseRateSum is the bandwidth at which they would have taken the
    // time they took, each at the rate measured around it (pairedGBps).
    double inverseRateSum() const { return inverseRates_; }
    int timedSteps() const { return steps_; }
    double pairedGBps() const { return steps_ > 0 ? steps_ / inverseRates_ : 0.0; }
    // The buffer's size, which counts in the resident memory while the probe exists.
    double mebibytes() const;

private:
    std::unique_ptr<OnesPages> pages_; // null without the kernels
    bool wide_ = false;
    double last_ = 0.0; // the latest sample, 0 before the first
    double inverseRates_ = 0.0;
    int steps_ = 0;
};

} // namespace geolens::detail
