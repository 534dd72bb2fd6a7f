#include "staff/accounts.hpp"

#include <sodium.h>

#include <stdexcept>

#include "staff/password_policy.hpp"
#include "store/staff.hpp"

namespace sc::staff {
namespace {

member to_member(const store::staff_row& row) {
    return member{row.id,           row.email,
                  row.name,         *parse_role(row.role),
                  row.disabled,     row.must_change_password,
                  row.totp_enrolled};
}

std::optional<member> to_member(const std::optional<store::staff_row>& row) {
    if (!row) return std::nullopt;
    return to_member(*row);
}

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

core::result<member> add_member(store::unit_of_work& work, std::string_view email,
                                std::string_view name, role r, std::string_view password_hash,
                                core::time_point now) {
    auto& accounts = work.staff();
    if (accounts.find_member_by_email(email)) {
        return core::fail(core::errc::conflict, "an account with that email already exists");
    }
    auto id = accounts.add_member({.email = std::string(email),
                                   .name = std::string(name),
                                   .role = role_name(r),
                                   .password_hash = std::string(password_hash),
                                   .created_at = core::unix_seconds(now)});
    return *find_member(work, id);
}

std::vector<member> list_members(store::unit_of_work& work) {
    std::vector<member> out;
    for (const auto& row : work.staff().list_members()) out.push_back(to_member(row));
    return out;
}

std::optional<member> find_member(store::unit_of_work& work, std::int64_t id) {
    return to_member(work.staff().find_member(id));
}

std::optional<member> find_member_by_email(store::unit_of_work& work, std::string_view email) {
    return to_member(work.staff().find_member_by_email(email));
}

std::optional<std::pair<member, std::string>> find_credentials(store::unit_of_work& work,
                                                               std::string_view email) {
    auto row = work.staff().find_credentials(email);
    if (!row) return std::nullopt;
    return std::make_pair(to_member(row->member), row->password_hash);
}

}  // namespace sc::staff
