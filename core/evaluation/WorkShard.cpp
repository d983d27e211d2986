#include "evaluation/WorkShard.h"

#include "common/Error.h"

#include <string>

namespace geolens {

WorkShard::WorkShard(int rank, int worldSize) : rank_(rank), worldSize_(worldSize)
{
    if (worldSize < 1 || rank < 0 || rank >= worldSize)
        throw InvalidArgument("Rank " + std::to_string(rank) + " of " + std::to_string(worldSize) +
                              " does not name a process of the job.");
}

std::size_t WorkShard::size(std::size_t count) const
{
    const auto world = static_cast<std::size_t>(worldSize_);
    return count / world + (static_cast<std::size_t>(rank_) < count % world ? 1 : 0);
}

std::vector<std::size_t> WorkShard::indices(std::size_t count) const
{
    std::vector<std::size_t> out;
    out.reserve(size(count));
    for (std::size_t i = static_cast<std::size_t>(rank_); i < count; i += static_cast<std::size_t>(worldSize_))
        out.push_back(i);
    return out;
}

} // namespace geolens
