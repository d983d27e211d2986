#pragma once

#include <cstddef>
#include <vector>

namespace geolens {

// The part of a job's items that one rank of a data-parallel job takes: item i belongs to rank
// i mod worldSize. Dealt round robin rather than in blocks, so the nodata corner of a raster or a
// run of hard questions spreads over every rank, and the first k items of every rank together are
// the first k * worldSize items of the job: a job that goes in rounds gets back a contiguous run
// of items each round and can write them in order as they come.
class WorkShard {
public:
    // The whole job: one process.
    WorkShard() = default;
    // Throws InvalidArgument unless 0 <= rank < worldSize.
    WorkShard(int rank, int worldSize);

    int rank() const { return rank_; }
    int worldSize() const { return worldSize_; }

    // How many of count items this shard takes (count / worldSize, one more for the first ranks).
    std::size_t size(std::size_t count) const;
    // The job's index of this shard's local item.
    std::size_t globalIndex(std::size_t local) const { return local * worldSize_ + rank_; }
    // The indices of the count items that fall to this shard, ascending.
    std::vector<std::size_t> indices(std::size_t count) const;

private:
    int rank_ = 0;
    int worldSize_ = 1;
};

} // namespace geolens
