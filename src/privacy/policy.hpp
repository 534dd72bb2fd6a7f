// Privacy policy versions. Administrators publish a new version with an effective time;
// the public page shows the version in force and an archive of earlier ones. Everything a
// visitor submits records the version in force when they submitted it. Each version keeps
// the retention period it promised, so changing retention publishes a new version rather
// than rewriting old ones.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/sqlite/database.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sc::privacy {

struct policy_version {
    std::int64_t version = 0;
    std::string markdown;
    std::int64_t effective_at = 0;
    std::int64_t published_at = 0;
    std::optional<std::int64_t> published_by;
    int retention_hours = 72;
};

inline constexpr std::size_t policy_max_bytes = 200 * 1024;

class policy_registry {
  public:
    /// Loads every version; on an empty table first records `initial_markdown` as version 1,
    /// in force from `now` with `retention_hours`.
    void load(store::database& db, const std::string& initial_markdown, int retention_hours,
              core::time_point now);

    /// The version in force at `now`: the latest whose effective time has come.
    std::int64_t in_force(core::time_point now) const;
    std::optional<policy_version> find(std::int64_t version) const;
    /// Versions already in force at `now`, newest first.
    std::vector<policy_version> published(core::time_point now) const;
    std::vector<policy_version> all() const;

    /// Records a new version. `effective_at` may not be in the past: a change applies to what
    /// visitors submit after it is posted, never before.
    core::result<policy_version> publish(store::database& db, const std::string& markdown,
                                         int retention_hours, core::time_point effective_at,
                                         std::int64_t staff_id, core::time_point now);
    /// The newest version's text (in force or scheduled), to carry into the next one.
    std::string latest_markdown() const;
    /// Versions not yet in force will promise `retention_hours`: the period that will
    /// actually apply when they take effect.
    void reschedule_retention(store::database& db, int retention_hours, core::time_point now);

  private:
    mutable std::mutex mutex_;
    std::vector<policy_version> versions_;  // ascending by version
};

}  // namespace sc::privacy
