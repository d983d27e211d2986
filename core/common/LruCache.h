#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>

namespace geolens {

// A least-recently-used cache bounded by the total cost of its entries (bytes, usually), so the
// memory a viewer holds stays the same whatever the size of the raster behind it. Not thread-safe:
// the owner serialises access.
template <typename Key, typename Value, typename Hash = std::hash<Key>>
class LruCache {
public:
    explicit LruCache(std::size_t maxCost) : maxCost_(maxCost) {}

    // Inserts or replaces; an entry costlier than the whole budget is not kept.
    void insert(const Key &key, Value value, std::size_t cost)
    {
        remove(key);
        if (cost > maxCost_)
            return;
        order_.push_front(Entry{key, std::move(value), cost});
        index_[key] = order_.begin();
        totalCost_ += cost;
        evict();
    }

    // Returns a pointer valid until the next insert/remove/clear, and marks the entry as recent.
    const Value *find(const Key &key)
    {
        auto it = index_.find(key);
        if (it == index_.end())
            return nullptr;
        order_.splice(order_.begin(), order_, it->second);
        return &it->second->value;
    }

    bool contains(const Key &key) const { return index_.count(key) != 0; }

    void remove(const Key &key)
    {
        auto it = index_.find(key);
        if (it == index_.end())
            return;
        totalCost_ -= it->second->cost;
        order_.erase(it->second);
        index_.erase(it);
    }

    void clear()
    {
        order_.clear();
        index_.clear();
        totalCost_ = 0;
    }

    void setMaxCost(std::size_t maxCost)
    {
        maxCost_ = maxCost;
        evict();
    }

    std::size_t size() const { return index_.size(); }
    std::size_t totalCost() const { return totalCost_; }
    std::size_t maxCost() const { return maxCost_; }

private:
    struct Entry {
        Key key;
        Value value;
        std::size_t cost;
    };

    void evict()
    {
        while (totalCost_ > maxCost_ && !order_.empty()) {
            const Entry &last = order_.back();
            totalCost_ -= last.cost;
            index_.erase(last.key);
            order_.pop_back();
        }
    }

    std::size_t maxCost_;
    std::size_t totalCost_ = 0;
    std::list<Entry> order_;
    std::unordered_map<Key, typename std::list<Entry>::iterator, Hash> index_;
};

} // namespace geolens
