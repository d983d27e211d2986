#pragma once

#include "common/Error.h"
#include "evaluation/ShardExchange.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace geolens::test {

// The exchanges of a few ranks that are threads: a shared key-value store, as the rendezvous
// store of a real group is.
class ThreadStore {
public:
    void set(const std::string &key, const std::string &value)
    {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            values_[key] = value;
        }
        changed_.notify_all();
    }
    std::string get(const std::string &key)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!changed_.wait_for(lock, std::chrono::seconds(20), [&] { return values_.count(key) > 0; }))
            throw geolens::Error("no value for " + key);
        return values_[key];
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, std::string> values_;
};

class ThreadExchange : public geolens::ShardExchange {
public:
    ThreadExchange(ThreadStore &store, int rank, int world) : store_(store), rank_(rank), world_(world) {}
    int rank() const override { return rank_; }
    int worldSize() const override { return world_; }
    bool anyRank(bool value, const std::string &what) override
    {
        store_.set("any/" + what + "/" + std::to_string(rank_), value ? "1" : "0");
        bool any = false;
        for (int r = 0; r < world_; ++r)
            any = store_.get("any/" + what + "/" + std::to_string(r)) == "1" || any;
        return any;
    }
    std::vector<std::string> gatherToRoot(const std::string &payload, const std::string &key) override
    {
        store_.set("gather/" + key + "/" + std::to_string(rank_), payload);
        if (rank_ != 0)
            return {};
        std::vector<std::string> all;
        for (int r = 0; r < world_; ++r)
            all.push_back(store_.get("gather/" + key + "/" + std::to_string(r)));
        return all;
    }
    std::string broadcastFromRoot(const std::string &payload, const std::string &key) override
    {
        if (rank_ == 0)
            store_.set("broadcast/" + key, payload);
        return store_.get("broadcast/" + key);
    }

private:
    ThreadStore &store_;
    int rank_;
    int world_;
};

} // namespace geolens::test
