// Privacy policy versions. Administrators publish a new version with an effective time;
// the public page shows the version in force and an archive of earlier ones. Everything a
// visitor submits records the version in force when they submitted it. Each version keeps
// the retention period it promised, so changing retention publishes a new version rather
// than rewriting old ones. The registry is the store's versions in memory, and it changes
// only once the store has committed: a failed write leaves both as they were.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/unit_of_work.hpp"
#include "store/worker.hpp"

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

    bool operator==(const policy_version&) const = default;
};

inline constexpr std::size_t policy_max_bytes = 200 * 1024;

/// A new version, checked and ready to record (numbered 0 until it is). Refuses an empty,
/// oversized or broken text, and an effective time in the past: a change applies to what
/// visitors submit after it is posted, never before. An effective time within the minute of
/// grace becomes `now`.
core::result<policy_version> draft_policy_version(const std::string& markdown, int retention_hours,
                                                  core::time_point effective_at,
                                                  std::int64_t staff_id, core::time_point now);

/// Inside a store job: records a drafted version and its audit entry and returns it numbered.
/// Nothing changes in memory: once the job has committed, policy_registry::add takes it in.
policy_version record_policy_version(store::unit_of_work& work, policy_version draft);

class policy_registry {
  public:
    /// Loads every version; on an empty table first records `initial_markdown` as version 1,
    /// in force from `now` with `retention_hours`.
    void load(store::worker& store, const std::string& initial_markdown, int retention_hours,
              core::time_point now);

    /// The version in force at `now`: the latest whose effective time has come.
    std::int64_t in_force(core::time_point now) const;
    std::optional<policy_version> find(std::int64_t version) const;
    /// Versions already in force at `now`, newest first.
    std::vector<policy_version> published(core::time_point now) const;
    std::vector<policy_version> all() const;
    /// The newest version's text (in force or scheduled), to carry into the next one.
    std::string latest_markdown() const;

    /// Drafts, records and audits a new version (see draft_policy_version); the registry has
    /// it once it is committed. A store that fails the write changes nothing (internal).
    core::result<policy_version> publish(store::worker& store, const std::string& markdown,
                                         int retention_hours, core::time_point effective_at,
                                         std::int64_t staff_id, core::time_point now);

    /// Takes in a version whose store job has committed (record_policy_version).
    void add(policy_version v);
    /// Versions not yet in force at `now` promise `retention_hours`, the period that will
    /// actually apply when they take effect: once the store has committed the same change
    /// (policy_repository::reschedule_retention).
    void reschedule_retention(int retention_hours, core::time_point now);

  private:
    mutable std::mutex mutex_;
    std::vector<policy_version> versions_;  // ascending by version
};

}  // namespace sc::privacy
