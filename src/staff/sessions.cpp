#include "staff/sessions.hpp"

#include "core/random.hpp"

namespace sc::staff {

std::string create_session(store::database& db, std::int64_t staff_id, core::time_point now) {
    std::string token = core::new_token();
    auto t = core::unix_seconds(now);
    db.prepare("INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at) "
               "VALUES (?, ?, ?, ?)")
        .bind(1, core::token_hash(token))
        .bind(2, staff_id)
        .bind(3, t)
        .bind(4, t)
        .run();
    return token;
}

std::optional<member> resume_session(store::database& db, std::string_view token,
                                     core::time_point now, bool touch) {
    if (!core::is_hex(token, 64)) return std::nullopt;
    auto hash = core::token_hash(token);
    auto t = core::unix_seconds(now);
    auto s = db.prepare(
        "SELECT s.staff_id FROM staff_sessions s JOIN staff m ON m.id = s.staff_id "
        "WHERE s.token_hash = ? AND m.disabled = 0 AND s.last_seen_at > ? AND s.created_at > ?");
    s.bind(1, hash)
        .bind(2, t - std::chrono::seconds(session_idle_limit).count())
        .bind(3, t - std::chrono::seconds(session_absolute_limit).count());
    if (!s.step()) return std::nullopt;
    auto id = s.integer(0);
    if (!touch) return find_member(db, id);
    db.prepare("UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?")
        .bind(1, t)
        .bind(2, hash)
        .run();
    return find_member(db, id);
}

void end_session(store::database& db, std::string_view token) {
    db.prepare("DELETE FROM staff_sessions WHERE token_hash = ?")
        .bind(1, core::token_hash(token))
        .run();
}

int remove_expired_sessions(store::database& db, core::time_point now) {
    auto t = core::unix_seconds(now);
    db.prepare("DELETE FROM staff_sessions WHERE last_seen_at <= ? OR created_at <= ?")
        .bind(1, t - std::chrono::seconds(session_idle_limit).count())
        .bind(2, t - std::chrono::seconds(session_absolute_limit).count())
        .run();
    return db.changes();
}

}  // namespace sc::staff
