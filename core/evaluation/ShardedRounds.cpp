#include "evaluation/ShardedRounds.h"

#include "common/Error.h"

#include <algorithm>
#include <exception>

namespace geolens {

ShardedRounds::ShardedRounds(ShardExchange &ranks, std::size_t count, std::size_t batch, std::string name)
    : ranks_(ranks), shard_(ranks.rank(), ranks.worldSize()), count_(count), batch_(batch), rounds_(0),
      name_(std::move(name))
{
    if (batch_ < 1)
        throw InvalidArgument("A batch holds at least one item.");
    // Rank 0's shard is the largest.
    rounds_ = (WorkShard(0, shard_.worldSize()).size(count_) + batch_ - 1) / batch_;
}

std::vector<std::size_t> ShardedRounds::itemsOf(std::size_t round) const
{
    std::vector<std::size_t> items;
    const std::size_t end = std::min(shard_.size(count_), (round + 1) * batch_);
    for (std::size_t local = round * batch_; local < end; ++local)
        items.push_back(shard_.globalIndex(local));
    return items;
}

std::vector<std::size_t> ShardedRounds::allItemsOf(std::size_t round) const
{
    std::vector<std::size_t> items;
    const std::size_t perRound = batch_ * static_cast<std::size_t>(shard_.worldSize());
    for (std::size_t i = round * perRound; i < std::min(count_, (round + 1) * perRound); ++i)
        items.push_back(i);
    return items;
}

std::size_t ShardedRounds::doneAfter(std::size_t round) const
{
    return std::min(count_, (round + 1) * batch_ * static_cast<std::size_t>(shard_.worldSize()));
}

void ShardedRounds::run(std::size_t round, const Work &work, const Encode &encode, const Decode &decode)
{
    const std::vector<std::size_t> mine = itemsOf(round);
    if (!ranks_.distributed()) {
        work(mine);
        return;
    }
    std::exception_ptr failure;
    Json payload = Json::object();
    try {
        work(mine);
        Json results = Json::array();
        for (std::size_t item : mine)
            results.push_back(encode(item));
        payload["results"] = std::move(results);
    } catch (const std::exception &e) {
        failure = std::current_exception();
        payload = Json{{"failed", e.what()}, {"canceled", dynamic_cast<const Canceled *>(&e) != nullptr}};
    }
    const std::string what = name_ + " of round " + std::to_string(round + 1) + " of " + std::to_string(rounds_);
    const std::string key = name_ + "/" + std::to_string(round);
    // A collective first: a rank that died is seen here at once, where waiting in the store for
    // its results would last the whole timeout.
    const bool anyFailed = ranks_.anyRank(static_cast<bool>(failure), what);
    const std::vector<std::string> parts = ranks_.gatherToRoot(dumpJson(payload), key);
    if (anyFailed) {
        // Rank 0 reads why and tells every rank, so that all stop alike: as canceled (exit 130)
        // when every failure was a cancel, else with the failures named.
        std::string verdict;
        if (ranks_.isRoot()) {
            std::string failures;
            bool onlyCanceled = true;
            for (std::size_t r = 0; r < parts.size(); ++r) {
                Json part;
                try {
                    part = parseJson(parts[r]);
                } catch (const JsonError &) {
                    continue;
                }
                const Json *message = jsonMember(part, "failed");
                if (!message || !message->is_string())
                    continue;
                failures += (failures.empty() ? "" : "; ") + std::string("rank ") + std::to_string(r) + ": " +
                            message->get<std::string>();
                const Json *canceled = jsonMember(part, "canceled");
                onlyCanceled = onlyCanceled && canceled && canceled->is_boolean() && canceled->get<bool>();
            }
            verdict = dumpJson(Json{{"canceled", onlyCanceled}, {"failures", failures}});
        }
        verdict = ranks_.broadcastFromRoot(verdict, key + "/verdict");
        if (failure)
            std::rethrow_exception(failure);
        const Json v = parseJson(verdict, "the verdict on " + what);
        if (v.at("canceled").get<bool>())
            throw Canceled();
        throw Error("The job stopped during " + what + " because a process failed (" +
                    v.at("failures").get<std::string>() + ").");
    }
    if (!ranks_.isRoot())
        return;

    std::vector<Json> received(parts.size());
    for (std::size_t r = 1; r < parts.size(); ++r) {
        try {
            received[r] = parseJson(parts[r], "the results of rank " + std::to_string(r));
        } catch (const JsonError &e) {
            throw Error("The job's ranks do not understand each other (" + std::string(e.what()) +
                        "); run the same GeoLens on every rank.");
        }
    }
    for (std::size_t r = 1; r < parts.size(); ++r) {
        const WorkShard theirs(static_cast<int>(r), shard_.worldSize());
        const Json *results = jsonMember(received[r], "results");
        const std::size_t end = std::min(theirs.size(count_), (round + 1) * batch_);
        const std::size_t expected = end > round * batch_ ? end - round * batch_ : 0;
        if (!results || !results->is_array() || results->size() != expected)
            throw Error("Rank " + std::to_string(r) + " sent " + (results && results->is_array()
                                                                     ? std::to_string(results->size())
                                                                     : std::string("no")) +
                        " results for " + what + " where " + std::to_string(expected) +
                        " were due; run the same GeoLens with the same options on every rank.");
        try {
            for (std::size_t k = 0; k < expected; ++k)
                decode(theirs.globalIndex(round * batch_ + k), (*results)[k]);
        } catch (const std::exception &e) {
            throw Error("The results rank " + std::to_string(r) + " sent for " + what + " are not what rank 0 expects (" +
                        e.what() + "); run the same GeoLens on every rank.");
        }
    }
}

} // namespace geolens
