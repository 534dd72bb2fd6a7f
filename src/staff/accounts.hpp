// Staff accounts: who may sign in to the console, in which role. Changes with no rule of their
// own (disabling, a new password hash, counting failed sign-ins) are asked of the repository,
// work.staff() (store/staff.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/unit_of_work.hpp"

namespace sc::staff {

enum class role { coordinator, supervisor, admin };

const char* role_name(role r);
std::optional<role> parse_role(std::string_view name);
/// Supervisors and admins see the whole queue and every live chat.
inline bool oversees(role r) { return r != role::coordinator; }

struct member {
    std::int64_t id = 0;
    std::string email;
    std::string name;
    role staff_role = role::coordinator;
    bool disabled = false;
    /// The first administrator's printed password: nothing else works until it is changed.
    bool must_change_password = false;
    bool totp_enrolled = false;
};

/// Argon2id with libsodium's interactive limits (2 passes, 64 MiB): above OWASP ASVS L2.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);

/// Checks a new account's fields (the password against password_policy.hpp); the message
/// names the field at fault.
core::result<> validate_new_member(std::string_view email, std::string_view name,
                                   std::string_view password);

/// Adds an account; a conflict if one with that email (in any case) exists.
core::result<member> add_member(store::unit_of_work& work, std::string_view email,
                                std::string_view name, role r, std::string_view password_hash,
                                core::time_point now);
std::vector<member> list_members(store::unit_of_work& work);
std::optional<member> find_member(store::unit_of_work& work, std::int64_t id);
std::optional<member> find_member_by_email(store::unit_of_work& work, std::string_view email);
/// The stored password hash of an enabled account, for sign-in.
std::optional<std::pair<member, std::string>> find_credentials(store::unit_of_work& work,
                                                               std::string_view email);

}  // namespace sc::staff
