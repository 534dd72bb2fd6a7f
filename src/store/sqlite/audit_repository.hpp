// The SQLite engine's repository of the append-only audit log.
#pragma once

#include "store/audit.hpp"
#include "store/sqlite/database.hpp"

namespace sc::store {

class sqlite_audit_repository final : public audit_repository {
  public:
    explicit sqlite_audit_repository(database& db) : db_(db) {}

  private:
    [[maybe_unused]] database& db_;
};

}  // namespace sc::store
