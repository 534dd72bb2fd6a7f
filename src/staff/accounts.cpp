#include "staff/accounts.hpp"

#include <sodium.h>

namespace sc::staff {
namespace {

member read_member(const store::statement& s) {
    return member{s.integer(0), s.text(1), s.text(2), *parse_role(s.text(3)), s.integer(4) != 0};
}

constexpr const char* member_columns = "id, email, name, role, disabled";

}  // namespace

const char* role_name(role r) {
    switch (r) {
        case role::coordinator: return "coordinator";
        case role::supervisor: return "supervisor";
        case role::admin: return "admin";
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
    if (crypto_pwhash_str(out, password.data(), password.size(),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
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
    if (password.size() < 12 || password.size() > 1024) {
        return core::fail(core::errc::bad_request, "password must be at least 12 characters");
    }
    return {};
}

core::result<member> add_member(store::database& db, std::string_view email, std::string_view name,
                                role r, std::string_view password_hash, core::time_point now) {
    if (find_member_by_email(db, email)) {
        return core::fail(core::errc::conflict, "an account with that email already exists");
    }
    db.prepare("INSERT INTO staff (email, name, role, password_hash, created_at) "
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
    return std::make_pair(read_member(s), s.text(5));
}

bool disable_member(store::database& db, std::int64_t id) {
    db.prepare("UPDATE staff SET disabled = 1 WHERE id = ?").bind(1, id).run();
    bool changed = db.changes() > 0;
    db.prepare("DELETE FROM staff_sessions WHERE staff_id = ?").bind(1, id).run();
    return changed;
}

std::int64_t count_members(store::database& db) {
    auto s = db.prepare("SELECT count(*) FROM staff");
    s.step();
    return s.integer(0);
}

}  // namespace sc::staff
