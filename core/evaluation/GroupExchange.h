#pragma once

#include "distributed/DistributedGroup.h"
#include "evaluation/ShardExchange.h"

namespace geolens {

// The ranks of a DistributedGroup as the sharded jobs of core/analysis and core/evaluation see
// them. The group must outlive this view.
class GroupExchange : public ShardExchange {
public:
    explicit GroupExchange(DistributedGroup &group) : group_(group) {}

    int rank() const override { return group_.rank(); }
    int worldSize() const override { return group_.worldSize(); }
    bool anyRank(bool value, const std::string &what) override { return group_.anyRank(value, what); }
    std::vector<std::string> gatherToRoot(const std::string &payload, const std::string &key) override
    {
        return group_.gatherToRoot(payload, key);
    }
    std::string broadcastFromRoot(const std::string &payload, const std::string &key) override
    {
        return group_.broadcastFromRoot(payload, key);
    }

private:
    DistributedGroup &group_;
};

} // namespace geolens
