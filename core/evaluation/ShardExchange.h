#pragma once

#include "common/Error.h"

#include <exception>
#include <functional>
#include <string>
#include <vector>

namespace geolens {

// What a job sharded over the ranks of a data-parallel run needs from them: who this process is,
// a flag every rank raises or not, and strings sent to rank 0 or from it. The jobs live in plain
// C++ libraries; the programs back this with DistributedGroup (GroupExchange), which keeps
// LibTorch's c10d out of them. This base class is one process alone: every exchange is the
// identity, so a job written against it needs no special case when it is not distributed.
class ShardExchange {
public:
    ShardExchange() = default;
    virtual ~ShardExchange() = default;
    ShardExchange(const ShardExchange &) = delete;
    ShardExchange &operator=(const ShardExchange &) = delete;

    virtual int rank() const { return 0; }
    virtual int worldSize() const { return 1; }
    bool isRoot() const { return rank() == 0; }
    bool distributed() const { return worldSize() > 1; }

    // what names the point of the job in errors ("the scene labels of round 3").
    virtual bool anyRank(bool value, const std::string &what)
    {
        (void)what;
        return value;
    }
    // Every rank's payload in rank order on rank 0, nothing on the others; key is new to the job.
    virtual std::vector<std::string> gatherToRoot(const std::string &payload, const std::string &key)
    {
        (void)key;
        return {payload};
    }
    // Rank 0's payload on every rank; key is new to the job.
    virtual std::string broadcastFromRoot(const std::string &payload, const std::string &key)
    {
        (void)key;
        return payload;
    }
};

// Runs work on rank 0 alone, such as opening the folder a job writes. When it throws, rank 0
// rethrows its exception and every other rank throws an Error with its message, so that no rank
// goes on to wait for one that has stopped; key is new to the job.
inline void runOnRoot(ShardExchange &ranks, const std::function<void()> &work, const std::string &key)
{
    std::exception_ptr failure;
    std::string problem;
    if (ranks.isRoot()) {
        try {
            work();
        } catch (const std::exception &e) {
            failure = std::current_exception();
            problem = e.what();
        }
    }
    if (ranks.distributed())
        problem = ranks.broadcastFromRoot(problem, key);
    if (failure)
        std::rethrow_exception(failure);
    if (!problem.empty())
        throw Error(problem);
}

} // namespace geolens
