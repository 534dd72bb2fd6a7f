#include "privacy/retention_change.hpp"

#include <string>

#include "privacy/audit.hpp"
#include "privacy/purge.hpp"

namespace sc::privacy {

core::result<policy_version> change_retention(store::worker& store, policy_registry& policy,
                                              retention_setting& setting, int hours,
                                              std::int64_t staff_id, core::time_point now) {
    if (hours < 0 || hours > retention_hours_max) {
        return core::fail(
            core::errc::bad_request,
            "retention must be from 0 to " + std::to_string(retention_hours_max) + " hours");
    }
    int before = setting.hours();
    auto markdown = policy.latest_markdown();
    auto published = store.call([&](store::unit_of_work& db) {
        set_retention_hours(db, hours);
        audit(db, now, staff_id, "retention_changed",
              std::to_string(before) + " -> " + std::to_string(hours) + " hours");
        policy.reschedule_retention(db, hours, now);
        auto v = policy.publish(db, markdown, hours, now, staff_id, now);
        if (v)
            audit(db, now, staff_id, "policy_published", "version " + std::to_string(v->version));
        return v;
    });
    if (published) setting.set(hours);
    return published;
}

}  // namespace sc::privacy
