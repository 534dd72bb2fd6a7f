#include "staff/sessions.hpp"

#include "core/random.hpp"
#include "store/staff.hpp"

namespace sc::staff {

std::string session_id(std::string_view token) { return core::token_hash(token); }

std::string create_session(store::unit_of_work& work, std::int64_t staff_id, core::time_point now,
                           bool second_factor) {
    std::string token = core::new_token();
    work.staff().add_session(session_id(token), staff_id, core::unix_seconds(now), second_factor);
    return token;
}

void pass_second_factor(store::unit_of_work& work, std::string_view token) {
    work.staff().pass_second_factor(session_id(token));
}

std::optional<session> resume_session(store::unit_of_work& work, std::string_view token,
                                      core::time_point now, std::chrono::seconds idle_limit) {
    if (!core::is_hex(token, 64)) return std::nullopt;
    auto hash = session_id(token);
    auto t = core::unix_seconds(now);
    auto& sessions = work.staff();
    auto found = sessions.find_session(
        hash, {.last_seen_after = t - idle_limit.count(),
               .created_after = t - std::chrono::seconds(session_absolute_limit).count(),
               .unverified_created_after = t - std::chrono::seconds(second_factor_limit).count()});
    if (!found) return std::nullopt;
    auto who = find_member(work, found->staff_id);
    if (!who) return std::nullopt;
    return session{*who, hash, found->second_factor};
}

void restart_idle_clock(store::unit_of_work& work, std::string_view token, core::time_point now) {
    work.staff().touch_session(session_id(token), core::unix_seconds(now));
}

void end_session(store::unit_of_work& work, std::string_view token) {
    work.staff().end_session(session_id(token));
}

int remove_expired_sessions(store::unit_of_work& work, core::time_point now,
                            std::chrono::seconds idle_limit) {
    auto t = core::unix_seconds(now);
    return work.staff().remove_sessions_older_than(
        t - idle_limit.count(), t - std::chrono::seconds(session_absolute_limit).count());
}

}  // namespace sc::staff
