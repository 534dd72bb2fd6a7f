// The repository of the daily page-view and visitor counts: what the domains may ask of the store,
// with plain row types. Each engine implements it (the SQLite one in
// store/sqlite/traffic_repository.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sc::store {

struct traffic_row {
    std::string day;   // YYYY-MM-DD
    std::string page;  // "*" holds the day's unique visitors in `count`
    std::int64_t count = 0;

    bool operator==(const traffic_row&) const = default;
};

class traffic_repository {
  public:
    traffic_repository() = default;
    traffic_repository(const traffic_repository&) = delete;
    traffic_repository& operator=(const traffic_repository&) = delete;
    virtual ~traffic_repository() = default;

    /// Adds `views` to the day's count for `page`.
    virtual void add_page_views(const std::string& day, const std::string& page,
                                std::int64_t views) = 0;
    /// Adds `visitors` to the day's count of unique visitors.
    virtual void add_visitors(const std::string& day, std::int64_t visitors) = 0;
    /// Counts for days on or after `since_day` (YYYY-MM-DD): newest day first, and within a day
    /// the visitors ("*") before the pages in name order.
    virtual std::vector<traffic_row> counts_since(const std::string& since_day) = 0;
};

}  // namespace sc::store
