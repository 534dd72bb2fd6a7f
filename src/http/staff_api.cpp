#include "http/staff_api.hpp"

#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>

#include "core/log.hpp"
#include "core/random.hpp"
#include "http/json_body.hpp"
#include "privacy/audit.hpp"
#include "staff/password_policy.hpp"
#include "staff/qr_code.hpp"
#include "staff/sessions.hpp"
#include "staff/totp.hpp"
#include "staff/two_factor.hpp"
#include "store/staff.hpp"

namespace sc::http {

namespace json = boost::json;
using core::errc;

namespace {

int status_of(errc code) {
    switch (code) {
        case errc::bad_json:
        case errc::bad_request:
            return 400;
        case errc::unauthenticated:
            return 401;
        case errc::forbidden:
            return 403;
        case errc::not_found:
            return 404;
        case errc::conflict:
            return 409;
        case errc::rate_limited:
            return 429;
        case errc::unavailable:
            return 503;
        case errc::unknown_type:
        case errc::internal:
            return 500;
    }
    return 500;
}

json::object user_json(const staff::member& m) {
    return {{"id", m.id},
            {"email", m.email},
            {"name", m.name},
            {"role", staff::role_name(m.staff_role)},
            {"disabled", m.disabled},
            {"totp_enrolled", m.totp_enrolled}};
}

}  // namespace

const char* step_name(sign_in_step step) {
    switch (step) {
        case sign_in_step::done:
            return "done";
        case sign_in_step::totp_code:
            return "totp_code";
        case sign_in_step::change_password:
            return "change_password";
        case sign_in_step::enrol_totp:
            return "enrol_totp";
    }
    return "done";
}

namespace {

sign_in_step step_of(const staff::session& s, bool totp_required) {
    if (s.who.totp_enrolled && !s.second_factor) return sign_in_step::totp_code;
    if (s.who.must_change_password) return sign_in_step::change_password;
    if (totp_required && !s.who.totp_enrolled) return sign_in_step::enrol_totp;
    return sign_in_step::done;
}

json::array roles_json(const std::vector<staff::role>& roles) {
    json::array out;
    for (auto r : roles) out.emplace_back(staff::role_name(r));
    return out;
}

bool contains(const std::vector<staff::role>& roles, staff::role r) {
    return std::find(roles.begin(), roles.end(), r) != roles.end();
}

response clear_cookie_response() {
    response r;
    r.status = 204;
    r.set("Set-Cookie",
          std::string(session_cookie) + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    return r;
}

std::string cookie_value(const request& req, std::string_view name) {
    std::string_view cookies = req.header("cookie");
    while (!cookies.empty()) {
        auto end = cookies.find(';');
        auto part = cookies.substr(0, end);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        if (part.starts_with(name) && part.size() > name.size() && part[name.size()] == '=') {
            return std::string(part.substr(name.size() + 1));
        }
        if (end == std::string_view::npos) break;
        cookies.remove_prefix(end + 1);
    }
    return {};
}

std::string session_cookie_header(const std::string& token) {
    return std::string(session_cookie) + "=" + token +
           "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

}  // namespace

response json_response(int status, const std::string& body) {
    response r;
    r.status = status;
    r.set("Content-Type", "application/json");
    r.body = body;
    return r;
}

response error_response(const core::error& e, std::string_view code_name) {
    json::object body{{"error",
                       {{"code", code_name.empty() ? core::code_name(e.code) : code_name},
                        {"message", e.message}}}};
    return json_response(status_of(e.code), json::serialize(body));
}

staff_api::staff_api(store::worker& store, const privacy::keyring& keys, const core::clock& clock,
                     chat::hub& hub, std::chrono::seconds session_idle_limit)
    : store_(store),
      keys_(keys),
      clock_(clock),
      hub_(hub),
      csrf_key_(keys.derive("csrf token key")),
      session_idle_limit_(session_idle_limit) {}

std::string staff_api::csrf_for(const std::string& session_token) const {
    unsigned char out[32];
    crypto_generichash(out, sizeof out,
                       reinterpret_cast<const unsigned char*>(session_token.data()),
                       session_token.size(), csrf_key_.data(), privacy::secret_key::size);
    return core::to_hex({reinterpret_cast<const char*>(out), sizeof out});
}

core::result<staff_identity> staff_api::identify_session(const request& req, bool touch) {
    std::string token = cookie_value(req, session_cookie);
    if (token.empty()) return core::fail(errc::unauthenticated, "sign in first");
    return identity_of(token, touch);
}

core::result<staff_identity> staff_api::identity_of(const std::string& token, bool touch) {
    auto now = clock_.now();
    auto found = store_.call(
        [&](store::unit_of_work& work) -> std::optional<std::pair<staff::session, bool>> {
            auto s = staff::resume_session(work, token, now, session_idle_limit_);
            if (!s) return std::nullopt;
            return std::make_pair(*s,
                                  contains(staff::roles_requiring_totp(work), s->who.staff_role));
        });
    if (!found) return core::fail(errc::unauthenticated, "your session has ended; sign in again");
    // Recording the use is not part of the answer: a disk that cannot take it must not
    // refuse a signed-in member. The cost is an idle clock that runs a little early.
    if (touch) {
        store_.submit(
            [token, now](store::unit_of_work& work) {
                staff::restart_idle_clock(work, token, now);
            },
            [](const core::result<>& saved) {
                if (!saved) spdlog::warn("event=session_use_not_saved");
            });
    }
    auto& [s, required] = *found;
    return staff_identity{s.who, token, csrf_for(token), s.id, step_of(s, required), required};
}

core::result<staff_identity> staff_api::identify(const request& req, bool touch) {
    auto me = identify_session(req, touch);
    if (me && me->step != sign_in_step::done) {
        return core::fail(errc::unauthenticated, "finish signing in first");
    }
    return me;
}

bool staff_api::csrf_ok(const request& req, const staff_identity& me) {
    return core::equal_secrets(req.header("x-csrf-token"), me.csrf_token);
}

std::optional<response> staff_api::throttled(std::string_view account, const request& req,
                                             core::time_point now) {
    auto v = throttle_.check(account, req.client_address, now);
    if (v.outcome == staff::throttle_verdict::kind::go) return std::nullopt;
    auto wait = std::to_string(v.retry_after.count());
    bool locked = v.outcome == staff::throttle_verdict::kind::locked;
    json::object body{
        {"error",
         {{"code", locked ? "throttled" : "slow_down"},
          {"message",
           locked ? "too many failed sign-ins from your network; try again in " + wait + " seconds"
                  : "this account has had many failed sign-ins, so every attempt "
                    "waits a moment: try again in " +
                        wait + " seconds"},
          {"retry_after", v.retry_after.count()}}}};
    auto r = json_response(429, json::serialize(body));
    r.set("Retry-After", wait);
    return r;
}

void staff_api::record_failure(std::string_view account, const request& req,
                               std::optional<std::int64_t> staff_id, core::time_point now) {
    bool slowed = throttle_.record_failure(account, req.client_address, now);
    if (staff_id) {
        store_.call([&](store::unit_of_work& work) {
            work.staff().count_failed_sign_in(account);
            // Once per attack, not per attempt: a flood must not flood the audit log too.
            if (slowed)
                privacy::audit(work, now, std::nullopt, "sign_in_slowed",
                               "staff " + std::to_string(*staff_id));
        });
    }
    spdlog::info("event=staff_sign_in_failed");
}

response staff_api::login(const call& c) {
    const auto& req = c.req;
    auto fields = body_texts(req, {"email", "password"});
    if (!fields) return error_response(fields.error());
    const auto& [email, password_text] = *fields;
    const auto* password = &password_text;
    std::string account = email;
    for (auto& ch : account) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));

