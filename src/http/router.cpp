#include "http/router.hpp"

#include <charconv>

namespace sc::http {

namespace {

constexpr std::string_view content_security_policy =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

constexpr std::string_view staff_prefix = "/api/staff/";

/// The route for a method and path, with its parameters, and the methods the path
/// answers otherwise (for 405).
struct route_match {
    const route* found = nullptr;
    path_params params;
    std::string allow;
    bool public_path = false;  // the path is a public route's, for another method
};

route_match match(std::optional<verb> method, std::string_view path) {
    route_match m;
    for (const auto& r : routes()) {
        auto params = r.path.match(path);
        if (!params) continue;
        if (method == r.method) {
            m.found = &r;
            m.params = std::move(*params);
            return m;
        }
        m.allow += (m.allow.empty() ? "" : ", ") + std::string(verb_name(r.method));
        m.public_path = !r.needs;
    }
    return m;
}

std::optional<verb> verb_of(std::string_view method) {
    if (method == "GET") return verb::get;
    if (method == "POST") return verb::post;
    return std::nullopt;
}

response method_not_allowed(const std::string& allow) {
    response r = error_response({core::errc::bad_request, "method not allowed"});
    r.status = 405;
    r.set("Allow", allow);
    return r;
}

/// The answer to a session that owes a step and asks for something else.
response step_required(sign_in_step step) {
    using core::errc;
    switch (step) {
        case sign_in_step::totp_code:
            return error_response(
                {errc::forbidden, "enter the code from your authenticator app first"},
                "totp_code_required");
        case sign_in_step::change_password:
            return error_response({errc::forbidden, "choose a new password first"},
                                  "password_change_required");
        case sign_in_step::enrol_totp:
            return error_response(
                {errc::forbidden,
                 "your role signs in with a TOTP code: set up an authenticator app first"},
                "totp_enrolment_required");
        case sign_in_step::done:
            break;
    }
    return error_response({errc::internal, "no step is owed"});
}

/// A route the session may not use at the step it is at.
response wrong_step(const route& r, sign_in_step step) {
    if (!r.steps.contains(sign_in_step::done)) {
        // A route for one step only (the TOTP code), and the session does not owe it.
        return error_response({core::errc::conflict, "this session does not wait for a code"});
    }
    return step_required(step);
}

response html(int status, const std::string& body) {
    response r;
    r.status = status;
    r.set("Content-Type", "text/html; charset=utf-8");
    r.body = body;
    return r;
}

}  // namespace

router::router(const core::config& config, const core::clock& clock, const asset_catalog& assets,
               const pages& site, staff_api& api, privacy_api& privacy, store::worker& store,
               privacy::traffic_counter& traffic)
    : config_(config),
      clock_(clock),
      assets_(assets),
      site_(site),
      api_(api),
      store_(store),
      services_{*this, api, privacy},
      traffic_(traffic) {}

std::string router::expected_origin(const request& req) const {
    if (!config_.public_origin.empty()) return config_.public_origin;
    return std::string(config_.tls_upstream ? "https://" : "http://") +
           std::string(req.header("host"));
}

std::vector<std::pair<std::string, std::string>> router::security_headers() const {
    std::vector<std::pair<std::string, std::string>> h{
        {"Content-Security-Policy", std::string(content_security_policy)},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
        {"Cross-Origin-Opener-Policy", "same-origin"},
        {"Cross-Origin-Resource-Policy", "same-origin"},
        {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
    };
    if (config_.tls_upstream) {
        h.emplace_back("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }
    return h;
}

void router::finish(response& r) const {
    for (auto& [name, value] : security_headers()) r.set(std::move(name), std::move(value));
    if (!r.cacheable) r.set("Cache-Control", "no-store");
}

bool router::hashes_password(const request& req) {
    auto m = match(verb_of(req.method), req.path());
    return m.found != nullptr && m.found->hashes_password;
}

response router::handle(const request& req) {
    auto path = req.path();
    if (path.starts_with(staff_prefix)) return staff_route(req);
    if (req.method != "GET" && req.method != "HEAD") return method_not_allowed("GET, HEAD");
    auto m = match(verb::get, path);
    if (m.found) return m.found->handle(services_, {req, m.params, nullptr});
    // Unknown paths are pages too: a 404 page, counted as one.
    return path.starts_with("/assets/") ? asset(req) : page(req);
}

response router::staff_route(const request& req) {
    using core::errc;
    bool post = req.method == "POST";
    // A cross-site form or script must not act with a coordinator's cookie.
    if (auto origin = req.header("origin");
        post && !origin.empty() && origin != expected_origin(req)) {
        return error_response({errc::forbidden, "the request came from another site"});
    }
    auto m = match(verb_of(req.method), req.path());
    if (m.found && !m.found->needs) return m.found->handle(services_, {req, m.params, nullptr});
    if (!m.found && m.public_path) return method_not_allowed(m.allow);

    auto me = api_.identify_session(req, true);
    if (!me) return error_response(me.error());
    if (post && !staff_api::csrf_ok(req, *me)) {
        return error_response({errc::forbidden, "the X-CSRF-Token header is missing or wrong"},
                              "csrf");
    }
    if (!m.found) {
        // A session that owes a step hears of it whatever it asks for.
        if (me->step != sign_in_step::done) return step_required(me->step);
        if (!m.allow.empty()) return method_not_allowed(m.allow);
        return error_response({errc::not_found, "no such API route"});
    }
    const auto& r = *m.found;
    if (!r.steps.contains(me->step)) return wrong_step(r, me->step);
    if (!staff::allows(staff::actor_of(me->who), *r.needs)) {
        return error_response({errc::forbidden, std::string(staff::refusal(*r.needs))});
    }
    return r.handle(services_, {req, m.params, &*me});
}

response router::page(const request& req) {
    auto path = req.path();
    auto now = clock_.now();
    response r;
    std::string counted(path);
    constexpr std::string_view versions = "/privacy/versions/";
    if (const auto* fixed = site_.find(path)) {
        r = html(200, *fixed);
    } else if (path == "/privacy") {
        r = html(200, site_.privacy(now));
    } else if (path == "/privacy/versions") {
        r = html(200, site_.privacy_archive(now));
    } else if (path.starts_with(versions)) {
        std::int64_t n = 0;
        auto digits = path.substr(versions.size());
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        auto text = ec == std::errc{} && end == digits.data() + digits.size()
                        ? site_.privacy_version(n, now)
                        : std::nullopt;
        r = text ? html(200, *text) : html(404, site_.not_found());
        counted = "/privacy/versions";
    } else {
        r = html(404, site_.not_found());
        // Never store a path a visitor made up: every unknown page counts as one.
        counted = "(not found)";
    }
    if (path != "/staff")
        traffic_.record_view(counted, req.client_address, req.header("user-agent"));
    return r;
}

response router::asset(const request& req) {
    const auto* a = assets_.by_url(req.path());
    if (a == nullptr) return html(404, site_.not_found());
    response r;
    r.cacheable = true;
    r.set("Cache-Control", "public, max-age=31536000, immutable");
    r.set("ETag", a->etag);
    r.set("Vary", "Accept-Encoding");
    if (req.header("if-none-match") == a->etag) {
        r.status = 304;
        return r;
    }
    r.set("Content-Type", a->content_type);
    if (!a->gzip_body.empty() && req.header("accept-encoding").find("gzip") != std::string::npos) {
        r.set("Content-Encoding", "gzip");
        r.body = std::string(a->gzip_body);
    } else {
        r.body = std::string(a->body);
    }
    return r;
}

response router::health() {
    try {
        // An empty job still opens and commits the writer's transaction.
        store_.call([](store::unit_of_work&) {});
        return json_response(200, R"({"status":"ok"})");
    } catch (const std::exception&) {
        return json_response(503,
                             R"({"status":"unavailable","detail":"the database does not answer"})");
    }
}

}  // namespace sc::http
