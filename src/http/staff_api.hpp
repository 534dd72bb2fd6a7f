// The staff JSON API of docs/API.md: sign-in and sign-out, the current member, and account
// management for admins. Blocking: it runs on the blocking pool, never on a network thread.
#pragma once

#include "chat/hub.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "http/message.hpp"
#include "http/privacy_api.hpp"
#include "privacy/keyring.hpp"
#include "staff/login_throttle.hpp"
#include "store/worker.hpp"

#include <optional>
#include <string>

namespace sc::http {

inline constexpr std::string_view session_cookie = "__Host-sc_session";

struct staff_identity {
    staff::member who;
    std::string session_token;
    std::string csrf_token;
};

class staff_api {
public:
    staff_api(store::worker& store, const privacy::keyring& keys, const core::clock& clock,
              chat::hub& hub, privacy_api& privacy);

    /// The POST routes that hash a password (sign-in, new accounts): expensive on purpose.
    static bool hashes_password(std::string_view path);

    /// Handles /api/staff/...; nothing when the path is not one of ours.
    std::optional<response> handle(const request& req, const std::string& expected_origin);

    /// The signed-in member behind a request's session cookie. `touch` restarts the idle
    /// clock; a console that only watches passes false so an unattended one still expires.
    core::result<staff_identity> identify(const request& req, bool touch = true);

private:
    response login(const request& req);
    response logout(const staff_identity& me);
    response me(const staff_identity& me);
    response list_users();
    response add_user(const request& req, std::int64_t actor);
    response disable_user(std::int64_t id, std::int64_t actor);
    std::string csrf_for(const std::string& session_token) const;

    store::worker& store_;
    const core::clock& clock_;
    chat::hub& hub_;
    privacy_api& privacy_;
    privacy::secret_key csrf_key_;
    staff::login_throttle throttle_;
};

/// A JSON error body with the status that fits the code. `code_name` replaces the generic
/// code where the API promises a more specific one ("bad_credentials", "csrf").
response error_response(const core::error& e, std::string_view code_name = {});
response json_response(int status, const std::string& body);

}  // namespace sc::http
