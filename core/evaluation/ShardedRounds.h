#pragma once

#include "common/JsonIo.h"
#include "evaluation/ShardExchange.h"
#include "evaluation/WorkShard.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace geolens {

// A job's items answered in rounds by every rank of a data-parallel run in step: in each round a
// rank works on at most `batch` items of its WorkShard, and rank 0 gets back every rank's results
// of the round, which together are a contiguous run of the job's items. Going in step bounds how
// long one rank waits for another to a batch's time (the group's timeout), lets rank 0 report the
// progress of the whole job and write results in order as they come, and ends every rank at the
// same round when one of them fails or is stopped.
//
// A job keeps its results in its own storage, indexed by the job's item index: work fills this
// rank's items; when the job is distributed, encode turns each of them into JSON for the journey
// and decode stores another rank's on rank 0. A single process runs work alone, so its results
// are what they were before sharding, bit for bit.
class ShardedRounds {
public:
    using Work = std::function<void(const std::vector<std::size_t> &items)>;
    using Encode = std::function<Json(std::size_t item)>;
    using Decode = std::function<void(std::size_t item, const Json &result)>;

    // name says what the results are in messages ("the scene labels") and must be new to the
    // job's run: it names the exchanges. batch must be at least 1.
    ShardedRounds(ShardExchange &ranks, std::size_t count, std::size_t batch, std::string name);

    // The same number on every rank: a rank with nothing left still takes part.
    std::size_t rounds() const { return rounds_; }
    // This rank's items of a round (the job's indices, ascending), maybe none.
    std::vector<std::size_t> itemsOf(std::size_t round) const;
    // Every rank's items of a round: the job's items [round * batch * worldSize, ...).
    std::vector<std::size_t> allItemsOf(std::size_t round) const;
    // How many of the job's items every rank together has done after a round.
    std::size_t doneAfter(std::size_t round) const;

    // Runs one round. When work (or encoding) throws on any rank, every rank throws once all
    // have finished the round: a rank that failed its own exception, the others Canceled when
    // every failure was a cancel, else an Error naming each rank that failed and its message
    // (rank 0 reads them and tells the others). A rank that died ends the round at once, one that
    // hangs after the group's timeout, with the group's error.
    void run(std::size_t round, const Work &work, const Encode &encode, const Decode &decode);

private:
    ShardExchange &ranks_;
    WorkShard shard_;
    std::size_t count_;
    std::size_t batch_;
    std::size_t rounds_;
    std::string name_;
};

} // namespace geolens
