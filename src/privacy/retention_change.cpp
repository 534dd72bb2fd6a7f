#include "privacy/retention_change.hpp"

#include <string>

#include "privacy/audit.hpp"
#include "store/policy.hpp"

namespace sc::privacy {

core::result<policy_version> change_retention(store::worker& store, policy_registry& policy,
                                              retention_setting& setting, int hours,
                                              std::int64_t staff_id, core::time_point now) {
    if (hours < 0 || hours > retention_hours_max) {
        return core::fail(
            core::errc::bad_request,
            "retention must be from 0 to " + std::to_string(retention_hours_max) + " hours");
    }
    // Checked before the store job, which then either writes everything or fails as a whole.
    auto draft = draft_policy_version(policy.latest_markdown(), hours, now, staff_id, now);
    if (!draft) return draft;
    int before = setting.hours();
    policy_version published;
    try {
        published = store.call([&](store::unit_of_work& work) {
            work.policy().set_retention_hours(hours);
            audit(work, now, staff_id, "retention_changed",
                  std::to_string(before) + " -> " + std::to_string(hours) + " hours");
            work.policy().reschedule_retention(hours, core::unix_seconds(now));
            return record_policy_version(work, *draft);
        });
    } catch (const store::store_error&) {
        return core::fail(core::errc::internal,
                          "the new retention could not be saved, so nothing changed; "
                          "please try again");
    }
    // Memory follows the commit: a failed one above left the period and the versions alone.
    policy.reschedule_retention(hours, now);
    policy.add(published);
    setting.set(hours);
    return published;
}

}  // namespace sc::privacy
