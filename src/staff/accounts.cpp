#include "staff/accounts.hpp"

#include <sodium.h>

#include "staff/password_policy.hpp"

namespace sc::staff {
namespace {

member read_member(const store::statement& s) {
    return member{s.integer(0),      s.text(1),         s.text(2),        *parse_role(s.text(3)),
                  s.integer(4) != 0, s.integer(5) != 0, s.integer(6) != 0};
}

constexpr const char* member_columns =
    "id, email, name, role, disabled, must_change_password, totp_secret IS NOT NULL";
constexpr int member_column_count = 7;

}  // namespace

const char* role_name(role r) {
    switch (r) {
        case role::coordinator:
            return "coordinator";
        case role::supervisor:
            return "supervisor";
        case role::admin:
            return "admin";
    }
    return "coordinator";
}

std::optional<role> parse_role(std::string_view name) {
    if (name == "coordinator") return role::coordinator;
    if (name == "supervisor") return role::supervisor;
    if (name == "admin") return role::admin;
    return std::nullopt;
}

std::string hash_password(std::string_view password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        throw std::runtime_error("argon2id: out of memory");
    }
    return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
    std::string h(hash);
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

core::result<> validate_new_member(std::string_view email, std::string_view name,
                                   std::string_view password) {
    auto at = email.find('@');
    if (email.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 == email.size() ||
        email.find_first_of(" \t\r\n") != std::string_view::npos) {
        return core::fail(core::errc::bad_request, "email must look like name@example.org");
    }
    if (name.empty() || name.size() > 80) {
        return core::fail(core::errc::bad_request, "name must be 1 to 80 characters");
    }
    return check_new_password(password, {email, name});
}

core::result<member> add_member(store::database& db, std::string_view email, std::string_view name,
                                role r, std::string_view password_hash, core::time_point now) {
    if (find_member_by_email(db, email)) {
        return core::fail(core::errc::conflict, "an account with that email already exists");
    }
    db.prepare(
          "INSERT INTO staff (email, name, role, password_hash, created_at) "
          "VALUES (?, ?, ?, ?, ?)")
        .bind(1, email)
        .bind(2, name)
        .bind(3, role_name(r))
        .bind(4, password_hash)
        .bind(5, core::unix_seconds(now))
        .run();
    return *find_member(db, db.last_insert_id());
}

std::vector<member> list_members(store::database& db) {
    auto s = db.prepare(std::string("SELECT ") + member_columns + " FROM staff ORDER BY id");
    std::vector<member> out;
    while (s.step()) out.push_back(read_member(s));
    return out;
}

std::optional<member> find_member(store::database& db, std::int64_t id) {
    auto s = db.prepare(std::string("SELECT ") + member_columns + " FROM staff WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_member(s);
}

std::optional<member> find_member_by_email(store::database& db, std::string_view email) {
    auto s = db.prepare(std::string("SELECT ") + member_columns + " FROM staff WHERE email = ?");
    s.bind(1, email);
    if (!s.step()) return std::nullopt;
    return read_member(s);
}

std::optional<std::pair<member, std::string>> find_credentials(store::database& db,
                                                               std::string_view email) {
    auto s = db.prepare(std::string("SELECT ") + member_columns +
                        ", password_hash FROM staff WHERE email = ? AND disabled = 0");
    s.bind(1, email);
    if (!s.step()) return std::nullopt;
    return std::make_pair(read_member(s), s.text(member_column_count));
}

bool disable_member(store::database& db, std::int64_t id) {
    db.prepare("UPDATE staff SET disabled = 1 WHERE id = ?").bind(1, id).run();
    bool changed = db.changes() > 0;
    db.prepare("DELETE FROM staff_sessions WHERE staff_id = ?").bind(1, id).run();
    return changed;
}

std::optional<std::string> password_hash_of(store::database& db, std::int64_t id) {
    auto s = db.prepare("SELECT password_hash FROM staff WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

void set_password(store::database& db, std::int64_t id, std::string_view password_hash) {
    db.prepare("UPDATE staff SET password_hash = ?, must_change_password = 0 WHERE id = ?")
        .bind(1, password_hash)
        .bind(2, id)
        .run();
}

void require_password_change(store::database& db, std::int64_t id) {
    db.prepare("UPDATE staff SET must_change_password = 1 WHERE id = ?").bind(1, id).run();
}

void count_failed_sign_in(store::database& db, std::string_view email) {
    db.prepare("UPDATE staff SET failed_sign_ins = failed_sign_ins + 1 WHERE email = ?")
        .bind(1, email)
        .run();
}

std::int64_t take_failed_sign_ins(store::database& db, std::int64_t id) {
    auto s = db.prepare("SELECT failed_sign_ins FROM staff WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return 0;
    auto count = s.integer(0);
    if (count > 0) {
        db.prepare("UPDATE staff SET failed_sign_ins = 0 WHERE id = ?").bind(1, id).run();
    }
    return count;
}

std::int64_t count_members(store::database& db) {
    auto s = db.prepare("SELECT count(*) FROM staff");
    s.step();
    return s.integer(0);
}

}  // namespace sc::staff
