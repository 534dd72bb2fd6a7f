// The SQLite engine's repository of the daily page-view and visitor counts.
#pragma once

#include "store/sqlite/database.hpp"
#include "store/traffic.hpp"

namespace sc::store {

class sqlite_traffic_repository final : public traffic_repository {
  public:
    explicit sqlite_traffic_repository(database& db) : db_(db) {}

    void add_page_views(const std::string& day, const std::string& page,
                        std::int64_t views) override;
    void add_visitors(const std::string& day, std::int64_t visitors) override;
    std::vector<traffic_row> counts_since(const std::string& since_day) override;

  private:
    database& db_;
};

}  // namespace sc::store
