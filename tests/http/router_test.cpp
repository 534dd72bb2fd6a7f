// Every plain HTTP answer: public pages, assets, health, 404 and 405, and the headers that
// keep a visitor's browser from leaking or keeping anything.
#include "http/router.hpp"

#include "http/http_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

namespace sc::http {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> public_pages{"/",        "/safety", "/privacy",
                                            "/contact", "/chat",   "/staff"};

void expect_security_headers(const response& r, const std::string& what) {
    auto csp = header_values(r, "Content-Security-Policy");
    ASSERT_EQ(csp.size(), 1u) << what;
    for (auto directive :
         {"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"}) {
        EXPECT_THAT(csp[0], HasSubstr(directive)) << what;
    }
    EXPECT_EQ(header_values(r, "X-Content-Type-Options"), std::vector<std::string>{"nosniff"})
        << what;
    EXPECT_EQ(header_values(r, "Referrer-Policy"), std::vector<std::string>{"no-referrer"}) << what;
}

void expect_no_cookie(const response& r, const std::string& what) {
    EXPECT_TRUE(header_values(r, "Set-Cookie").empty()) << what << " set a cookie";
}

void expect_not_stored(const response& r, const std::string& what) {
    EXPECT_EQ(header_values(r, "Cache-Control"), std::vector<std::string>{"no-store"}) << what;
}

using router_test = http_test;

TEST_F(router_test, every_public_page_answers_200_html) {
    for (const auto& path : public_pages) {
        auto r = serve(get(path));
        EXPECT_EQ(r.status, 200) << path;
        EXPECT_THAT(std::string(r.header("Content-Type")), HasSubstr("text/html")) << path;
        EXPECT_THAT(r.body, HasSubstr("<!doctype html>")) << path;
    }
}

TEST_F(router_test, every_public_page_carries_the_security_headers) {
    for (const auto& path : public_pages) expect_security_headers(serve(get(path)), path);
}

TEST_F(router_test, every_public_page_is_marked_no_store) {
    for (const auto& path : public_pages) expect_not_stored(serve(get(path)), path);
}

TEST_F(router_test, no_public_page_sets_a_cookie) {
    for (const auto& path : public_pages) {
        expect_no_cookie(serve(get(path)), path);
        expect_no_cookie(serve(get(path, {{"cookie", "__Host-sc_session=abc"}})), path);
    }
}

TEST_F(router_test, head_answers_like_get) {
    auto req = get("/chat");
    req.method = "HEAD";
    auto r = serve(req);
    EXPECT_EQ(r.status, 200);
    expect_security_headers(r, "HEAD /chat");
    expect_no_cookie(r, "HEAD /chat");
}

TEST_F(router_test, query_strings_do_not_change_the_page) {
    auto r = serve(get("/chat?utm_source=x"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, serve(get("/chat")).body);
}

TEST_F(router_test, no_strict_transport_security_unless_served_over_tls) {
    EXPECT_TRUE(header_values(serve(get("/")), "Strict-Transport-Security").empty());
}

TEST_F(router_test, strict_transport_security_when_served_over_tls) {
    core::config tls = config_;
    tls.tls_upstream = true;
    router behind_tls(tls, clock_, *assets_, *pages_, *api_, *privacy_api_, *store_, traffic_);
    auto r = behind_tls.handle(get("/"));
    behind_tls.finish(r);
    auto hsts = header_values(r, "Strict-Transport-Security");
    ASSERT_EQ(hsts.size(), 1u);
    EXPECT_THAT(hsts[0], HasSubstr("max-age="));
}

TEST_F(router_test, unknown_path_answers_404_with_a_page) {
    auto r = serve(get("/no-such-page"));
    EXPECT_EQ(r.status, 404);
    EXPECT_THAT(r.body, HasSubstr("Page not found"));
    EXPECT_THAT(std::string(r.header("Content-Type")), HasSubstr("text/html"));
    expect_security_headers(r, "404");
    expect_not_stored(r, "404");
    expect_no_cookie(r, "404");
}

TEST_F(router_test, post_to_a_page_answers_405) {
    auto r = serve(post("/chat", "x=1"));
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), "GET, HEAD");
    expect_security_headers(r, "405");
    expect_no_cookie(r, "405");
}

