#include "distill/RunState.h"

#include "common/AtomicFile.h"
#include "common/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

namespace geolens {

void RunState::save(const std::string &path) const
{
    nlohmann::ordered_json state = nlohmann::ordered_json::object();
    state["step"] = step;
    state["consumed"] = consumed;
    state["corpus_position"] = corpusPosition;
    state["rollouts"] = rollouts;
    state["best_warmup_loss"] = std::isfinite(bestWarmupLoss) ? nlohmann::ordered_json(bestWarmupLoss) : nlohmann::ordered_json();
    state["seconds"] = seconds;
    state["skipped_too_long"] = skippedTooLong;
    writeFileAtomically(path, state.dump(2));
}

RunState RunState::load(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FileError(path, "the checkpoint's state cannot be read.");
    const nlohmann::ordered_json state = nlohmann::ordered_json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!state.is_object())
        throw FileError(path, "the checkpoint's state is not a JSON object.");
    const auto number = [&](const char *key) -> const nlohmann::ordered_json & {
        const auto found = state.find(key);
        if (found == state.end() || !found->is_number())
            throw FileError(path, std::string("the checkpoint's state has no number \"") + key + "\".");
        return *found;
    };
    const auto count = [&](const char *key) {
        const nlohmann::ordered_json &value = number(key);
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
    const auto best = state.find("best_warmup_loss");
    if (best == state.end() || !(best->is_null() || best->is_number()))
        throw FileError(path, "the checkpoint's state has no \"best_warmup_loss\" (a number or null).");
    if (best->is_number())
        s.bestWarmupLoss = best->get<double>();
    return s;
}

} // namespace geolens
