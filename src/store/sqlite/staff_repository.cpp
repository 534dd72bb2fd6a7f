#include "store/sqlite/staff_repository.hpp"

namespace sc::store {
namespace {

constexpr const char* member_columns =
    "id, email, name, role, disabled, must_change_password, totp_secret IS NOT NULL";
constexpr int member_column_count = 7;

staff_row read_member(const statement& s) {
    return staff_row{s.integer(0),      s.text(1),         s.text(2),        s.text(3),
                     s.integer(4) != 0, s.integer(5) != 0, s.integer(6) != 0};
}

}  // namespace

std::int64_t sqlite_staff_repository::add_member(const new_staff_row& row) {
    db_.prepare(
           "INSERT INTO staff (email, name, role, password_hash, created_at) "
           "VALUES (?, ?, ?, ?, ?)")
        .bind(1, row.email)
        .bind(2, row.name)
        .bind(3, row.role)
        .bind(4, row.password_hash)
        .bind(5, row.created_at)
        .run();
    return db_.last_insert_id();
}

std::vector<staff_row> sqlite_staff_repository::list_members() {
    auto s = db_.prepare(std::string("SELECT ") + member_columns + " FROM staff ORDER BY id");
    std::vector<staff_row> out;
    while (s.step()) out.push_back(read_member(s));
    return out;
}

std::optional<staff_row> sqlite_staff_repository::find_member(std::int64_t id) {
    auto s = db_.prepare(std::string("SELECT ") + member_columns + " FROM staff WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_member(s);
}

std::optional<staff_row> sqlite_staff_repository::find_member_by_email(std::string_view email) {
    auto s = db_.prepare(std::string("SELECT ") + member_columns + " FROM staff WHERE email = ?");
    s.bind(1, email);
    if (!s.step()) return std::nullopt;
    return read_member(s);
}

std::optional<staff_credentials_row> sqlite_staff_repository::find_credentials(
    std::string_view email) {
    auto s = db_.prepare(std::string("SELECT ") + member_columns +
                         ", password_hash FROM staff WHERE email = ? AND disabled = 0");
    s.bind(1, email);
    if (!s.step()) return std::nullopt;
    return staff_credentials_row{read_member(s), s.text(member_column_count)};
}

std::int64_t sqlite_staff_repository::count_members() {
    auto s = db_.prepare("SELECT count(*) FROM staff");
    s.step();
    return s.integer(0);
}

bool sqlite_staff_repository::disable_member(std::int64_t id) {
    db_.prepare("UPDATE staff SET disabled = 1 WHERE id = ?").bind(1, id).run();
    bool changed = db_.changes() > 0;
    db_.prepare("DELETE FROM staff_sessions WHERE staff_id = ?").bind(1, id).run();
    return changed;
}

std::optional<std::string> sqlite_staff_repository::password_hash_of(std::int64_t id) {
    auto s = db_.prepare("SELECT password_hash FROM staff WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

void sqlite_staff_repository::set_password(std::int64_t id, std::string_view password_hash) {
    db_.prepare("UPDATE staff SET password_hash = ?, must_change_password = 0 WHERE id = ?")
        .bind(1, password_hash)
        .bind(2, id)
        .run();
}

void sqlite_staff_repository::require_password_change(std::int64_t id) {
    db_.prepare("UPDATE staff SET must_change_password = 1 WHERE id = ?").bind(1, id).run();
}

void sqlite_staff_repository::count_failed_sign_in(std::string_view email) {
    db_.prepare("UPDATE staff SET failed_sign_ins = failed_sign_ins + 1 WHERE email = ?")
        .bind(1, email)
        .run();
}

std::int64_t sqlite_staff_repository::take_failed_sign_ins(std::int64_t id) {
    auto s = db_.prepare("SELECT failed_sign_ins FROM staff WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return 0;
    auto count = s.integer(0);
    if (count > 0) {
        db_.prepare("UPDATE staff SET failed_sign_ins = 0 WHERE id = ?").bind(1, id).run();
    }
    return count;
}

void sqlite_staff_repository::add_session(std::string_view token_hash, std::int64_t staff_id,
                                          std::int64_t created_at, bool second_factor) {
    db_.prepare(
           "INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at, "
           "second_factor) VALUES (?, ?, ?, ?, ?)")
        .bind(1, token_hash)
        .bind(2, staff_id)
        .bind(3, created_at)
        .bind(4, created_at)
        .bind(5, second_factor ? 1 : 0)
        .run();
}

void sqlite_staff_repository::pass_second_factor(std::string_view token_hash) {
    db_.prepare("UPDATE staff_sessions SET second_factor = 1 WHERE token_hash = ?")
        .bind(1, token_hash)
        .run();
}

std::optional<staff_session_row> sqlite_staff_repository::find_session(
    std::string_view token_hash, const staff_session_cutoffs& cutoffs) {
    auto s = db_.prepare(
        "SELECT s.staff_id, s.second_factor FROM staff_sessions s JOIN staff m ON m.id = "
        "s.staff_id "
        "WHERE s.token_hash = ? AND m.disabled = 0 AND s.last_seen_at > ? AND s.created_at > ? "
        "AND (s.second_factor = 1 OR m.totp_secret IS NULL OR s.created_at > ?)");
    s.bind(1, token_hash)
        .bind(2, cutoffs.last_seen_after)
        .bind(3, cutoffs.created_after)
        .bind(4, cutoffs.unverified_created_after);
    if (!s.step()) return std::nullopt;
    return staff_session_row{s.integer(0), s.integer(1) != 0};
}

void sqlite_staff_repository::touch_session(std::string_view token_hash, std::int64_t at) {
    db_.prepare("UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?")
        .bind(1, at)
        .bind(2, token_hash)
        .run();
}

void sqlite_staff_repository::end_session(std::string_view token_hash) {
    db_.prepare("DELETE FROM staff_sessions WHERE token_hash = ?").bind(1, token_hash).run();
}

std::vector<std::string> sqlite_staff_repository::end_sessions_of(std::int64_t staff_id,
                                                                  std::string_view keep) {
    std::vector<std::string> ended;
    // A real (empty) string: a null string_view would bind SQL NULL and match nothing.
    const std::string kept(keep);
    auto s =
        db_.prepare("SELECT token_hash FROM staff_sessions WHERE staff_id = ? AND token_hash != ?");
    s.bind(1, staff_id).bind(2, kept);
    while (s.step()) ended.push_back(s.text(0));
    db_.prepare("DELETE FROM staff_sessions WHERE staff_id = ? AND token_hash != ?")
        .bind(1, staff_id)
        .bind(2, kept)
        .run();
    return ended;
}

int sqlite_staff_repository::remove_sessions_older_than(std::int64_t last_seen_by,
                                                        std::int64_t created_by) {
    db_.prepare("DELETE FROM staff_sessions WHERE last_seen_at <= ? OR created_at <= ?")
        .bind(1, last_seen_by)
        .bind(2, created_by)
        .run();
    return db_.changes();
}

bool sqlite_staff_repository::has_totp(std::int64_t staff_id) {
    auto s = db_.prepare("SELECT totp_secret IS NOT NULL FROM staff WHERE id = ?");
    s.bind(1, staff_id);
    return s.step() && s.integer(0) != 0;
}

std::int64_t sqlite_staff_repository::count_recovery_codes(std::int64_t staff_id) {
    auto s = db_.prepare("SELECT count(*) FROM staff_recovery_codes WHERE staff_id = ?");
    s.bind(1, staff_id);
    s.step();
    return s.integer(0);
}

void sqlite_staff_repository::set_pending_totp(std::int64_t staff_id,
                                               std::string_view sealed_secret) {
    db_.prepare("UPDATE staff SET totp_pending = ? WHERE id = ?")
        .bind_blob(1, sealed_secret)
        .bind(2, staff_id)
        .run();
}

std::optional<std::string> sqlite_staff_repository::pending_totp(std::int64_t staff_id) {
    auto s =
        db_.prepare("SELECT totp_pending FROM staff WHERE id = ? AND totp_pending IS NOT NULL");
    s.bind(1, staff_id);
    if (!s.step()) return std::nullopt;
    return s.blob(0);
}

void sqlite_staff_repository::confirm_pending_totp(std::int64_t staff_id, std::int64_t step) {
    db_.prepare(
           "UPDATE staff SET totp_secret = totp_pending, totp_pending = NULL, "
           "totp_last_step = ? WHERE id = ?")
        .bind(1, step)
        .bind(2, staff_id)
        .run();
}

void sqlite_staff_repository::replace_recovery_codes(std::int64_t staff_id,
                                                     const std::vector<std::string>& code_hashes) {
    db_.prepare("DELETE FROM staff_recovery_codes WHERE staff_id = ?").bind(1, staff_id).run();
    for (const auto& hash : code_hashes) {
        db_.prepare("INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES (?, ?)")
            .bind(1, staff_id)
            .bind(2, hash)
            .run();
    }
}

std::optional<staff_totp_row> sqlite_staff_repository::totp_of(std::int64_t staff_id) {
    auto s = db_.prepare(
        "SELECT totp_secret, totp_last_step FROM staff WHERE id = ? AND totp_secret IS NOT NULL");
    s.bind(1, staff_id);
    if (!s.step()) return std::nullopt;
    return staff_totp_row{s.blob(0), s.integer(1)};
}

bool sqlite_staff_repository::use_totp_step(std::int64_t staff_id, std::int64_t step) {
    // Conditional on the last step, so two requests racing with one code cannot both win.
    db_.prepare("UPDATE staff SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
        .bind(1, step)
        .bind(2, staff_id)
        .bind(3, step)
        .run();
    return db_.changes() > 0;
}

bool sqlite_staff_repository::use_recovery_code(std::int64_t staff_id, std::string_view code_hash) {
    db_.prepare("DELETE FROM staff_recovery_codes WHERE staff_id = ? AND code_hash = ?")
        .bind(1, staff_id)
        .bind(2, code_hash)
        .run();
    return db_.changes() > 0;
}

void sqlite_staff_repository::reset_two_factor(std::int64_t staff_id) {
    db_.prepare(
           "UPDATE staff SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 "
           "WHERE id = ?")
        .bind(1, staff_id)
        .run();
    db_.prepare("DELETE FROM staff_recovery_codes WHERE staff_id = ?").bind(1, staff_id).run();
}

std::optional<std::string> sqlite_staff_repository::totp_required_roles() {
    auto s = db_.prepare("SELECT value FROM settings WHERE key = 'totp_required_roles'");
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

void sqlite_staff_repository::set_totp_required_roles(std::string_view roles) {
    db_.prepare(
           "INSERT INTO settings (key, value) VALUES ('totp_required_roles', ?) "
           "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, roles)
        .run();
}

}  // namespace sc::store
