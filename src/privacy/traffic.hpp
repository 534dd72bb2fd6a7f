// Aggregate traffic statistics without keeping addresses: page views per day and page, and
// unique visitors per day counted through a keyed hash of (address, user agent) under a
// salt that lives only in memory and is replaced every day. Only counts reach the store
// (store/traffic.hpp, which also reads them back). After a restart the salt is new, so a
// visitor seen before and after counts twice.
#pragma once

#include "core/clock.hpp"
#include "store/worker.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace sc::privacy {

class traffic_counter {
  public:
    explicit traffic_counter(const core::clock& clock);

    /// Counts one view of a page (a fixed path, never a visitor-chosen string).
    void record_view(std::string_view page, std::string_view address, std::string_view user_agent);

    /// Queues a store job that adds what was counted since the last flush. Counts whose
    /// commit fails come back to memory, so the next flush carries them.
    void flush(store::worker& store);

  private:
    struct counts {
        std::map<std::pair<std::string, std::string>, std::int64_t> views;  // (day, page)
        std::map<std::string, std::int64_t> visitors;                       // by day
    };

    void rotate_if_new_day(const std::string& today);
    void put_back(const counts& unsaved);

    const core::clock& clock_;
    std::mutex mutex_;
    std::string day_;
    std::string salt_;
    std::set<std::string> seen_today_;
    counts pending_;
};

}  // namespace sc::privacy
