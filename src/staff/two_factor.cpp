#include "staff/two_factor.hpp"

#include <sodium.h>

#include <cctype>

#include "core/random.hpp"
#include "staff/totp.hpp"
#include "store/staff.hpp"

namespace sc::staff {
namespace {

using core::errc;

std::string seal_context(std::int64_t staff_id) { return "staff totp " + std::to_string(staff_id); }

privacy::secret_key sealing_key(const privacy::keyring& keys) {
    return keys.derive("staff totp secrets");
}

/// Upper case, without the dashes and spaces people type or leave out.
std::string normalized_recovery_code(std::string_view code) {
    std::string out;
    for (unsigned char ch : code) {
        if (ch == '-' || ch == ' ') continue;
        out += static_cast<char>(std::toupper(ch));
    }
    return out;
}

std::string new_recovery_code() {
    std::string bytes(10, '\0');  // 80 bits, 16 base32 characters
    randombytes_buf(bytes.data(), bytes.size());
    auto raw = base32(bytes);
    return raw.substr(0, 4) + "-" + raw.substr(4, 4) + "-" + raw.substr(8, 4) + "-" +
           raw.substr(12, 4);
}

}  // namespace

two_factor_status two_factor_of(store::unit_of_work& work, std::int64_t staff_id) {
    auto& accounts = work.staff();
    return {.enrolled = accounts.has_totp(staff_id),
            .recovery_codes_left = static_cast<int>(accounts.count_recovery_codes(staff_id))};
}

std::string begin_totp_enrolment(store::unit_of_work& work, const privacy::keyring& keys,
                                 std::int64_t staff_id) {
    auto secret = new_totp_secret();
    work.staff().set_pending_totp(
        staff_id, privacy::encrypt(sealing_key(keys), secret, seal_context(staff_id)));
    return secret;
}

core::result<std::vector<std::string>> confirm_totp_enrolment(store::unit_of_work& work,
                                                              const privacy::keyring& keys,
                                                              std::int64_t staff_id,
                                                              std::string_view code,
                                                              core::time_point now) {
    auto& accounts = work.staff();
    auto sealed = accounts.pending_totp(staff_id);
    if (!sealed) return core::fail(errc::conflict, "start the enrolment first");
    auto secret = privacy::decrypt(sealing_key(keys), *sealed, seal_context(staff_id));
    auto step = match_totp(secret, code, now, 0);
    if (!step) {
        return core::fail(errc::bad_request,
                          "that code does not match; check the time on your phone and enter the "
                          "code your app shows now");
    }
    accounts.confirm_pending_totp(staff_id, *step);
    std::vector<std::string> codes;
    std::vector<std::string> hashes;
    for (int i = 0; i < recovery_code_count; ++i) {
        codes.push_back(new_recovery_code());
        hashes.push_back(core::token_hash(normalized_recovery_code(codes.back())));
    }
    accounts.replace_recovery_codes(staff_id, hashes);
    return codes;
}

core::result<second_factor_used> verify_second_factor(store::unit_of_work& work,
                                                      const privacy::keyring& keys,
                                                      std::int64_t staff_id, std::string_view code,
                                                      core::time_point now) {
    auto wrong = core::fail(errc::unauthenticated, "that code is not right, or was used already");
    auto& accounts = work.staff();
    auto totp = accounts.totp_of(staff_id);
    if (!totp) return core::fail(errc::conflict, "this account has no second factor");
    auto digits = normalized_recovery_code(code);
    if (digits.size() == 6 && digits.find_first_not_of("0123456789") == std::string::npos) {
        auto secret =
            privacy::decrypt(sealing_key(keys), totp->sealed_secret, seal_context(staff_id));
        auto step = match_totp(secret, digits, now, totp->last_step);
        if (!step) return wrong;
        if (!accounts.use_totp_step(staff_id, *step)) return wrong;
        return second_factor_used::totp;
    }
    if (code.size() > 64) return wrong;
    if (!accounts.use_recovery_code(staff_id, core::token_hash(digits))) return wrong;
    return second_factor_used::recovery_code;
}

std::vector<role> roles_requiring_totp(store::unit_of_work& work) {
    std::vector<role> out;
    auto list = work.staff().totp_required_roles();
    if (!list) return out;
    for (auto r : {role::coordinator, role::supervisor, role::admin}) {
        if (list->find(role_name(r)) != std::string::npos) out.push_back(r);
    }
    return out;
}

void set_roles_requiring_totp(store::unit_of_work& work, const std::vector<role>& roles) {
    std::string list;
    for (auto r : roles) list += (list.empty() ? "" : ",") + std::string(role_name(r));
    work.staff().set_totp_required_roles(list);
}

}  // namespace sc::staff
