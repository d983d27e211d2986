#pragma once

// Where this process stands in a data-parallel job, as its launcher describes it in the
// environment: torchrun, SLURM scripts and every launcher of the PyTorch world set RANK,
// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT. Plain C++: the GUI reads it too.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace geolens {

struct LaunchEnvironment {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;      // the rank among the processes of this machine: picks its GPU
    int localWorldSize = 1;
    std::string masterAddress = "127.0.0.1";
    int masterPort = 0;
    // torchrun's agent already serves the rendezvous store at MASTER_PORT: every rank is then its
    // client, under the prefix of the agent's current attempt.
    bool agentStore = false;
    int restartCount = 0;

    bool distributed() const { return worldSize > 1; }
    bool isRoot() const { return rank == 0; }

    // The environment's description; a single process when WORLD_SIZE is absent. Throws
    // InvalidArgument naming the variable that is malformed or inconsistent.
    static LaunchEnvironment fromEnvironment();
    // The same from any lookup (tests).
    static LaunchEnvironment fromVariables(const std::function<std::optional<std::string>(const std::string &)> &lookup);
};

// How many GPUs one rank of a run uses: the highest GPU index its devices name, plus one ("auto"
// and "cuda" name GPU 0), so that rank r's GPUs are r * k ... r * k + k - 1. 1 without a GPU.
int devicesPerRank(const std::vector<std::string> &devices);

// device ("cpu", "cuda", "cuda:1") as this rank's own: a process of a job with k GPUs per rank
// uses cuda:(localRank * k + i) for the configured cuda:i ("cuda" is cuda:0), always written with
// its index. CPU devices and
// "auto" stay as they are (a caller resolving "auto" to CUDA takes GPU localRank * k).
std::string rankDeviceName(const std::string &device, int localRank, int devicesPerRank);

} // namespace geolens
