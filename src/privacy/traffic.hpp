// Aggregate traffic statistics without keeping addresses: page views per day and page, and
// unique visitors per day counted through a keyed hash of (address, user agent) under a
// salt that lives only in memory and is replaced every day. Only counts reach the store.
// After a restart the salt is new, so a visitor seen before and after counts twice.
#pragma once

#include "core/clock.hpp"
#include "store/sqlite/database.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sc::privacy {

struct traffic_row {
    std::string day;
    std::string page;  // "*" holds the day's unique visitors in `count`
    std::int64_t count = 0;
};

class traffic_counter {
  public:
    explicit traffic_counter(const core::clock& clock);

    /// Counts one view of a page (a fixed path, never a visitor-chosen string).
    void record_view(std::string_view page, std::string_view address, std::string_view user_agent);

    /// Adds what was counted since the last flush to the store. Caller owns the transaction.
    void flush(store::database& db);

  private:
    void rotate_if_new_day(const std::string& today);

    const core::clock& clock_;
    std::mutex mutex_;
    std::string day_;
    std::string salt_;
    std::set<std::string> seen_today_;
    std::map<std::pair<std::string, std::string>, std::int64_t> pending_views_;
    std::map<std::string, std::int64_t> pending_visitors_;
};

/// Counts for days on or after `since_day` (YYYY-MM-DD), newest first.
std::vector<traffic_row> read_traffic(store::database& db, const std::string& since_day);

}  // namespace sc::privacy
