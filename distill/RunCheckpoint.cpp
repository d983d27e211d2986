#include "distill/RunCheckpoint.h"

#include "common/Error.h"
#include "distill/ArchiveFile.h"
#include "distill/DistillRun.h"

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <unistd.h>

namespace geolens {

namespace fs = std::filesystem;

std::string lastCheckpoint(const std::string &runDir)
{
    const fs::path dir = fs::path(runDir) / "checkpoints";
    std::error_code error;
    if (!fs::is_directory(dir, error))
        return {};
    std::vector<fs::path> complete;
    for (const auto &entry : fs::directory_iterator(dir, error))
        if (entry.is_directory() && entry.path().extension() != ".tmp" && fs::exists(entry.path() / "state.json"))
            complete.push_back(entry.path());
    if (complete.empty())
        return {};
    return std::max_element(complete.begin(), complete.end())->string();
}

namespace distill {

namespace {

RolloutBatch rankRollouts(const fs::path &dir, torch::serialize::InputArchive &rankZero, const RunState &state, int rank)
{
    const std::size_t count = state.rankRollouts.at(static_cast<std::size_t>(rank));
    if (rank == 0)
        return RolloutBatch::load(rankZero, count);
    if (count == 0)
        return {};
    const fs::path file = dir / RunCheckpoint::rankRolloutsFile(rank);
    if (!fs::exists(file))
        throw FileError(dir.string(), "the checkpoint lacks " + file.filename().string() + ", the rollouts of rank " +
                                          std::to_string(rank) + ".");
    torch::serialize::InputArchive archive;
    archive.load_from(file.string());
    return RolloutBatch::load(archive, count);
}

// This rank's rollouts: its own when the process count is the checkpoint's; else all ranks'
// rollouts in rank order, cut into as many contiguous parts as there are processes now.
RolloutBatch restoreRollouts(const fs::path &dir, torch::serialize::InputArchive &rankZero, const RunState &state,
                             const DistributedGroup &group)
{
    if (state.worldSize == group.worldSize())
        return rankRollouts(dir, rankZero, state, group.rank());
    std::vector<Rollout> all;
    for (int r = 0; r < state.worldSize; ++r) {
        RolloutBatch batch = rankRollouts(dir, rankZero, state, r);
        for (Rollout &rollout : batch.rollouts())
            all.push_back(std::move(rollout));
    }
    const std::size_t n = all.size(), world = static_cast<std::size_t>(group.worldSize());
    const std::size_t rank = static_cast<std::size_t>(group.rank());
    RolloutBatch mine;
    for (std::size_t i = rank * n / world; i < (rank + 1) * n / world; ++i)
        mine.add(std::move(all[i]));
    return mine;
}

} // namespace

RunCheckpoint::RunCheckpoint(std::string runDir, int kept) : runDir_(std::move(runDir)), kept_(kept) {}

std::string RunCheckpoint::folderName(int step)
{
    char name[32];
    std::snprintf(name, sizeof name, "step-%08d", step);
    return name;
}

std::string RunCheckpoint::rankRolloutsFile(int rank)
{
    return "rollouts-rank-" + std::to_string(rank) + ".pt";
}

std::string RunCheckpoint::save(const RunState &state, const TrainedTensors &tensors, const RolloutBatch &rollouts,
                                const torch::optim::Optimizer &optimizer, DistributedGroup &group) const
{
    const fs::path checkpoints = fs::path(runDir_) / "checkpoints";
    const fs::path final = checkpoints / folderName(state.step);
    const fs::path temporary = final.string() + ".tmp";
    std::error_code ignored;
    std::vector<double> counts(static_cast<std::size_t>(group.worldSize()), 0.0);
    counts[static_cast<std::size_t>(group.rank())] = static_cast<double>(rollouts.size());
    group.allReduceSum(counts, "a checkpoint");
    if (group.isRoot()) {
        fs::remove_all(temporary, ignored);
        fs::create_directories(temporary);
    }
    if (group.distributed()) {
        group.barrier("a checkpoint");
        if (!group.isRoot() && !rollouts.empty()) {
            torch::serialize::OutputArchive archive;
            rollouts.save(archive);
            saveArchive(archive, (temporary / rankRolloutsFile(group.rank())).string());
        }
        group.barrier("a checkpoint");
        if (!group.isRoot())
            return final.string();
    }

    torch::serialize::OutputArchive archive;
    for (const auto &[name, t] : tensors.parameters)
        archive.write("param/" + name, t.detach().to(torch::kCPU));
    if (tensors.alignMap.defined())
        archive.write("align_map", tensors.alignMap.detach().to(torch::kCPU));
    for (const auto &[name, t] : tensors.bestWarmup)
        archive.write("best/" + name, t);
    rollouts.save(archive);
    try {
        saveArchive(archive, (temporary / "tensors.pt").string());
        torch::serialize::OutputArchive optimizerArchive;
        optimizer.save(optimizerArchive);
        saveArchive(optimizerArchive, (temporary / "optimizer.pt").string());

        // Written last: a folder without state.json is not a checkpoint.
        RunState written = state;
        written.rollouts = rollouts.size();
        written.worldSize = group.worldSize();
        written.rankRollouts.clear();
        for (double n : counts)
            written.rankRollouts.push_back(static_cast<std::size_t>(n));
        written.save((temporary / "state.json").string());
    } catch (...) {
        // The last complete checkpoint stays the one a resume takes; the part written goes.
        fs::remove_all(temporary, ignored);
        throw;
    }
    fs::remove_all(final, ignored);
    fs::rename(temporary, final);

    // Older checkpoints go, the last few stay.
    std::vector<fs::path> all;
    for (const auto &entry : fs::directory_iterator(checkpoints))
        if (entry.is_directory() && entry.path().filename().string().rfind("step-", 0) == 0 &&
            entry.path().extension() != ".tmp")
            all.push_back(entry.path());
    std::sort(all.begin(), all.end());
    for (std::size_t i = 0; i + static_cast<std::size_t>(kept_) < all.size(); ++i)
        fs::remove_all(all[i], ignored);
    return final.string();
}

RunState RunCheckpoint::restore(TrainedTensors &tensors, RolloutBatch &rollouts, torch::optim::Optimizer &optimizer,
                                DistributedGroup &group, std::string *folderOut) const
{
    // Rank 0 chooses, so that every rank resumes from the same checkpoint.
    const std::string folder = group.broadcastFromRoot(lastCheckpoint(runDir_), "resume-checkpoint");
    if (folder.empty())
        throw InvalidArgument("There is no checkpoint to resume from in " + runDir_ + ".");
    const fs::path dir(folder);
    const RunState state = RunState::load((dir / "state.json").string());

    torch::serialize::InputArchive archive;
    archive.load_from((dir / "tensors.pt").string());
    {
        torch::NoGradGuard noGrad;
        for (auto &[name, t] : tensors.parameters) {
            torch::Tensor saved;
            if (!archive.try_read("param/" + name, saved))
                throw FileError(folder, "the checkpoint lacks " + name + "; was the run's configuration changed?");
            t.copy_(saved.to(t.device(), t.scalar_type()));
        }
        if (tensors.alignMap.defined()) {
            torch::Tensor saved;
            if (!archive.try_read("align_map", saved))
                throw FileError(folder, "the checkpoint lacks the alignment map.");
            tensors.alignMap.copy_(saved.to(tensors.alignMap.device()));
        }
        if (std::isfinite(state.bestWarmupLoss))
            for (const auto &[name, t] : tensors.parameters) {
                torch::Tensor saved;
                if (archive.try_read("best/" + name, saved))
                    tensors.bestWarmup[name] = saved;
            }
    }
    rollouts = restoreRollouts(dir, archive, state, group);
    // The optimiser of the phase the checkpoint is in (a new one starts with distillation).
    torch::serialize::InputArchive optimizerArchive;
    optimizerArchive.load_from((dir / "optimizer.pt").string());
    optimizer.load(optimizerArchive);
    if (folderOut)
        *folderOut = folder;
    return state;
}

} // namespace distill

} // namespace geolens
