#pragma once

// Where a distillation run stands, as its checkpoint's state.json keeps it. Plain C++, without
// LibTorch.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

namespace geolens {

struct RunState {
    int step = 0;                      // optimiser steps done
    std::uint64_t consumed = 0;        // training samples taken from the endless stream of epochs
    std::uint64_t corpusPosition = 0;  // corpus documents taken
    std::size_t rollouts = 0;          // rollouts kept in the checkpoint's tensors
    // The lowest validation loss of the SFT warm start; infinity (null in the file) before the first.
    double bestWarmupLoss = std::numeric_limits<double>::infinity();
    double seconds = 0.0;              // time spent, earlier resumes included
    std::size_t skippedTooLong = 0;    // samples that did not fit in max_length

    // Writes path atomically. Throws FileError.
    void save(const std::string &path) const;
    // Throws FileError naming the file and what is wrong with it.
    static RunState load(const std::string &path);
};

} // namespace geolens
