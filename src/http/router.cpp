#include "http/router.hpp"

#include <charconv>

namespace sc::http {

namespace {

constexpr std::string_view content_security_policy =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

response html(int status, const std::string& body) {
    response r;
    r.status = status;
    r.set("Content-Type", "text/html; charset=utf-8");
    r.body = body;
    return r;
}

}  // namespace

router::router(const core::config& config, const core::clock& clock,
               const asset_catalog& assets, const pages& site, staff_api& api,
               store::worker& store, privacy::traffic_counter& traffic)
    : config_(config),
      clock_(clock),
      assets_(assets),
      site_(site),
      api_(api),
      store_(store),
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
    return req.method == "POST" && staff_api::hashes_password(req.path());
}

response router::handle(const request& req) {
    auto path = req.path();
    if (auto api = api_.handle(req, expected_origin(req))) return std::move(*api);
    if (req.method != "GET" && req.method != "HEAD") {
        response r = error_response({core::errc::bad_request, "method not allowed"});
        r.status = 405;
        r.set("Allow", "GET, HEAD");
        return r;
    }
    if (path == "/healthz") return health();
    if (path.starts_with("/assets/")) return asset(req);
    return page(req);
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
    if (path != "/staff") traffic_.record_view(counted, req.client_address, req.header("user-agent"));
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
        store_.call([](store::database& db) { db.exec("SELECT 1"); });
        return json_response(200, R"({"status":"ok"})");
    } catch (const std::exception&) {
        return json_response(503, R"({"status":"unavailable","detail":"the database does not answer"})");
    }
}

}  // namespace sc::http
