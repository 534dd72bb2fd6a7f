// The SQLite engine's repository of staff accounts, their sessions, second factors and recovery
// codes.
#pragma once

#include "store/sqlite/database.hpp"
#include "store/staff.hpp"

namespace sc::store {

class sqlite_staff_repository final : public staff_repository {
  public:
    explicit sqlite_staff_repository(database& db) : db_(db) {}

  private:
    [[maybe_unused]] database& db_;
};

}  // namespace sc::store
