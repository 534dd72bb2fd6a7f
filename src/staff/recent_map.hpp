// A map with a hard size bound: when full, the entry touched longest ago is dropped. Used
// for in-memory state that strangers can make grow (sign-in throttling).
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <utility>

namespace sc::staff {

template <class Key, class Value>
class recent_map {
  public:
    explicit recent_map(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

    /// The entry for `key`, made (default value) if missing; either way now the newest.
    Value& touch(const Key& key) {
        if (auto it = index_.find(key); it != index_.end()) {
            order_.splice(order_.end(), order_, it->second);
            return it->second->second;
        }
        if (order_.size() >= capacity_) {
            index_.erase(order_.front().first);
            order_.pop_front();
        }
        order_.emplace_back(key, Value{});
        index_.emplace(key, std::prev(order_.end()));
        return order_.back().second;
    }

    /// The entry for `key` without making it newer; nullptr when there is none.
    Value* find(const Key& key) {
        auto it = index_.find(key);
        return it == index_.end() ? nullptr : &it->second->second;
    }

    void erase(const Key& key) {
        if (auto it = index_.find(key); it != index_.end()) {
            order_.erase(it->second);
            index_.erase(it);
        }
    }

    /// Drops entries from the oldest on while `stale(value)` holds.
    template <class Pred>
    void drop_stale(Pred stale) {
        while (!order_.empty() && stale(order_.front().second)) {
            index_.erase(order_.front().first);
            order_.pop_front();
        }
    }

    std::size_t size() const { return order_.size(); }

  private:
    using entry = std::pair<Key, Value>;
    std::size_t capacity_;
    std::list<entry> order_;  // oldest first
    std::map<Key, typename std::list<entry>::iterator> index_;
};

}  // namespace sc::staff
