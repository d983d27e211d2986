#pragma once

// A run's checkpoints: RUN_DIR/checkpoints/step-NNNNNNNN with the trained tensors, the best
// weights of the warm start, the rollouts of the current batch (tensors.pt), the optimiser
// (optimizer.pt) and the position in the data (state.json, written last). Internal to the
// distillation engine: it includes LibTorch.

#include "distill/RolloutBatch.h"
#include "distributed/DistributedGroup.h"
#include "distill/RunState.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace geolens::distill {

// The tensors a checkpoint keeps besides the rollouts and the optimiser.
struct TrainedTensors {
    // The student's trainable tensors by name: handles, so that a restore copies into them.
    std::vector<std::pair<std::string, torch::Tensor>> parameters;
    torch::Tensor alignMap;                          // undefined when the widths agree
    std::map<std::string, torch::Tensor> bestWarmup; // CPU copies, by the same names
};

class RunCheckpoint {
public:
    explicit RunCheckpoint(std::string runDir, int kept = 2);

    // Writes the checkpoint of state.step: made in a .tmp folder, state.json last, then renamed,
    // so a folder with state.json is always complete. All but the last `kept` checkpoints are
    // removed. Returns the folder. Every rank of group calls it: the weights and the optimiser are
    // the same on all, so rank 0 writes them; each rank writes its own rollouts.
    std::string save(const RunState &state, const TrainedTensors &tensors, const RolloutBatch &rollouts,
                     const torch::optim::Optimizer &optimizer, DistributedGroup &group) const;

    // Restores the last complete checkpoint: tensors.parameters and alignMap in place (each on
    // its device and in its type), tensors.bestWarmup when the state has a best loss, rollouts and
    // the optimiser. Returns the state; folder (optional) receives the checkpoint's folder.
    // Throws InvalidArgument when there is no checkpoint, FileError when it lacks a tensor the
    // run trains (the configuration changed).
    // Every rank of group calls it and gets the same weights; the rollouts are its own when the
    // checkpoint has as many processes as group, else all of them shared out again in order.
    RunState restore(TrainedTensors &tensors, RolloutBatch &rollouts, torch::optim::Optimizer &optimizer,
                     DistributedGroup &group, std::string *folder = nullptr) const;

    // "step-00000042".
    static std::string folderName(int step);
    // The file of a checkpoint that holds rank's rollouts (rank 0's are in tensors.pt).
    static std::string rankRolloutsFile(int rank);

private:
    std::string runDir_;
    int kept_;
};

} // namespace geolens::distill
