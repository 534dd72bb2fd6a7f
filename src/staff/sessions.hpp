// Server-side staff sessions. The browser holds a random 256-bit token in a cookie; the
// database holds only its hash. Sessions end after 30 idle minutes, 12 hours, or sign-out.
#pragma once

#include "core/clock.hpp"
#include "staff/accounts.hpp"
#include "store/database.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace sc::staff {

inline constexpr std::chrono::minutes session_idle_limit{30};
inline constexpr std::chrono::hours session_absolute_limit{12};

/// Starts a session and returns its token (the only copy).
std::string create_session(store::database& db, std::int64_t staff_id, core::time_point now);

/// The signed-in member for a token, or nothing if unknown, expired or disabled. With
/// `touch`, a valid session's idle clock restarts.
std::optional<member> resume_session(store::database& db, std::string_view token,
                                     core::time_point now, bool touch = true);

void end_session(store::database& db, std::string_view token);

/// Removes expired sessions; returns how many.
int remove_expired_sessions(store::database& db, core::time_point now);

}  // namespace sc::staff
