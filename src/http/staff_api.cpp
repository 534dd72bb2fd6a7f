#include "http/staff_api.hpp"

#include "core/log.hpp"
#include "core/random.hpp"
#include "privacy/audit.hpp"
#include "staff/sessions.hpp"

#include <boost/json.hpp>
#include <sodium.h>

#include <charconv>

namespace sc::http {

namespace json = boost::json;
using core::errc;

namespace {

int status_of(errc code) {
    switch (code) {
        case errc::bad_json:
        case errc::bad_request: return 400;
        case errc::unauthenticated: return 401;
        case errc::forbidden: return 403;
        case errc::not_found: return 404;
        case errc::conflict: return 409;
        case errc::rate_limited: return 429;
        case errc::unavailable: return 503;
        case errc::unknown_type:
        case errc::internal: return 500;
    }
    return 500;
}

json::object user_json(const staff::member& m) {
    return {{"id", m.id},
            {"email", m.email},
            {"name", m.name},
            {"role", staff::role_name(m.staff_role)},
            {"disabled", m.disabled}};
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

core::result<json::object> parse_body(const request& req) {
    boost::system::error_code ec;
    auto v = json::parse(req.body, ec);
    if (ec || !v.is_object()) {
        return core::fail(errc::bad_request, "the request body must be a JSON object");
    }
    return std::move(v.as_object());
}

core::result<std::string> body_string(const json::object& o, std::string_view field) {
    auto* v = o.if_contains(field);
    if (v == nullptr || !v->is_string()) {
        return core::fail(errc::bad_request, "field '" + std::string(field) + "' is required");
    }
    return std::string(v->as_string());
}

std::string session_cookie_header(const std::string& token) {
    return std::string(session_cookie) + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict";
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
                     chat::hub& hub, privacy_api& privacy)
    : store_(store),
      clock_(clock),
      hub_(hub),
      privacy_(privacy),
      csrf_key_(keys.derive("csrf token key")) {}

std::string staff_api::csrf_for(const std::string& session_token) const {
    unsigned char out[32];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(session_token.data()),
                       session_token.size(), csrf_key_.data(), privacy::secret_key::size);
    return core::to_hex({reinterpret_cast<const char*>(out), sizeof out});
}

core::result<staff_identity> staff_api::identify(const request& req, bool touch) {
    std::string token = cookie_value(req, session_cookie);
    if (token.empty()) return core::fail(errc::unauthenticated, "sign in first");
    auto now = clock_.now();
    auto who = store_.call(
        [&](store::database& db) { return staff::resume_session(db, token, now, touch); });
    if (!who) return core::fail(errc::unauthenticated, "your session has ended; sign in again");
    return staff_identity{*who, token, csrf_for(token)};
}

bool staff_api::hashes_password(std::string_view path) {
    return path == "/api/staff/login" || path == "/api/staff/users";
}

std::optional<response> staff_api::handle(const request& req, const std::string& expected_origin) {
    auto path = req.path();
    if (!path.starts_with("/api/staff/")) return std::nullopt;
    bool post = req.method == "POST";
    if (post) {
        // A cross-site form or script must not act with a coordinator's cookie.
        auto origin = req.header("origin");
        if (!origin.empty() && origin != expected_origin) {
            return error_response({errc::forbidden, "the request came from another site"});
        }
    }
    if (path == "/api/staff/login") {
        if (post) return login(req);
        auto r = error_response({errc::bad_request, "sign in with POST"});
        r.status = 405;
        r.set("Allow", "POST");
        return r;
    }
    auto me_or = identify(req);
    if (!me_or) return error_response(me_or.error());
    auto& me_id = *me_or;
    if (post && !core::equal_secrets(req.header("x-csrf-token"), me_id.csrf_token)) {
        return error_response({errc::forbidden, "the X-CSRF-Token header is missing or wrong"},
                              "csrf");
    }
    if (path == "/api/staff/logout" && post) return logout(me_id);
    if (path == "/api/staff/me" && req.method == "GET") return me(me_id);
    bool users = path == "/api/staff/users" || path.starts_with("/api/staff/users/");
    if (users && me_id.who.staff_role != staff::role::admin) {
        return error_response({errc::forbidden, "only administrators manage staff accounts"});
    }
    if (path == "/api/staff/users" && req.method == "GET") return list_users();
    if (path == "/api/staff/users" && post) return add_user(req, me_id.who.id);
    if (path.starts_with("/api/staff/users/") && path.ends_with("/disable") && post) {
        auto id_text = path.substr(17, path.size() - 17 - 8);
        std::int64_t id = 0;
        auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
        if (ec != std::errc{} || end != id_text.data() + id_text.size()) {
            return error_response({errc::not_found, "no such account"});
        }
        return disable_user(id, me_id.who.id);
    }
    if (auto r = privacy_.handle(req, me_id.who)) return std::move(*r);
    return error_response({errc::not_found, "no such API route"});
}

response staff_api::login(const request& req) {
    auto body = parse_body(req);
    if (!body) return error_response(body.error());
    auto email = body_string(*body, "email");
    if (!email) return error_response(email.error());
    auto password = body_string(*body, "password");
    if (!password) return error_response(password.error());
    std::string account = *email;
    for (auto& ch : account) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));

