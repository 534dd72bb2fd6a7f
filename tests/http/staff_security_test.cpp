// Staff account security over the staff API: sign-in steps (TOTP code, forced password
// change, required enrolment), the throttle by address, the failed sign-ins report,
// password change, TOTP enrolment and reset, and sign-out of one session or all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "http/http_fixture.hpp"
#include "staff/sessions.hpp"
#include "staff/totp.hpp"
#include "staff/two_factor.hpp"
#include "store/sqlite/sql_job.hpp"
#include "store/staff.hpp"

namespace sc::http {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* new_password = "lantern moss drifts over slate";

/// A console connection the hub can close; records whether it did.
struct watched_link final : chat::link {
    void deliver(chat::frame_ptr) override {}
    void close(std::uint16_t, std::string) override { closed = true; }
    std::atomic<bool> closed = false;
};

class staff_security_test : public http_test {
  protected:
    response call(const signed_in& who, const std::string& method, const std::string& path,
                  json::object body = {}) {
        auto req = method == "GET" ? get(path) : post(path, json::serialize(body));
        return serve(as(who, std::move(req)));
    }
    static std::string step(const response& r) {
        auto v = body_json(r);
        return v.is_object() && v.as_object().contains("next_step")
                   ? std::string(v.at("next_step").as_string())
                   : std::string();
    }
    response login_from(const std::string& email, const std::string& password,
                        const std::string& address) {
        auto req = post("/api/staff/login",
                        json::serialize(json::object{{"email", email}, {"password", password}}));
        req.client_address = address;
        return serve(req);
    }
    /// Enrols a member's TOTP through the API and returns the manual key's raw secret.
    std::string enrol(const signed_in& who) {
        auto started = call(who, "POST", "/api/staff/totp/enrol");
        EXPECT_EQ(started.status, 200) << started.body;
        auto secret = decode_base32(std::string(body_json(started).at("secret").as_string()));
        auto done = call(who, "POST", "/api/staff/totp/confirm",
                         {{"code", staff::totp_code(secret, clock_.now())}});
        EXPECT_EQ(done.status, 200) << done.body;
        EXPECT_EQ(body_json(done).at("recovery_codes").as_array().size(), 10u);
        clock_.advance(30s);
        return secret;
    }
    static std::string decode_base32(const std::string& text) {
        static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        std::string out;
        unsigned buffer = 0;
        int bits = 0;
        for (char ch : text) {
            buffer = (buffer << 5) | static_cast<unsigned>(alphabet.find(ch));
            bits += 5;
            if (bits >= 8) {
                out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out;
    }
    std::vector<std::string> audit_actions() {
        return store_->call(test_support::sql_job([](store::database& db) {
            auto s = db.prepare("SELECT action || ' ' || subject FROM audit_log ORDER BY id");
            std::vector<std::string> out;
            while (s.step()) out.push_back(s.text(0));
            return out;
        }));
    }
    std::shared_ptr<watched_link> open_console(const signed_in& who, const staff::member& m) {
        auto token = who.cookie.substr(who.cookie.find('=') + 1);
        auto l = std::make_shared<watched_link>();
        hub_->staff_join(l, m, staff::session_id(token));
        return l;
    }
};

// ------------------------------------------------------------------ throttle

TEST_F(staff_security_test, failures_from_other_addresses_never_lock_the_owner_out) {
    for (int i = 2; i <= 6; ++i) {
        auto r = login_from("ana@example.org", "wrong password!", "127.0.0." + std::to_string(i));
        EXPECT_EQ(r.status, 401);
    }
    // From now on every address waits a moment before its attempt, and none is locked.
    for (int i = 7; i <= 9; ++i) {
        auto r = login_from("ana@example.org", "wrong password!", "127.0.0." + std::to_string(i));
        EXPECT_EQ(error_code(r), "slow_down");
    }
    auto first = login_from("ana@example.org", test_password, "127.0.0.1");
    ASSERT_EQ(first.status, 429);
    EXPECT_EQ(error_code(first), "slow_down");
    auto wait = std::stoi(std::string(first.header("Retry-After")));
    EXPECT_LE(wait, 5);
    clock_.advance(std::chrono::seconds(wait));
    EXPECT_EQ(login_from("ana@example.org", test_password, "127.0.0.1").status, 200);
}

TEST_F(staff_security_test, the_failing_address_itself_is_locked_for_that_account) {
    for (int i = 0; i < 5; ++i) login_from("ana@example.org", "wrong password!", "127.0.0.2");
    auto r = login_from("ana@example.org", test_password, "127.0.0.2");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(error_code(r), "throttled");
    EXPECT_EQ(r.header("Retry-After"), "60");
}

TEST_F(staff_security_test, one_address_spraying_many_accounts_is_refused) {
    int refused = 0;
    for (int i = 0; i < 25; ++i) {
        auto r =
            login_from("user" + std::to_string(i) + "@example.org", "Spring2026!", "127.0.0.5");
        if (r.status == 429) ++refused;
    }
    EXPECT_EQ(refused, 5);
    EXPECT_EQ(login_from("ana@example.org", test_password, "127.0.0.5").status, 429);
    EXPECT_EQ(login_from("ana@example.org", test_password, "127.0.0.6").status, 200);
}

TEST_F(staff_security_test, the_owner_hears_of_failed_attempts_at_the_next_sign_in) {
    for (int i = 2; i <= 4; ++i)
        login_from("ana@example.org", "wrong password!", "127.0.0." + std::to_string(i));
    auto r = login_from("ana@example.org", test_password, "127.0.0.1");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(body_json(r).at("failed_sign_ins").as_int64(), 3);
    EXPECT_THAT(audit_actions(), ::testing::Contains("failed_sign_ins_reported 3"));
    EXPECT_EQ(body_json(login_from("ana@example.org", test_password, "127.0.0.1"))
                  .at("failed_sign_ins")
                  .as_int64(),
              0);
}

TEST_F(staff_security_test, an_account_under_attack_is_audited_once_without_an_address) {
    for (int i = 2; i <= 12; ++i)
        login_from("ana@example.org", "wrong password!", "203.0.113." + std::to_string(i));
    auto actions = audit_actions();
    EXPECT_EQ(std::count(actions.begin(), actions.end(),
                         "sign_in_slowed staff " + std::to_string(coordinator_.id)),
              1);
    for (const auto& a : actions) EXPECT_THAT(a, ::testing::Not(HasSubstr("203.0.113")));
}

// --------------------------------------------------------- password change

TEST_F(staff_security_test, a_printed_password_must_be_changed_before_anything_else) {
    store_->call(
        [&](store::unit_of_work& work) { work.staff().require_password_change(admin_.id); });
    auto r = login_response("admin@example.org", test_password);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(step(r), "change_password");
    auto who = login("admin@example.org");
    auto users = call(who, "GET", "/api/staff/users");
    EXPECT_EQ(users.status, 403);
    EXPECT_EQ(error_code(users), "password_change_required");
    EXPECT_EQ(step(call(who, "GET", "/api/staff/me")), "change_password");
    EXPECT_FALSE(api_->identify(as(who, get("/ws/staff")))) << "no console before the change";

    auto weak = call(who, "POST", "/api/staff/password",
                     {{"current_password", test_password}, {"new_password", "password1234"}});
    EXPECT_EQ(weak.status, 400);
    EXPECT_EQ(error_code(weak), "weak_password");
    EXPECT_THAT(weak.body, HasSubstr("common words"));
    auto wrong = call(who, "POST", "/api/staff/password",
                      {{"current_password", "not it at all"}, {"new_password", new_password}});
    EXPECT_EQ(wrong.status, 401);
    auto ok = call(who, "POST", "/api/staff/password",
                   {{"current_password", test_password}, {"new_password", new_password}});
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(step(ok), "done");
    EXPECT_EQ(call(who, "GET", "/api/staff/users").status, 200);
    EXPECT_EQ(login_response("admin@example.org", test_password).status, 401);
    EXPECT_EQ(login_response("admin@example.org", new_password).status, 200);
    EXPECT_THAT(audit_actions(), ::testing::Contains("password_changed "));
}

TEST_F(staff_security_test, changing_the_password_signs_out_the_other_sessions) {
    auto here = login("ana@example.org");
    auto there = login("ana@example.org");
    auto there_console = open_console(there, coordinator_);
    auto ok = call(here, "POST", "/api/staff/password",
                   {{"current_password", test_password}, {"new_password", new_password}});
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(call(here, "GET", "/api/staff/me").status, 200);
    EXPECT_EQ(call(there, "GET", "/api/staff/me").status, 401);
    EXPECT_TRUE(there_console->closed);
}

TEST_F(staff_security_test, a_new_password_must_differ_and_be_well_formed) {
    auto who = login("ana@example.org");
    EXPECT_EQ(call(who, "POST", "/api/staff/password",
                   {{"current_password", test_password}, {"new_password", test_password}})
                  .status,
              400);
    EXPECT_EQ(
        call(who, "POST", "/api/staff/password", {{"current_password", test_password}}).status,
        400);
    EXPECT_EQ(serve(post("/api/staff/password", "{}")).status, 401);
}

// ------------------------------------------------------------------- TOTP

TEST_F(staff_security_test,
       enrolment_gives_a_qr_code_and_manual_key_and_sign_in_then_needs_a_code) {
    auto who = login("ana@example.org");
    auto started = call(who, "POST", "/api/staff/totp/enrol");
    ASSERT_EQ(started.status, 200);
    auto b = body_json(started).as_object();
    EXPECT_EQ(b.at("secret").as_string().size(), 32u);
    EXPECT_THAT(std::string(b.at("uri").as_string()), HasSubstr("otpauth://totp/"));
    auto size = b.at("qr").at("size").as_int64();
    EXPECT_EQ(b.at("qr").at("modules").as_string().size(), static_cast<std::size_t>(size * size));
    call(who, "POST", "/api/staff/logout");

    auto again = login("ana@example.org");
    EXPECT_EQ(step(call(again, "GET", "/api/staff/me")), "done") << "not enrolled until confirmed";
    auto secret = enrol(again);
    EXPECT_EQ(call(again, "GET", "/api/staff/totp").body,
              R"({"enrolled":true,"required":false,"recovery_codes_left":10})");
    call(again, "POST", "/api/staff/logout");

    auto r = login_response("ana@example.org", test_password);
    EXPECT_EQ(step(r), "totp_code");
    EXPECT_FALSE(body_json(r).as_object().contains("failed_sign_ins"));
    auto pending = login("ana@example.org");
    auto refused = call(pending, "GET", "/api/staff/users");
    EXPECT_EQ(error_code(refused), "totp_code_required");
    EXPECT_EQ(
        error_code(call(pending, "POST", "/api/staff/password",
                        {{"current_password", test_password}, {"new_password", new_password}})),
        "totp_code_required");
    EXPECT_FALSE(api_->identify(as(pending, get("/ws/staff"))));

    auto code = staff::totp_code(secret, clock_.now());
    auto bad = call(pending, "POST", "/api/staff/login/totp",
                    {{"code", code == "123456" ? "654321" : "123456"}});
    EXPECT_EQ(bad.status, 401);
    EXPECT_EQ(error_code(bad), "bad_code");
    auto good = call(pending, "POST", "/api/staff/login/totp", {{"code", code}});
    ASSERT_EQ(good.status, 200) << good.body;
    EXPECT_EQ(step(good), "done");
    EXPECT_EQ(body_json(good).at("failed_sign_ins").as_int64(), 1) << "the wrong code counts";
    EXPECT_TRUE(api_->identify(as(pending, get("/ws/staff"))));
    EXPECT_EQ(error_code(call(pending, "POST", "/api/staff/login/totp", {{"code", code}})),
              "conflict");

    // The same code does not open a second session.
    auto other = login("ana@example.org");
    EXPECT_EQ(call(other, "POST", "/api/staff/login/totp", {{"code", code}}).status, 401);
}

TEST_F(staff_security_test, a_recovery_code_signs_in_once_and_is_audited) {
    auto who = login("ana@example.org");
    auto started = call(who, "POST", "/api/staff/totp/enrol");
    auto secret = decode_base32(std::string(body_json(started).at("secret").as_string()));
    auto done = call(who, "POST", "/api/staff/totp/confirm",
                     {{"code", staff::totp_code(secret, clock_.now())}});
    auto recovery = std::string(body_json(done).at("recovery_codes").as_array()[0].as_string());
    auto pending = login("ana@example.org");
    EXPECT_EQ(call(pending, "POST", "/api/staff/login/totp", {{"code", recovery}}).status, 200);
    auto next = login("ana@example.org");
    EXPECT_EQ(call(next, "POST", "/api/staff/login/totp", {{"code", recovery}}).status, 401);
    EXPECT_THAT(audit_actions(), ::testing::Contains("recovery_code_used "));
}

TEST_F(staff_security_test, wrong_codes_are_throttled_like_wrong_passwords) {
    auto who = login("ana@example.org");
    enrol(who);
    auto pending = login("ana@example.org");
    int throttled = 0;
    for (int i = 0; i < 8; ++i) {
        auto r = call(pending, "POST", "/api/staff/login/totp", {{"code", "000000"}});
        if (r.status == 429) ++throttled;
    }
    EXPECT_GE(throttled, 3);
}

TEST_F(staff_security_test, a_role_that_requires_totp_sends_members_to_enrolment_first) {
    auto admin = login("admin@example.org");
    auto bad =
        call(admin, "POST", "/api/staff/security", {{"totp_required_roles", json::array{"root"}}});
    EXPECT_EQ(bad.status, 400);
    auto set = call(admin, "POST", "/api/staff/security",
                    {{"totp_required_roles", json::array{"coordinator"}}});
    ASSERT_EQ(set.status, 200) << set.body;
    EXPECT_EQ(call(admin, "GET", "/api/staff/security").body,
              R"({"totp_required_roles":["coordinator"]})");
    EXPECT_THAT(audit_actions(), ::testing::Contains("totp_required_roles_set coordinator"));

    auto ana = login("ana@example.org");
    EXPECT_EQ(step(call(ana, "GET", "/api/staff/me")), "enrol_totp");
    EXPECT_EQ(error_code(call(ana, "GET", "/api/staff/audit")), "totp_enrolment_required");
    EXPECT_FALSE(api_->identify(as(ana, get("/ws/staff"))));
    EXPECT_EQ(body_json(call(ana, "GET", "/api/staff/totp")).at("required").as_bool(), true);
    enrol(ana);
    EXPECT_EQ(step(call(ana, "GET", "/api/staff/me")), "done");
    EXPECT_TRUE(api_->identify(as(ana, get("/ws/staff"))));
    EXPECT_EQ(
        call(ana, "POST", "/api/staff/security", {{"totp_required_roles", json::array{}}}).status,
        403);
}

TEST_F(staff_security_test, an_admin_resets_a_members_totp_audited_and_signs_them_out) {
    auto ana = login("ana@example.org");
    enrol(ana);
    auto console = open_console(ana, coordinator_);
    auto admin = login("admin@example.org");
    auto path = "/api/staff/users/" + std::to_string(coordinator_.id) + "/totp-reset";
    EXPECT_EQ(call(ana, "POST", path).status, 403);
    auto r = call(admin, "POST", path);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(body_json(r).at("user").at("totp_enrolled").as_bool(), false);
    EXPECT_EQ(call(ana, "GET", "/api/staff/me").status, 401);
    EXPECT_TRUE(console->closed);
    EXPECT_THAT(audit_actions(),
                ::testing::Contains("totp_reset staff " + std::to_string(coordinator_.id)));
    EXPECT_EQ(step(login_response("ana@example.org", test_password)), "done");
    EXPECT_EQ(call(admin, "POST", "/api/staff/users/999/totp-reset").status, 404);
    EXPECT_EQ(call(admin, "POST", "/api/staff/users/abc/totp-reset").status, 404);
}

// ---------------------------------------------------------------- sign-out

TEST_F(staff_security_test, logout_ends_only_its_own_session_and_its_consoles) {
    auto one = login("ana@example.org");
    auto two = login("ana@example.org");
    auto console_one = open_console(one, coordinator_);
    auto console_two = open_console(two, coordinator_);
    EXPECT_EQ(call(one, "POST", "/api/staff/logout").status, 204);
    EXPECT_EQ(call(one, "GET", "/api/staff/me").status, 401);
    EXPECT_EQ(call(two, "GET", "/api/staff/me").status, 200);
    EXPECT_TRUE(console_one->closed);
    EXPECT_FALSE(console_two->closed);
}

TEST_F(staff_security_test, sign_out_everywhere_ends_every_session_and_console) {
    auto one = login("ana@example.org");
    auto two = login("ana@example.org");
    auto admin = login("admin@example.org");
    auto console_one = open_console(one, coordinator_);
    auto console_two = open_console(two, coordinator_);
    auto r = call(one, "POST", "/api/staff/logout-everywhere");
    EXPECT_EQ(r.status, 204);
    EXPECT_THAT(header_values(r, "Set-Cookie")[0], HasSubstr("Max-Age=0"));
    EXPECT_EQ(call(one, "GET", "/api/staff/me").status, 401);
    EXPECT_EQ(call(two, "GET", "/api/staff/me").status, 401);
    EXPECT_EQ(call(admin, "GET", "/api/staff/me").status, 200);
    EXPECT_TRUE(console_one->closed);
    EXPECT_TRUE(console_two->closed);
    EXPECT_THAT(audit_actions(), ::testing::Contains("signed_out_everywhere 2"));
}

TEST_F(staff_security_test, sign_out_everywhere_needs_the_csrf_token) {
    auto one = login("ana@example.org");
    auto req = as(one, post("/api/staff/logout-everywhere", "{}"));
    req.headers.erase("x-csrf-token");
    EXPECT_EQ(serve(req).status, 403);
    EXPECT_EQ(call(one, "GET", "/api/staff/me").status, 200);
}

}  // namespace
}  // namespace sc::http
