// The SQLite engine's repository of the append-only audit log.
#pragma once

#include "store/audit.hpp"
#include "store/sqlite/database.hpp"

namespace sc::store {

class sqlite_audit_repository final : public audit_repository {
  public:
    explicit sqlite_audit_repository(database& db) : db_(db) {}

    void append(std::int64_t at, std::optional<std::int64_t> staff_id, const std::string& action,
                const std::string& subject) override;
    std::vector<audit_row> newest(int limit, std::int64_t before_id) override;

  private:
    database& db_;
};

}  // namespace sc::store