TEST_F(router_test, other_methods_answer_405) {
    for (auto method : {"PUT", "DELETE", "PATCH"}) {
        auto req = get("/");
        req.method = method;
        EXPECT_EQ(serve(req).status, 405) << method;
    }
}

TEST_F(router_test, health_answers_ok_while_the_database_answers) {
    auto r = serve(get("/healthz"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(body_json(r), boost::json::parse(R"({"status":"ok"})"));
    expect_not_stored(r, "/healthz");
    expect_no_cookie(r, "/healthz");
}

TEST_F(router_test, health_answers_503_when_the_store_is_gone) {
    store_->stop();
    EXPECT_EQ(serve(get("/healthz")).status, 503);
}

// ---------------------------------------------------------------- assets

class asset_test : public http_test {
  protected:
    void SetUp() override {
        http_test::SetUp();
        url_ = assets_->url_of("visitor.js");
        ASSERT_FALSE(url_.empty()) << "visitor.js is not built in";
    }
    std::string url_;
};

TEST_F(asset_test, urls_carry_a_content_hash) {
    EXPECT_TRUE(std::regex_match(url_, std::regex(R"(/assets/visitor\.[0-9a-f]{10}\.js)"))) << url_;
    for (auto name : {"site.js", "site.css", "staff.js", "staff.css"}) {
        EXPECT_FALSE(assets_->url_of(name).empty()) << name;
    }
    EXPECT_EQ(assets_->url_of("absent.js"), "");
}

TEST_F(asset_test, asset_is_served_with_immutable_caching_and_an_etag) {
    auto r = serve(get(url_));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(header_values(r, "Cache-Control"),
              std::vector<std::string>{"public, max-age=31536000, immutable"});
    EXPECT_FALSE(r.header("ETag").empty());
    EXPECT_THAT(std::string(r.header("Content-Type")), HasSubstr("javascript"));
    EXPECT_FALSE(r.body.empty());
    EXPECT_TRUE(header_values(r, "Content-Encoding").empty());
    expect_security_headers(r, url_);
    expect_no_cookie(r, url_);
}

TEST_F(asset_test, asset_is_served_gzip_when_the_client_accepts_it) {
    auto plain = serve(get(url_));
    auto r = serve(get(url_, {{"accept-encoding", "gzip, deflate, br"}}));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Encoding"), "gzip");
    ASSERT_GE(r.body.size(), 2u);
    EXPECT_EQ(r.body.substr(0, 2), "\x1f\x8b");
    EXPECT_LT(r.body.size(), plain.body.size());
    EXPECT_EQ(r.header("ETag"), plain.header("ETag"));
    EXPECT_THAT(std::string(r.header("Vary")), HasSubstr("Accept-Encoding"));
}

TEST_F(asset_test, matching_if_none_match_answers_304_without_a_body) {
    auto etag = std::string(serve(get(url_)).header("ETag"));
    auto r = serve(get(url_, {{"if-none-match", etag}}));
    EXPECT_EQ(r.status, 304);
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(r.header("ETag"), etag);
}

TEST_F(asset_test, other_if_none_match_answers_200) {
    EXPECT_EQ(serve(get(url_, {{"if-none-match", "\"0000000000\""}})).status, 200);
}

TEST_F(asset_test, unknown_or_stale_asset_answers_404) {
    EXPECT_EQ(serve(get("/assets/visitor.0000000000.js")).status, 404);
    EXPECT_EQ(serve(get("/assets/visitor.js")).status, 404);
}

TEST_F(asset_test, pages_load_scripts_and_styles_only_from_our_assets) {
    std::regex resource(R"re(<(?:script|link)[^>]*(?:src|href)="([^"]*)")re");
    for (const auto& path : public_pages) {
        auto body = serve(get(path)).body;
        int found = 0;
        for (std::sregex_iterator it(body.begin(), body.end(), resource), end; it != end; ++it) {
            ++found;
            auto url = (*it)[1].str();
            EXPECT_TRUE(url.starts_with("/assets/")) << path << " loads " << url;
            EXPECT_EQ(serve(get(url)).status, 200) << path << " loads missing " << url;
        }
        EXPECT_GT(found, 0) << path;
    }
}

TEST_F(asset_test, the_chat_page_loads_the_visitor_bundle) {
    EXPECT_THAT(serve(get("/chat")).body, HasSubstr(url_));
}

}  // namespace
}  // namespace sc::http
