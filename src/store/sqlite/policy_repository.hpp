// The SQLite engine's repository of policy versions and the settings they promise (retention).
#pragma once

#include "store/policy.hpp"
#include "store/sqlite/database.hpp"

namespace sc::store {

class sqlite_policy_repository final : public policy_repository {
  public:
    explicit sqlite_policy_repository(database& db) : db_(db) {}

  private:
    [[maybe_unused]] database& db_;
};

}  // namespace sc::store
