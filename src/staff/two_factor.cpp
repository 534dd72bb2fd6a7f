#include "staff/two_factor.hpp"

#include <sodium.h>

#include <cctype>

#include "core/random.hpp"
#include "staff/totp.hpp"

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

two_factor_status two_factor_of(store::database& db, std::int64_t staff_id) {
    two_factor_status out;
    auto s = db.prepare("SELECT totp_secret IS NOT NULL FROM staff WHERE id = ?");
    s.bind(1, staff_id);
    if (s.step()) out.enrolled = s.integer(0) != 0;
    auto c = db.prepare("SELECT count(*) FROM staff_recovery_codes WHERE staff_id = ?");
    c.bind(1, staff_id);
    c.step();
    out.recovery_codes_left = static_cast<int>(c.integer(0));
    return out;
}

std::string begin_totp_enrolment(store::database& db, const privacy::keyring& keys,
                                 std::int64_t staff_id) {
    auto secret = new_totp_secret();
    db.prepare("UPDATE staff SET totp_pending = ? WHERE id = ?")
        .bind_blob(1, privacy::encrypt(sealing_key(keys), secret, seal_context(staff_id)))
        .bind(2, staff_id)
        .run();
    return secret;
}

core::result<std::vector<std::string>> confirm_totp_enrolment(store::database& db,
                                                              const privacy::keyring& keys,
                                                              std::int64_t staff_id,
                                                              std::string_view code,
                                                              core::time_point now) {
    auto s = db.prepare("SELECT totp_pending FROM staff WHERE id = ? AND totp_pending IS NOT NULL");
    s.bind(1, staff_id);
    if (!s.step()) return core::fail(errc::conflict, "start the enrolment first");
    auto secret = privacy::decrypt(sealing_key(keys), s.blob(0), seal_context(staff_id));
    auto step = match_totp(secret, code, now, 0);
    if (!step) {
        return core::fail(errc::bad_request,
                          "that code does not match; check the time on your phone and enter the "
                          "code your app shows now");
    }
    db.prepare(
          "UPDATE staff SET totp_secret = totp_pending, totp_pending = NULL, "
          "totp_last_step = ? WHERE id = ?")
        .bind(1, *step)
        .bind(2, staff_id)
        .run();
    db.prepare("DELETE FROM staff_recovery_codes WHERE staff_id = ?").bind(1, staff_id).run();
    std::vector<std::string> codes;
    for (int i = 0; i < recovery_code_count; ++i) {
        codes.push_back(new_recovery_code());
        db.prepare("INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES (?, ?)")
            .bind(1, staff_id)
            .bind(2, core::token_hash(normalized_recovery_code(codes.back())))
            .run();
    }
    return codes;
}

core::result<second_factor_used> verify_second_factor(store::database& db,
                                                      const privacy::keyring& keys,
                                                      std::int64_t staff_id, std::string_view code,
                                                      core::time_point now) {
    auto wrong = core::fail(errc::unauthenticated, "that code is not right, or was used already");
    auto s = db.prepare(
        "SELECT totp_secret, totp_last_step FROM staff WHERE id = ? AND totp_secret IS NOT NULL");
    s.bind(1, staff_id);
    if (!s.step()) return core::fail(errc::conflict, "this account has no second factor");
    auto digits = normalized_recovery_code(code);
    if (digits.size() == 6 && digits.find_first_not_of("0123456789") == std::string::npos) {
        auto secret = privacy::decrypt(sealing_key(keys), s.blob(0), seal_context(staff_id));
        auto step = match_totp(secret, digits, now, s.integer(1));
        if (!step) return wrong;
        // Conditional on the last step, so two requests racing with one code cannot both win.
        db.prepare("UPDATE staff SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
            .bind(1, *step)
            .bind(2, staff_id)
            .bind(3, *step)
            .run();
        if (db.changes() == 0) return wrong;
        return second_factor_used::totp;
    }
    if (code.size() > 64) return wrong;
    db.prepare("DELETE FROM staff_recovery_codes WHERE staff_id = ? AND code_hash = ?")
        .bind(1, staff_id)
        .bind(2, core::token_hash(digits))
        .run();
    if (db.changes() == 0) return wrong;
    return second_factor_used::recovery_code;
}

std::vector<role> roles_requiring_totp(store::database& db) {
    auto s = db.prepare("SELECT value FROM settings WHERE key = 'totp_required_roles'");
    std::vector<role> out;
    if (!s.step()) return out;
    std::string list = s.text(0);
    for (auto r : {role::coordinator, role::supervisor, role::admin}) {
        if (list.find(role_name(r)) != std::string_view::npos) out.push_back(r);
    }
    return out;
}

void set_roles_requiring_totp(store::database& db, const std::vector<role>& roles) {
    std::string list;
    for (auto r : roles) list += (list.empty() ? "" : ",") + std::string(role_name(r));
    db.prepare(
          "INSERT INTO settings (key, value) VALUES ('totp_required_roles', ?) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, list)
        .run();
}

void reset_two_factor(store::database& db, std::int64_t staff_id) {
    db.prepare(
          "UPDATE staff SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 "
          "WHERE id = ?")
        .bind(1, staff_id)
        .run();
    db.prepare("DELETE FROM staff_recovery_codes WHERE staff_id = ?").bind(1, staff_id).run();
}

}  // namespace sc::staff
