// The SQLite engine's repository of policy versions and the settings they promise (retention).
#pragma once

#include "store/policy.hpp"
#include "store/sqlite/database.hpp"

namespace sc::store {

class sqlite_policy_repository final : public policy_repository {
  public:
    explicit sqlite_policy_repository(database& db) : db_(db) {}

    std::vector<policy_version_row> versions() override;
    void add_first_version(const std::string& markdown, std::int64_t at,
                           int retention_hours) override;
    std::int64_t add_version(const policy_version_row& row) override;
    void reschedule_retention(int retention_hours, std::int64_t after) override;

    std::optional<int> retention_hours() override;
    void set_retention_hours(int hours) override;

  private:
    database& db_;
};

}  // namespace sc::store