    auto now = clock_.now();
    if (auto refused = throttled(account, req, now)) return std::move(*refused);
    auto creds = store_.call(
        [&](store::unit_of_work& work) { return staff::find_credentials(work, account); });
    // Verify against a dummy hash for unknown accounts so timing does not reveal which exist.
    static const std::string dummy = staff::hash_password("not a real password");
    // No valid password is longer than the policy allows; it need not be hashed to know.
    bool ok = password->size() <= staff::password_max_bytes &&
              staff::verify_password(creds ? creds->second : dummy, *password) && creds;
    if (!ok) {
        record_failure(account, req, creds ? std::optional(creds->first.id) : std::nullopt, now);
        return error_response({errc::unauthenticated, "the email or password is not right"},
                              "bad_credentials");
    }
    throttle_.record_success(account, req.client_address);
    auto who = creds->first;
    auto token = store_.call(
        [&](store::unit_of_work& work) { return staff::create_session(work, who.id, now); });
    auto me_id = identity_of(token, false);
    if (!me_id) return error_response(me_id.error());
    bool finished = me_id->step != sign_in_step::totp_code;
    auto r = signed_in(*me_id, finished);
    r.set("Set-Cookie", session_cookie_header(token));
    return r;
}

response staff_api::login_code(const call& c) {
    const auto& req = c.req;
    const auto& me_id = c.me();
    auto fields = body_texts(req, {"code"});
    if (!fields) return error_response(fields.error());
    const std::string& code = (*fields)[0];
    auto now = clock_.now();
    const auto& account = me_id.who.email;
    if (auto refused = throttled(account, req, now)) return std::move(*refused);
    auto used = store_.call([&](store::unit_of_work& work) {
        return staff::verify_second_factor(work, keys_, me_id.who.id, code, now);
    });
    if (!used) {
        record_failure(account, req, me_id.who.id, now);
        return error_response(used.error(), "bad_code");
    }
    throttle_.record_success(account, req.client_address);
    store_.call([&](store::unit_of_work& work) {
        staff::pass_second_factor(work, me_id.session_token);
        if (*used == staff::second_factor_used::recovery_code) {
            privacy::audit(work, now, me_id.who.id, "recovery_code_used");
        }
    });
    auto after = identify_session(req, false);
    if (!after) return error_response(after.error());
    return signed_in(*after, true);
}

response staff_api::signed_in(const staff_identity& me_id, bool finished) {
    json::object out{{"user", user_json(me_id.who)},
                     {"csrf_token", me_id.csrf_token},
                     {"next_step", step_name(me_id.step)}};
    if (finished) {
        auto now = clock_.now();
        auto failures = store_.call([&](store::unit_of_work& work) {
            auto n = work.staff().take_failed_sign_ins(me_id.who.id);
            privacy::audit(work, now, me_id.who.id, "signed_in");
            // The owner hears of attempts on their account; the log keeps the count only.
            if (n > 0)
                privacy::audit(work, now, me_id.who.id, "failed_sign_ins_reported",
                               std::to_string(n));
            return n;
        });
        out["failed_sign_ins"] = failures;
        spdlog::info("event=staff_signed_in staff_id={}", me_id.who.id);
    }
    return json_response(200, json::serialize(out));
}

response staff_api::logout(const call& c) {
    const auto& me_id = c.me();
    auto now = clock_.now();
    store_.call([&](store::unit_of_work& work) {
        staff::end_session(work, me_id.session_token);
        privacy::audit(work, now, me_id.who.id, "signed_out");
    });
    // Only the consoles of this session: the member's other sessions stay signed in.
    hub_.disconnect_session(me_id.session_id);
    spdlog::info("event=staff_signed_out staff_id={}", me_id.who.id);
    return clear_cookie_response();
}

response staff_api::logout_everywhere(const call& c) {
    const auto& me_id = c.me();
    auto now = clock_.now();
    auto ended = store_.call([&](store::unit_of_work& work) {
        auto ids = work.staff().end_sessions_of(me_id.who.id, {});
        privacy::audit(work, now, me_id.who.id, "signed_out_everywhere",
                       std::to_string(ids.size()));
        return ids.size();
    });
    hub_.disconnect_staff(me_id.who.id);
    spdlog::info("event=staff_signed_out_everywhere staff_id={} sessions={}", me_id.who.id, ended);
    return clear_cookie_response();
}

response staff_api::change_password(const call& c) {
    const auto& req = c.req;
    const auto& me_id = c.me();
    auto fields = body_texts(req, {"current_password", "new_password"});
    if (!fields) return error_response(fields.error());
    const std::string& current = (*fields)[0];
    const std::string& next = (*fields)[1];
    auto now = clock_.now();
    const auto& account = me_id.who.email;
    if (auto refused = throttled(account, req, now)) return std::move(*refused);
    auto hash = store_.call(
        [&](store::unit_of_work& work) { return work.staff().password_hash_of(me_id.who.id); });
    if (!hash || current.size() > staff::password_max_bytes ||
        !staff::verify_password(*hash, current)) {
        record_failure(account, req, me_id.who.id, now);
        return error_response({errc::unauthenticated, "the current password is not right"},
                              "bad_credentials");
    }
    if (next == current) {
        return error_response(
            {errc::bad_request, "the new password must differ from the current one"});
    }
    if (auto valid = staff::check_new_password(next, {me_id.who.email, me_id.who.name}); !valid) {
        return error_response(valid.error(), "weak_password");
    }
    auto new_hash = staff::hash_password(next);
    auto ended = store_.call([&](store::unit_of_work& work) {
        auto& accounts = work.staff();
        accounts.set_password(me_id.who.id, new_hash);
        // Whoever knew the old password is signed out everywhere else.
        auto ids = accounts.end_sessions_of(me_id.who.id, me_id.session_id);
        privacy::audit(work, now, me_id.who.id, "password_changed");
        return ids;
    });
    for (const auto& id : ended) hub_.disconnect_session(id);
    spdlog::info("event=staff_password_changed staff_id={}", me_id.who.id);
    auto after = identify_session(req, false);
    if (!after) return error_response(after.error());
    return json_response(200, json::serialize(json::object{{"user", user_json(after->who)},
                                                           {"next_step", step_name(after->step)}}));
}

response staff_api::totp_status(const call& c) {
    const auto& me_id = c.me();
    auto status = store_.call(
        [&](store::unit_of_work& work) { return staff::two_factor_of(work, me_id.who.id); });
    return json_response(
        200, json::serialize(json::object{{"enrolled", status.enrolled},
                                          {"required", me_id.totp_required},
                                          {"recovery_codes_left", status.recovery_codes_left}}));
}

response staff_api::totp_enrol(const call& c) {
    const auto& me_id = c.me();
    auto secret = store_.call([&](store::unit_of_work& work) {
        return staff::begin_totp_enrolment(work, keys_, me_id.who.id);
    });
    auto uri = staff::otpauth_uri("Safe Connect", me_id.who.email, secret);
    auto qr = staff::make_qr_code(uri);
    if (!qr) return error_response({errc::internal, "the QR code could not be drawn"});
    return json_response(
        200, json::serialize(json::object{{"secret", staff::base32(secret)},
                                          {"uri", uri},
                                          {"qr", {{"size", qr->size}, {"modules", qr->modules}}}}));
}

response staff_api::totp_confirm(const call& c) {
    const auto& req = c.req;
    const auto& me_id = c.me();
    auto fields = body_texts(req, {"code"});
    if (!fields) return error_response(fields.error());
    const std::string& code = (*fields)[0];
    auto now = clock_.now();
    auto codes = store_.call([&](store::unit_of_work& work) {
        auto confirmed = staff::confirm_totp_enrolment(work, keys_, me_id.who.id, code, now);
        if (confirmed) {
            // The code just entered is this session's second factor.
            staff::pass_second_factor(work, me_id.session_token);
            privacy::audit(work, now, me_id.who.id, "totp_enrolled");
        }
        return confirmed;
    });
    if (!codes)
        return error_response(codes.error(),
                              codes.error().code == errc::bad_request ? "bad_code" : "");
    spdlog::info("event=staff_totp_enrolled staff_id={}", me_id.who.id);
    json::array list;
    for (const auto& one : *codes) list.emplace_back(one);
    auto after = identify_session(req, false);
    if (!after) return error_response(after.error());
    return json_response(200, json::serialize(json::object{{"recovery_codes", list},
                                                           {"user", user_json(after->who)},
                                                           {"next_step", step_name(after->step)}}));
}

response staff_api::security_settings(const call&) {
    auto roles =
        store_.call([](store::unit_of_work& work) { return staff::roles_requiring_totp(work); });
    return json_response(200,
                         json::serialize(json::object{{"totp_required_roles", roles_json(roles)}}));
}

response staff_api::set_security_settings(const call& c) {
    auto actor = c.me().who.id;
    auto body = json_body::parse(c.req);
    if (!body) return error_response(body.error());
    const auto* list = body->optional("totp_required_roles");
    if (list == nullptr || !list->is_array()) {
        return error_response(
            {errc::bad_request, "field 'totp_required_roles' must be a list of roles"});
    }
    std::vector<staff::role> roles;
    for (const auto& v : list->as_array()) {
        auto r = v.is_string() ? staff::parse_role(v.as_string()) : std::nullopt;
        if (!r) {
            return error_response(
                {errc::bad_request, "each role must be coordinator, supervisor or admin"});
        }
        if (!contains(roles, *r)) roles.push_back(*r);
    }
    auto now = clock_.now();
    store_.call([&](store::unit_of_work& work) {
        staff::set_roles_requiring_totp(work, roles);
        std::string value;
        for (auto r : roles) value += (value.empty() ? "" : ",") + std::string(staff::role_name(r));
        privacy::audit(work, now, actor, "totp_required_roles_set", value.empty() ? "none" : value);
    });
    return json_response(200,
                         json::serialize(json::object{{"totp_required_roles", roles_json(roles)}}));
}

// A handler of the route table, so a member although it needs nothing of the object.
response staff_api::me(const call& c) {  // NOLINT(readability-convert-member-functions-to-static)
    const auto& me_id = c.me();
    return json_response(200, json::serialize(json::object{{"user", user_json(me_id.who)},
                                                           {"csrf_token", me_id.csrf_token},
                                                           {"next_step", step_name(me_id.step)}}));
}

response staff_api::list_users(const call&) {
    auto members = store_.call([](store::unit_of_work& work) { return staff::list_members(work); });
    json::array list;
    for (const auto& m : members) list.push_back(user_json(m));
    return json_response(200, json::serialize(json::object{{"users", list}}));
}

response staff_api::add_user(const call& c) {
    auto actor = c.me().who.id;
    auto fields = body_texts(c.req, {"email", "name", "role", "password"});
    if (!fields) return error_response(fields.error());
    const std::string& email = (*fields)[0];
    const std::string& name = (*fields)[1];
    const std::string& password = (*fields)[3];
    auto r = staff::parse_role((*fields)[2]);
    if (!r) {
        return error_response({errc::bad_request, "role must be coordinator, supervisor or admin"});
    }
    if (auto valid = staff::validate_new_member(email, name, password); !valid) {
        return error_response(valid.error());
    }
    auto hash = staff::hash_password(password);
    auto now = clock_.now();
    auto added = store_.call([&](store::unit_of_work& work) {
        auto m = staff::add_member(work, email, name, *r, hash, now);
        if (m) privacy::audit(work, now, actor, "account_added", "staff " + std::to_string(m->id));
        return m;
    });
    if (!added) return error_response(added.error());
    spdlog::info("event=staff_account_added staff_id={}", added->id);
    return json_response(201, json::serialize(json::object{{"user", user_json(*added)}}));
}

response staff_api::disable_user(const call& c) {
    auto id = c.params.integer("id");
    auto actor = c.me().who.id;
    // Only administrators disable accounts; one who could disable themselves could leave the
    // service with none.
    if (id == actor) {
        return error_response({errc::conflict,
                               "you cannot disable your own account; ask another "
                               "administrator"});
    }
    auto now = clock_.now();
    auto found = store_.call([&](store::unit_of_work& work) -> std::optional<staff::member> {
        if (!staff::find_member(work, id)) return std::nullopt;
        work.staff().disable_member(id);
        privacy::audit(work, now, actor, "account_disabled", "staff " + std::to_string(id));
        return staff::find_member(work, id);
    });
    if (!found) return error_response({errc::not_found, "no such account"});
    hub_.disconnect_staff(id);
    spdlog::info("event=staff_account_disabled staff_id={}", id);
    return json_response(200, json::serialize(json::object{{"user", user_json(*found)}}));
}

response staff_api::reset_user_totp(const call& c) {
    auto id = c.params.integer("id");
    auto actor = c.me().who.id;
    auto now = clock_.now();
    auto found = store_.call([&](store::unit_of_work& work) -> std::optional<staff::member> {
        if (!staff::find_member(work, id)) return std::nullopt;
        auto& accounts = work.staff();
        accounts.reset_two_factor(id);
        // A lost phone may be a stolen one: its sessions end too.
        accounts.end_sessions_of(id, {});
        privacy::audit(work, now, actor, "totp_reset", "staff " + std::to_string(id));
        return staff::find_member(work, id);
    });
    if (!found) return error_response({errc::not_found, "no such account"});
    hub_.disconnect_staff(id);
    spdlog::info("event=staff_totp_reset staff_id={}", id);
    return json_response(200, json::serialize(json::object{{"user", user_json(*found)}}));
}

}  // namespace sc::http