    auto now = clock_.now();
    if (auto wait = throttle_.locked_for(account, now)) {
        auto r = error_response({errc::rate_limited,
                                 "too many failed sign-ins for this account; try again in " +
                                     std::to_string(wait->count()) + " seconds"},
                                "throttled");
        r.set("Retry-After", std::to_string(wait->count()));
        return r;
    }
    auto creds = store_.call([&](store::database& db) { return staff::find_credentials(db, account); });
    // Verify against a dummy hash for unknown accounts so timing does not reveal which exist.
    static const std::string dummy = staff::hash_password("not a real password");
    bool ok = staff::verify_password(creds ? creds->second : dummy, *password) && creds;
    if (!ok) {
        throttle_.record_failure(account, now);
        spdlog::info("event=staff_sign_in_failed");
        return error_response({errc::unauthenticated, "the email or password is not right"},
                              "bad_credentials");
    }
    throttle_.record_success(account);
    auto who = creds->first;
    auto token = store_.call([&](store::database& db) {
        privacy::audit(db, now, who.id, "signed_in");
        return staff::create_session(db, who.id, now);
    });
    spdlog::info("event=staff_signed_in staff_id={}", who.id);
    auto r = json_response(
        200, json::serialize(json::object{{"user", user_json(who)}, {"csrf_token", csrf_for(token)}}));
    r.status = 200;
    r.set("Set-Cookie", session_cookie_header(token));
    return r;
}

response staff_api::logout(const staff_identity& me) {
    auto now = clock_.now();
    store_.call([&](store::database& db) {
        staff::end_session(db, me.session_token);
        privacy::audit(db, now, me.who.id, "signed_out");
    });
    hub_.disconnect_staff(me.who.id);
    spdlog::info("event=staff_signed_out staff_id={}", me.who.id);
    response r;
    r.status = 204;
    r.set("Set-Cookie", std::string(session_cookie) +
                            "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    return r;
}

response staff_api::me(const staff_identity& me) {
    return json_response(200, json::serialize(json::object{{"user", user_json(me.who)},
                                                           {"csrf_token", me.csrf_token}}));
}

response staff_api::list_users() {
    auto members = store_.call([](store::database& db) { return staff::list_members(db); });
    json::array list;
    for (const auto& m : members) list.push_back(user_json(m));
    return json_response(200, json::serialize(json::object{{"users", list}}));
}

response staff_api::add_user(const request& req, std::int64_t actor) {
    auto body = parse_body(req);
    if (!body) return error_response(body.error());
    auto email = body_string(*body, "email");
    auto name = body_string(*body, "name");
    auto role_text = body_string(*body, "role");
    auto password = body_string(*body, "password");
    for (auto* f : {&email, &name, &role_text, &password}) {
        if (!*f) return error_response(f->error());
    }
    auto r = staff::parse_role(*role_text);
    if (!r) {
        return error_response({errc::bad_request, "role must be coordinator, supervisor or admin"});
    }
    if (auto valid = staff::validate_new_member(*email, *name, *password); !valid) {
        return error_response(valid.error());
    }
    auto hash = staff::hash_password(*password);
    auto now = clock_.now();
    auto added = store_.call([&](store::database& db) {
        auto m = staff::add_member(db, *email, *name, *r, hash, now);
        if (m) privacy::audit(db, now, actor, "account_added", "staff " + std::to_string(m->id));
        return m;
    });
    if (!added) return error_response(added.error());
    spdlog::info("event=staff_account_added staff_id={}", added->id);
    return json_response(201, json::serialize(json::object{{"user", user_json(*added)}}));
}

response staff_api::disable_user(std::int64_t id, std::int64_t actor) {
    auto now = clock_.now();
    auto found = store_.call([&](store::database& db) -> std::optional<staff::member> {
        if (!staff::find_member(db, id)) return std::nullopt;
        staff::disable_member(db, id);
        privacy::audit(db, now, actor, "account_disabled", "staff " + std::to_string(id));
        return staff::find_member(db, id);
    });
    if (!found) return error_response({errc::not_found, "no such account"});
    hub_.disconnect_staff(id);
    spdlog::info("event=staff_account_disabled staff_id={}", id);
    return json_response(200, json::serialize(json::object{{"user", user_json(*found)}}));
}

}  // namespace sc::http
