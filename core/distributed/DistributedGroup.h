#pragma once

// The processes of one data-parallel job, joined through LibTorch's c10d: a TCPStore for the
// rendezvous, ProcessGroupGloo for collectives on the CPU and ProcessGroupNCCL for tensors on
// CUDA devices where LibTorch was built with it. A group of one process makes every collective
// the identity, so single-process code needs no special case. LibTorch stays behind this header.

#include "distributed/LaunchEnvironment.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace geolens {

struct DistributedOptions {
    // How long a collective waits for the other ranks before it gives up: a rank that died is
    // seen at once (its connections close); this bounds the wait on one that hangs. It must
    // cover the longest work one rank does alone (rank 0 writing a checkpoint).
    std::chrono::seconds timeout{1800};
    // Tensors on CUDA devices go through NCCL when LibTorch has it; "gloo" forces Gloo.
    std::string tensorBackend = "auto";
};

class DistributedGroup {
public:
    // A group of one process.
    DistributedGroup();
    // Joins the group environment describes (a group of one when it is not distributed). Throws
    // Error when the rendezvous fails or this LibTorch lacks the backend.
    DistributedGroup(const LaunchEnvironment &environment, const DistributedOptions &options);
    ~DistributedGroup();
    DistributedGroup(DistributedGroup &&) noexcept;
    DistributedGroup &operator=(DistributedGroup &&) noexcept;

    int rank() const { return environment_.rank; }
    int worldSize() const { return environment_.worldSize; }
    int localRank() const { return environment_.localRank; }
    bool isRoot() const { return environment_.rank == 0; }
    bool distributed() const { return environment_.worldSize > 1; }
    const LaunchEnvironment &environment() const { return environment_; }

    // what names the point of the job in errors: "the step's metrics", "a checkpoint".
    void barrier(const std::string &what);
    // Element-wise sums (and maxima) over the ranks, in double precision, in place.
    void allReduceSum(std::vector<double> &values, const std::string &what);
    void allReduceMax(std::vector<double> &values, const std::string &what);
    bool anyRank(bool value, const std::string &what);
    // Every rank's payload, in rank order, on rank 0; an empty list on the others. key must be
    // new to this job (it names the exchange in the rendezvous store).
    std::vector<std::string> gatherToRoot(const std::string &payload, const std::string &key);
    // Rank 0's payload on every rank.
    std::string broadcastFromRoot(const std::string &payload, const std::string &key);

    // Sums tensors over the ranks in place: flattened into buckets of one device and type, all
    // buckets in flight at once. Gloo reduces half-precision buckets in float32. Tensors may live
    // on any device; every rank must pass the same shapes in the same order.
    void allReduceTensors(const std::vector<at::Tensor> &tensors, const std::string &what);

private:
    struct Impl;
    LaunchEnvironment environment_;
    std::unique_ptr<Impl> impl_;
};

} // namespace geolens
