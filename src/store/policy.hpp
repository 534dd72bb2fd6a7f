// The repository of policy versions and the settings they promise (retention): what the domains may
// ask of the store, with plain row types. Each engine implements it (the SQLite one in
// store/sqlite/policy_repository.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sc::store {

struct policy_version_row {
    std::int64_t version = 0;
    std::string markdown;
    std::int64_t effective_at = 0;  // unix seconds, like published_at
    std::int64_t published_at = 0;
    std::optional<std::int64_t> published_by;  // empty: the text the installation started with
    int retention_hours = 0;
};

class policy_repository {
  public:
    policy_repository() = default;
    policy_repository(const policy_repository&) = delete;
    policy_repository& operator=(const policy_repository&) = delete;
    virtual ~policy_repository() = default;

    /// Every version, ascending by number.
    virtual std::vector<policy_version_row> versions() = 0;
    /// Records version 1, published by nobody, in force from `at`.
    virtual void add_first_version(const std::string& markdown, std::int64_t at,
                                   int retention_hours) = 0;
    /// Records a new version under the next number (the row's `version` is not used) and
    /// returns that number.
    virtual std::int64_t add_version(const policy_version_row& row) = 0;
    /// Versions taking effect after `after` (unix seconds) will promise `retention_hours`.
    virtual void reschedule_retention(int retention_hours, std::int64_t after) = 0;

    /// The retention period an administrator set; empty until one did.
    virtual std::optional<int> retention_hours() = 0;
    virtual void set_retention_hours(int hours) = 0;
};

}  // namespace sc::store
