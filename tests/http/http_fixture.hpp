// Test support for the HTTP handlers: the router with its real collaborators (pages, assets,
// staff API, hub, store on a temporary database, keyring, manual clock), driven with plain
// request values the way the transport drives it: handle(), then finish().
#pragma once

#include "chat/hub.hpp"
#include "core/temp_dir.hpp"
#include "http/privacy_api.hpp"
#include "http/router.hpp"
#include "privacy/policy.hpp"
#include "privacy/retention.hpp"
#include "privacy/traffic.hpp"
#include "staff/accounts.hpp"
#include "store/sqlite/worker.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sc::http {

inline constexpr const char* test_host = "chat.example.org";
inline constexpr const char* test_origin = "http://chat.example.org";
inline constexpr const char* test_password = "correct horse battery staple";

/// Every value of a header, compared without regard to case.
inline std::vector<std::string> header_values(const response& r, std::string_view name) {
    auto lower = [](std::string_view s) {
        std::string out(s);
        std::transform(out.begin(), out.end(), out.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return out;
    };
    std::vector<std::string> out;
    for (const auto& [k, v] : r.headers) {
        if (lower(k) == lower(name)) out.push_back(v);
    }
    return out;
}

inline boost::json::value body_json(const response& r) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    EXPECT_FALSE(ec) << "not JSON: " << r.body;
    return v;
}

/// The stable error code of a JSON error response.
inline std::string error_code(const response& r) {
    auto v = body_json(r);
    if (!v.is_object() || !v.as_object().contains("error")) return "(no error object)";
    return std::string(v.at("error").at("code").as_string());
}

struct signed_in {
    std::string cookie;  // "__Host-sc_session=..."
    std::string csrf_token;
};

class http_test : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ASSERT_GE(sodium_init(), 0);
        if (password_hash_.empty()) password_hash_ = staff::hash_password(test_password);
    }

    void SetUp() override {
        keys_ = std::make_unique<privacy::keyring>(dir_ / "master.key");
        store_ = std::make_unique<store::sqlite_worker>(dir_ / "http.db", dir_ / "keys.db");
        admin_ = add_staff("admin@example.org", "Alex", staff::role::admin);
        coordinator_ = add_staff("ana@example.org", "Ana", staff::role::coordinator);
        assets_ = std::make_unique<asset_catalog>();
        policy_.load(*store_, initial_privacy_policy(*assets_, config_), retention_.hours(),
                     clock_.now());
        hub_ = std::make_unique<chat::hub>(*store_, *keys_, policy_, clock_, chat::hub_settings{});
        hub_->load();
        privacy_api_ =
            std::make_unique<privacy_api>(*store_, *keys_, policy_, retention_, clock_, *hub_);
        api_ = std::make_unique<staff_api>(*store_, *keys_, clock_, *hub_);
        pages_ = std::make_unique<pages>(*assets_, config_, policy_);
        router_ = std::make_unique<router>(config_, clock_, *assets_, *pages_, *api_, *privacy_api_,
                                           *store_, traffic_);
    }

    void TearDown() override {
        if (store_) store_->stop();
    }

    staff::member add_staff(const std::string& email, const std::string& name, staff::role r) {
        return store_->call([&](store::unit_of_work& work) {
            return *staff::add_member(work, email, name, r, password_hash_, clock_.now());
        });
    }

    /// What the transport would send back.
    response serve(const request& req) {
        auto r = router_->handle(req);
        router_->finish(r);
        return r;
    }

    static request get(std::string target,
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
        request req;
        req.method = "GET";
        req.target = std::move(target);
        req.headers["host"] = test_host;
        for (auto& [k, v] : headers) req.headers[k] = v;
        return req;
    }

    static request post(std::string target, std::string body = {},
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
        auto req = get(std::move(target), std::move(headers));
        req.method = "POST";
        req.body = std::move(body);
        if (!req.headers.contains("origin")) req.headers["origin"] = test_origin;
        return req;
    }

    response login_response(const std::string& email, const std::string& password) {
        boost::json::object body{{"email", email}, {"password", password}};
        return serve(post("/api/staff/login", boost::json::serialize(body)));
    }

    signed_in login(const std::string& email, const std::string& password = test_password) {
        auto r = login_response(email, password);
        EXPECT_EQ(r.status, 200) << r.body;
        signed_in out;
        auto cookies = header_values(r, "Set-Cookie");
        if (!cookies.empty()) out.cookie = cookies[0].substr(0, cookies[0].find(';'));
        auto v = body_json(r);
        if (v.is_object() && v.as_object().contains("csrf_token")) {
            out.csrf_token = std::string(v.at("csrf_token").as_string());
        }
        return out;
    }

    /// A request carrying a session's cookie and, for POST, its CSRF token.
    static request as(const signed_in& who, request req) {
        req.headers["cookie"] = who.cookie;
        if (req.method == "POST") req.headers["x-csrf-token"] = who.csrf_token;
        return req;
    }

    static inline std::string password_hash_;

    test_support::temp_dir dir_;
    core::manual_clock clock_;
    core::config config_;
    std::unique_ptr<privacy::keyring> keys_;
    std::unique_ptr<store::worker> store_;
    privacy::policy_registry policy_;
    privacy::retention_setting retention_{72};
    privacy::traffic_counter traffic_{clock_};
    std::unique_ptr<asset_catalog> assets_;
    std::unique_ptr<chat::hub> hub_;
    std::unique_ptr<privacy_api> privacy_api_;
    std::unique_ptr<staff_api> api_;
    std::unique_ptr<pages> pages_;
    std::unique_ptr<router> router_;
    staff::member admin_;
    staff::member coordinator_;
};

}  // namespace sc::http
