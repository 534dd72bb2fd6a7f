// Changing the retention period. The period is part of what the privacy policy promises,
// so a change is also a new policy version: the newest text, in force at once, saying the
// new period; versions scheduled for later will promise it too when they take effect.
#pragma once

#include <cstdint>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "privacy/policy.hpp"
#include "privacy/retention.hpp"
#include "store/worker.hpp"

namespace sc::privacy {

/// The longest retention an administrator may set: ten years.
inline constexpr int retention_hours_max = 24 * 3650;

/// Stores and audits the new period, publishes the policy version that states it, and
/// once that is committed makes it the period in force and updates the registry. Refuses a
/// period outside 0 to retention_hours_max (bad_request) or a policy the registry refuses;
/// a store that fails the write changes nothing, in memory or on disk (internal).
core::result<policy_version> change_retention(store::worker& store, policy_registry& policy,
                                              retention_setting& setting, int hours,
                                              std::int64_t staff_id, core::time_point now);

}  // namespace sc::privacy
