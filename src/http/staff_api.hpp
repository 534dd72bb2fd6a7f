// The staff JSON API of docs/API.md: sign-in (password, then a TOTP code when enrolled),
// sign-out of one session or all, password change, TOTP enrolment, the current member, and
// account management for admins. The route table (routes.cpp) names each handler with the
// permission and sign-in steps it needs; the router checks those before a handler runs.
// Blocking: it runs on the blocking pool, never on a network thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "chat/hub.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "http/identity.hpp"
#include "http/message.hpp"
#include "http/route.hpp"
#include "privacy/keyring.hpp"
#include "staff/login_throttle.hpp"
#include "staff/sessions.hpp"
#include "store/worker.hpp"

namespace sc::http {

class staff_api {
  public:
    /// `session_idle_limit`: how long a session may go unused (staff.session_idle_seconds).
    staff_api(store::worker& store, const privacy::keyring& keys, const core::clock& clock,
              chat::hub& hub, std::chrono::seconds session_idle_limit = staff::session_idle_limit);

    /// The fully signed-in member behind a request's session cookie (a session that owes a
    /// step does not count). `touch` restarts the idle clock; a console that only watches
    /// passes false so an unattended one still expires.
    core::result<staff_identity> identify(const request& req, bool touch = true);
    /// Any live session, whatever step it owes.
    core::result<staff_identity> identify_session(const request& req, bool touch);
    /// Whether a state-changing request carries its session's CSRF token.
    static bool csrf_ok(const request& req, const staff_identity& me);

    // The handlers of the route table.
    response login(const call& c);
    response login_code(const call& c);
    response logout(const call& c);
    response logout_everywhere(const call& c);
    response me(const call& c);
    response change_password(const call& c);
    response totp_status(const call& c);
    response totp_enrol(const call& c);
    response totp_confirm(const call& c);
    response list_users(const call& c);
    response add_user(const call& c);
    response disable_user(const call& c);
    response reset_user_totp(const call& c);
    response security_settings(const call& c);
    response set_security_settings(const call& c);

  private:
    core::result<staff_identity> identity_of(const std::string& token, bool touch);
    /// The answer to a sign-in step: the member, the CSRF token and what comes next; on the
    /// last step also the failed sign-ins since the previous one (then audited and reset).
    response signed_in(const staff_identity& me, bool finished);
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
    privacy::secret_key csrf_key_;
    std::chrono::seconds session_idle_limit_;
    staff::login_throttle throttle_;
};

/// A JSON error body with the status that fits the code. `code_name` replaces the generic
/// code where the API promises a more specific one ("bad_credentials", "csrf").
response error_response(const core::error& e, std::string_view code_name = {});
response json_response(int status, const std::string& body);

}  // namespace sc::http
