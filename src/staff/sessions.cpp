#include "staff/sessions.hpp"

#include "core/random.hpp"

namespace sc::staff {

std::string session_id(std::string_view token) { return core::token_hash(token); }

std::string create_session(store::database& db, std::int64_t staff_id, core::time_point now,
                           bool second_factor) {
    std::string token = core::new_token();
    auto t = core::unix_seconds(now);
    db.prepare(
          "INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at, "
          "second_factor) VALUES (?, ?, ?, ?, ?)")
        .bind(1, session_id(token))
        .bind(2, staff_id)
        .bind(3, t)
        .bind(4, t)
        .bind(5, second_factor ? 1 : 0)
        .run();
    return token;
}

void pass_second_factor(store::database& db, std::string_view token) {
    db.prepare("UPDATE staff_sessions SET second_factor = 1 WHERE token_hash = ?")
        .bind(1, session_id(token))
        .run();
}

std::optional<session> resume_session(store::database& db, std::string_view token,
                                      core::time_point now, bool touch,
                                      std::chrono::seconds idle_limit) {
    if (!core::is_hex(token, 64)) return std::nullopt;
    auto hash = session_id(token);
    auto t = core::unix_seconds(now);
    auto s = db.prepare(
        "SELECT s.staff_id, s.second_factor FROM staff_sessions s JOIN staff m ON m.id = "
        "s.staff_id "
        "WHERE s.token_hash = ? AND m.disabled = 0 AND s.last_seen_at > ? AND s.created_at > ? "
        "AND (s.second_factor = 1 OR m.totp_secret IS NULL OR s.created_at > ?)");
    s.bind(1, hash)
        .bind(2, t - idle_limit.count())
        .bind(3, t - std::chrono::seconds(session_absolute_limit).count())
        .bind(4, t - std::chrono::seconds(second_factor_limit).count());
    if (!s.step()) return std::nullopt;
    auto id = s.integer(0);
    bool second_factor = s.integer(1) != 0;
    if (touch) {
        db.prepare("UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?")
            .bind(1, t)
            .bind(2, hash)
            .run();
    }
    auto who = find_member(db, id);
    if (!who) return std::nullopt;
    return session{*who, hash, second_factor};
}

void end_session(store::database& db, std::string_view token) {
    db.prepare("DELETE FROM staff_sessions WHERE token_hash = ?").bind(1, session_id(token)).run();
}

std::vector<std::string> end_sessions_of(store::database& db, std::int64_t staff_id,
                                         std::string_view keep) {
    std::vector<std::string> ended;
    // A real (empty) string: a null string_view would bind SQL NULL and match nothing.
    const std::string kept(keep);
    auto s =
        db.prepare("SELECT token_hash FROM staff_sessions WHERE staff_id = ? AND token_hash != ?");
    s.bind(1, staff_id).bind(2, kept);
    while (s.step()) ended.push_back(s.text(0));
    db.prepare("DELETE FROM staff_sessions WHERE staff_id = ? AND token_hash != ?")
        .bind(1, staff_id)
        .bind(2, kept)
        .run();
    return ended;
}

int remove_expired_sessions(store::database& db, core::time_point now,
                            std::chrono::seconds idle_limit) {
    auto t = core::unix_seconds(now);
    db.prepare("DELETE FROM staff_sessions WHERE last_seen_at <= ? OR created_at <= ?")
        .bind(1, t - idle_limit.count())
        .bind(2, t - std::chrono::seconds(session_absolute_limit).count())
        .run();
    return db.changes();
}

}  // namespace sc::staff
