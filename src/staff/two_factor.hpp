// A staff member's second factor: TOTP enrolment (a pending secret until a first code
// proves the app has it), sign-in codes (each step once), ten one-time recovery codes, and
// the admin's reset (work.staff().reset_two_factor). The TOTP secret is stored only sealed under
// a key derived from the master key; recovery codes only as hashes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "privacy/keyring.hpp"
#include "staff/accounts.hpp"
#include "store/unit_of_work.hpp"

namespace sc::staff {

inline constexpr int recovery_code_count = 10;

struct two_factor_status {
    bool enrolled = false;
    int recovery_codes_left = 0;
};

two_factor_status two_factor_of(store::unit_of_work& work, std::int64_t staff_id);

/// Starts (or starts again) enrolment and returns the new secret's raw bytes; the account's
/// current TOTP, if any, stays in force until the new one is confirmed.
std::string begin_totp_enrolment(store::unit_of_work& work, const privacy::keyring& keys,
                                 std::int64_t staff_id);

/// Makes the pending secret the account's TOTP once `code` matches it; returns the new
/// recovery codes (the only time they exist in the clear). Earlier recovery codes end.
core::result<std::vector<std::string>> confirm_totp_enrolment(store::unit_of_work& work,
                                                              const privacy::keyring& keys,
                                                              std::int64_t staff_id,
                                                              std::string_view code,
                                                              core::time_point now);

enum class second_factor_used { totp, recovery_code };

/// Checks a sign-in code: six digits for TOTP (a step used before is refused), otherwise a
/// recovery code, which is used up.
core::result<second_factor_used> verify_second_factor(store::unit_of_work& work,
                                                      const privacy::keyring& keys,
                                                      std::int64_t staff_id, std::string_view code,
                                                      core::time_point now);

/// The roles whose members must use TOTP (an admin's setting; none at first).
std::vector<role> roles_requiring_totp(store::unit_of_work& work);
void set_roles_requiring_totp(store::unit_of_work& work, const std::vector<role>& roles);

}  // namespace sc::staff
