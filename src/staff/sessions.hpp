// Server-side staff sessions. The browser holds a random 256-bit token in a cookie; the
// database holds only its hash. Sessions end after 30 idle minutes (or the configured idle
// limit, staff.session_idle_seconds), 12 hours, or sign-out.
// A session of a member with TOTP starts without its second factor and is good only for
// entering the code, for 5 minutes. Ending every session of a member is the repository's
// (work.staff().end_sessions_of).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "staff/accounts.hpp"
#include "store/unit_of_work.hpp"

namespace sc::staff {

inline constexpr std::chrono::minutes session_idle_limit{30};
inline constexpr std::chrono::hours session_absolute_limit{12};
inline constexpr std::chrono::minutes second_factor_limit{5};

struct session {
    member who;
    /// Names the session without being its token (the hash the database keys it by); the
    /// hub uses it to close exactly the consoles a sign-out ends.
    std::string id;
    bool second_factor = false;
};

/// The id of the session a token opens.
std::string session_id(std::string_view token);

/// Starts a session and returns its token (the only copy).
std::string create_session(store::unit_of_work& work, std::int64_t staff_id, core::time_point now,
                           bool second_factor = false);

/// Records that the session's member has entered their second factor.
void pass_second_factor(store::unit_of_work& work, std::string_view token);

/// The session of a token, or nothing if unknown, expired or disabled. A session unused
/// for `idle_limit` has expired. Reads only: restart_idle_clock records the use.
std::optional<session> resume_session(store::unit_of_work& work, std::string_view token,
                                      core::time_point now,
                                      std::chrono::seconds idle_limit = session_idle_limit);

/// Records a use of the session at `now`, which restarts its idle clock.
void restart_idle_clock(store::unit_of_work& work, std::string_view token, core::time_point now);

void end_session(store::unit_of_work& work, std::string_view token);

/// Removes expired sessions (by the same `idle_limit` as resume_session); returns how many.
int remove_expired_sessions(store::unit_of_work& work, core::time_point now,
                            std::chrono::seconds idle_limit = session_idle_limit);

}  // namespace sc::staff
