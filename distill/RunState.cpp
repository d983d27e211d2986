#include "distill/RunState.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonIo.h"

#include <cmath>

namespace geolens {

void RunState::save(const std::string &path) const
{
    Json state = Json::object();
    state["step"] = step;
    state["consumed"] = consumed;
    state["corpus_position"] = corpusPosition;
    state["rollouts"] = rollouts;
    state["best_warmup_loss"] = std::isfinite(bestWarmupLoss) ? Json(bestWarmupLoss) : Json();
    state["seconds"] = seconds;
    state["skipped_too_long"] = skippedTooLong;
    state["world_size"] = worldSize;
    state["rank_rollouts"] = rankRollouts.empty() ? std::vector<std::size_t>{rollouts} : rankRollouts;
    writeFileAtomically(path, dumpJson(state, 2));
}

RunState RunState::load(const std::string &path)
{
    const Json state = readJsonFile(path); // names the file, and the line and column of a problem
    if (!state.is_object())
        throw FileError(path, "the checkpoint's state is not a JSON object.");
    const auto number = [&](const char *key) -> const Json & {
        const auto found = state.find(key);
        if (found == state.end() || !found->is_number())
            throw FileError(path, std::string("the checkpoint's state has no number \"") + key + "\".");
        return *found;
    };
    const auto count = [&](const char *key) {
        const Json &value = number(key);
        if (!value.is_number_integer() || value.get<std::int64_t>() < 0)
            throw FileError(path, std::string("the checkpoint's \"") + key + "\" is not a count.");
        return value.get<std::uint64_t>();
    };
    RunState s;
    s.step = static_cast<int>(count("step"));
    s.consumed = count("consumed");
    s.corpusPosition = count("corpus_position");
    s.rollouts = static_cast<std::size_t>(count("rollouts"));
    s.seconds = number("seconds").get<double>();
    s.skippedTooLong = static_cast<std::size_t>(count("skipped_too_long"));
    // Checkpoints of runs on one process before several were possible have neither.
    if (state.contains("world_size")) {
        const std::uint64_t world = count("world_size");
        if (world < 1 || world > 1u << 20)
            throw FileError(path, "the checkpoint's \"world_size\" is not a number of processes.");
        s.worldSize = static_cast<int>(world);
    }
    const auto perRank = state.find("rank_rollouts");
    if (perRank != state.end()) {
        if (!perRank->is_array() || perRank->size() != static_cast<std::size_t>(s.worldSize))
            throw FileError(path, "the checkpoint's \"rank_rollouts\" does not list one count per process.");
        for (const Json &n : *perRank) {
            if (!n.is_number_integer() || n.get<std::int64_t>() < 0)
                throw FileError(path, "the checkpoint's \"rank_rollouts\" holds something else than counts.");
            s.rankRollouts.push_back(n.get<std::size_t>());
        }
    } else {
        s.rankRollouts = {s.rollouts};
    }
    const auto best = state.find("best_warmup_loss");
    if (best == state.end() || !(best->is_null() || best->is_number()))
        throw FileError(path, "the checkpoint's state has no \"best_warmup_loss\" (a number or null).");
    if (best->is_number())
        s.bestWarmupLoss = best->get<double>();
    return s;
}

} // namespace geolens
