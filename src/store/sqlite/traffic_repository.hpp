// The SQLite engine's repository of the daily page-view and visitor counts.
#pragma once

#include "store/sqlite/database.hpp"
#include "store/traffic.hpp"

namespace sc::store {

class sqlite_traffic_repository final : public traffic_repository {
  public:
    explicit sqlite_traffic_repository(database& db) : db_(db) {}

  private:
    [[maybe_unused]] database& db_;
};

}  // namespace sc::store
