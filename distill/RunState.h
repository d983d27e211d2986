#pragma once

// Where a distillation run stands, as its checkpoint's state.json keeps it. Plain C++, without
// LibTorch.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

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
    // The processes the run had when the checkpoint was written, and the rollouts each held (rank
    // 0's are in tensors.pt, the others' in rollouts-rank-R.pt); a resume on another number of
    // processes shares them out again.
    int worldSize = 1;
    std::vector<std::size_t> rankRollouts;

    // Writes path atomically. Throws FileError.
    void save(const std::string &path) const;
    // Throws FileError naming the file and what is wrong with it.
    static RunState load(const std::string &path);
};

} // namespace geolens
