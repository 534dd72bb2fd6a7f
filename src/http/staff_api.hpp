// The staff JSON API of docs/API.md: sign-in (password, then a TOTP code when enrolled),
// sign-out of one session or all, password change, TOTP enrolment, the current member, and
// account management for admins. A session that still owes a step (its code, a required
// password change, a required enrolment) may only take that step. Blocking: it runs on the
// blocking pool, never on a network thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "chat/hub.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "http/message.hpp"
#include "http/privacy_api.hpp"
#include "privacy/keyring.hpp"
#include "staff/login_throttle.hpp"
#include "staff/sessions.hpp"
#include "store/worker.hpp"

namespace sc::http {

inline constexpr std::string_view session_cookie = "__Host-sc_session";

/// What a signed-in session must do before the console opens.
enum class sign_in_step { done, totp_code, change_password, enrol_totp };

struct staff_identity {
    staff::member who;
    std::string session_token;
    std::string csrf_token;
    std::string session_id;  // names the session for the hub (never the token)
    sign_in_step step = sign_in_step::done;
    bool totp_required = false;  // the member's role must use TOTP
};

class staff_api {
  public:
    /// `session_idle_limit`: how long a session may go unused (staff.session_idle_seconds).
    staff_api(store::worker& store, const privacy::keyring& keys, const core::clock& clock,
              chat::hub& hub, privacy_api& privacy,
              std::chrono::seconds session_idle_limit = staff::session_idle_limit);

    /// The POST routes that hash a password (sign-in, new accounts): expensive on purpose.
    static bool hashes_password(std::string_view path);

    /// Handles /api/staff/...; nothing when the path is not one of ours.
    std::optional<response> handle(const request& req, const std::string& expected_origin);

    /// The fully signed-in member behind a request's session cookie (a session that owes a
    /// step does not count). `touch` restarts the idle clock; a console that only watches
    /// passes false so an unattended one still expires.
    core::result<staff_identity> identify(const request& req, bool touch = true);

  private:
    /// Any live session, whatever step it owes.
    core::result<staff_identity> identify_session(const request& req, bool touch);
    core::result<staff_identity> identity_of(const std::string& token, bool touch);
    std::optional<response> route(const request& req, const staff_identity& me);
    response login(const request& req);
    response login_code(const request& req, const staff_identity& me);
    /// The answer to a sign-in step: the member, the CSRF token and what comes next; on the
    /// last step also the failed sign-ins since the previous one (then audited and reset).
    response signed_in(const staff_identity& me, bool finished);
    response logout(const staff_identity& me);
    response logout_everywhere(const staff_identity& me);
    response change_password(const request& req, const staff_identity& me);
    response totp_status(const staff_identity& me);
    response totp_enrol(const staff_identity& me);
    response totp_confirm(const request& req, const staff_identity& me);
    response security_settings();
    response set_security_settings(const request& req, std::int64_t actor);
    response me(const staff_identity& me);
    response list_users();
    response add_user(const request& req, std::int64_t actor);
    response user_action(std::string_view rest, std::int64_t actor);
    response disable_user(std::int64_t id, std::int64_t actor);
    response reset_user_totp(std::int64_t id, std::int64_t actor);
    /// Refuses an attempt the throttle does not allow now (a lock or a wait), or nothing.
    std::optional<response> throttled(std::string_view account, const request& req,
                                      core::time_point now);
    /// Counts a wrong password or code for the throttle and the account's owner.
    void record_failure(std::string_view account, const request& req,
                        std::optional<std::int64_t> staff_id, core::time_point now);
    std::string csrf_for(const std::string& session_token) const;

    store::worker& store_;
    const privacy::keyring& keys_;
    const core::clock& clock_;
    chat::hub& hub_;
    privacy_api& privacy_;
    privacy::secret_key csrf_key_;
    std::chrono::seconds session_idle_limit_;
    staff::login_throttle throttle_;
};

/// A JSON error body with the status that fits the code. `code_name` replaces the generic
/// code where the API promises a more specific one ("bad_credentials", "csrf").
response error_response(const core::error& e, std::string_view code_name = {});
response json_response(int status, const std::string& body);

}  // namespace sc::http
