// Who a staff request comes from: the member behind the session cookie and the sign-in
// step that session still owes.
#pragma once

#include <string>
#include <string_view>

#include "staff/accounts.hpp"

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

/// "done", "totp_code", "change_password", "enrol_totp": the wire name of `next_step`.
const char* step_name(sign_in_step step);

}  // namespace sc::http
