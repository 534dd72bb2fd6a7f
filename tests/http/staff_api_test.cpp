// The staff JSON API: sign-in and its cookie, throttling, CSRF and origin checks, roles,
// account management and sign-out.
#include "http/staff_api.hpp"
#include "store/sqlite/sql_job.hpp"

#include "core/random.hpp"
#include "http/http_fixture.hpp"
#include "store/staff.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sc::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

class staff_api_test : public http_test {
  protected:
    response me(const signed_in& who) { return serve(as(who, get("/api/staff/me"))); }

    std::string new_user_body(const std::string& email, const std::string& role = "coordinator",
                              const std::string& password = test_password) {
        return boost::json::serialize(boost::json::object{
            {"email", email}, {"name", "New Person"}, {"role", role}, {"password", password}});
    }

    std::int64_t member_count() {
        return store_->call([](store::unit_of_work& work) { return work.staff().count_members(); });
    }
};

// ---------------------------------------------------------------- sign-in

TEST_F(staff_api_test, login_answers_the_user_and_a_csrf_token) {
    auto r = login_response("admin@example.org", test_password);
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = body_json(r);
    EXPECT_EQ(body.at("user").at("email"), "admin@example.org");
    EXPECT_EQ(body.at("user").at("name"), "Alex");
    EXPECT_EQ(body.at("user").at("role"), "admin");
    EXPECT_EQ(body.at("user").at("disabled"), false);
    EXPECT_TRUE(core::is_hex(std::string(body.at("csrf_token").as_string()), 64));
}

TEST_F(staff_api_test, login_sets_a_host_only_secure_http_only_strict_cookie) {
    auto r = login_response("admin@example.org", test_password);
    auto cookies = header_values(r, "Set-Cookie");
    ASSERT_EQ(cookies.size(), 1u);
    const auto& cookie = cookies[0];
    ASSERT_TRUE(cookie.starts_with("__Host-sc_session=")) << cookie;
    auto token = cookie.substr(18, cookie.find(';') - 18);
    EXPECT_TRUE(core::is_hex(token, 64)) << cookie;
    EXPECT_THAT(cookie, HasSubstr("; Path=/"));
    EXPECT_THAT(cookie, HasSubstr("; Secure"));
    EXPECT_THAT(cookie, HasSubstr("; HttpOnly"));
    EXPECT_THAT(cookie, HasSubstr("; SameSite=Strict"));
    EXPECT_THAT(cookie, Not(HasSubstr("Domain")));
}

TEST_F(staff_api_test, login_response_is_not_stored_by_caches) {
    auto r = login_response("admin@example.org", test_password);
    EXPECT_EQ(header_values(r, "Cache-Control"), std::vector<std::string>{"no-store"});
}

TEST_F(staff_api_test, login_ignores_the_case_of_the_email) {
    EXPECT_EQ(login_response("Admin@Example.ORG", test_password).status, 200);
}

TEST_F(staff_api_test, wrong_password_answers_401_without_a_cookie) {
    auto r = login_response("admin@example.org", "wrong password!");
    EXPECT_EQ(r.status, 401);
    EXPECT_TRUE(header_values(r, "Set-Cookie").empty());
}

TEST_F(staff_api_test, unknown_account_answers_exactly_like_a_wrong_password) {
    auto wrong = login_response("admin@example.org", "wrong password!");
    auto unknown = login_response("nobody@example.org", "wrong password!");
    EXPECT_EQ(unknown.status, wrong.status);
    EXPECT_EQ(unknown.body, wrong.body);
}

TEST_F(staff_api_test, wrong_password_answers_the_documented_code_bad_credentials) {
    EXPECT_EQ(error_code(login_response("admin@example.org", "wrong password!")),
              "bad_credentials");
}

TEST_F(staff_api_test, login_without_email_or_password_answers_400) {
    EXPECT_EQ(serve(post("/api/staff/login", R"({"email":"admin@example.org"})")).status, 400);
    EXPECT_EQ(serve(post("/api/staff/login", R"({"password":"x"})")).status, 400);
    EXPECT_EQ(serve(post("/api/staff/login", "not json")).status, 400);
}

TEST_F(staff_api_test, repeated_failures_answer_429_even_for_the_right_password) {
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(login_response("admin@example.org", "wrong password!").status, 401);
    }
    auto r = login_response("admin@example.org", test_password);
    EXPECT_EQ(r.status, 429);
    EXPECT_THAT(r.body, HasSubstr("60 seconds")) << "the message says when to retry";
    EXPECT_TRUE(header_values(r, "Set-Cookie").empty());
}

TEST_F(staff_api_test, throttled_account_may_sign_in_once_the_lock_expires) {
    for (int i = 0; i < 5; ++i) login_response("admin@example.org", "wrong password!");
    clock_.advance(61s);
    // The account is still being slowed down: one short wait, then the attempt goes ahead.
    auto wait = login_response("admin@example.org", test_password);
    EXPECT_EQ(wait.status, 429);
    EXPECT_EQ(error_code(wait), "slow_down");
    clock_.advance(std::chrono::seconds(std::stoi(std::string(wait.header("Retry-After")))));
    EXPECT_EQ(login_response("admin@example.org", test_password).status, 200);
}

TEST_F(staff_api_test, throttling_one_account_leaves_others_alone) {
    for (int i = 0; i < 5; ++i) login_response("admin@example.org", "wrong password!");
    EXPECT_EQ(login_response("ana@example.org", test_password).status, 200);
}

TEST_F(staff_api_test, throttled_sign_in_answers_the_documented_code_throttled) {
    for (int i = 0; i < 5; ++i) login_response("admin@example.org", "wrong password!");
    EXPECT_EQ(error_code(login_response("admin@example.org", test_password)), "throttled");
}

TEST_F(staff_api_test, the_database_keeps_only_the_hash_of_the_session_token) {
    auto who = login("admin@example.org");
    auto token = who.cookie.substr(who.cookie.find('=') + 1);
    auto stored = store_->call(test_support::sql_job([](store::database& db) {
        auto s = db.prepare("SELECT token_hash FROM staff_sessions");
        std::vector<std::string> out;
        while (s.step()) out.push_back(s.text(0));
        return out;
    }));
    EXPECT_EQ(stored, std::vector<std::string>{core::token_hash(token)});
}

TEST_F(staff_api_test, each_session_has_its_own_csrf_token) {
    EXPECT_NE(login("admin@example.org").csrf_token, login("admin@example.org").csrf_token);
}

// ---------------------------------------------------------------- the session

TEST_F(staff_api_test, me_answers_the_signed_in_user_and_the_same_csrf_token) {
    auto who = login("ana@example.org");
    auto r = me(who);
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = body_json(r);
    EXPECT_EQ(body.at("user").at("id"), coordinator_.id);
    EXPECT_EQ(body.at("user").at("role"), "coordinator");
    EXPECT_EQ(body.at("csrf_token"), who.csrf_token.c_str());
}

TEST_F(staff_api_test, me_without_a_cookie_answers_401_unauthenticated) {
    auto r = serve(get("/api/staff/me"));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(error_code(r), "unauthenticated");
}

TEST_F(staff_api_test, an_invented_cookie_answers_401) {
    signed_in forged{"__Host-sc_session=" + core::new_token(), ""};
    EXPECT_EQ(me(forged).status, 401);
}

TEST_F(staff_api_test, session_ends_after_30_idle_minutes) {
    auto who = login("ana@example.org");
    clock_.advance(29min);
    EXPECT_EQ(me(who).status, 200);
    clock_.advance(30min);
    EXPECT_EQ(me(who).status, 401);
}

TEST_F(staff_api_test, logout_answers_204_and_clears_the_cookie) {
    auto who = login("ana@example.org");
    auto r = serve(as(who, post("/api/staff/logout")));
    EXPECT_EQ(r.status, 204);
    auto cookies = header_values(r, "Set-Cookie");
    ASSERT_EQ(cookies.size(), 1u);
    EXPECT_TRUE(cookies[0].starts_with("__Host-sc_session=;")) << cookies[0];
    EXPECT_THAT(cookies[0], HasSubstr("Max-Age=0"));
}

TEST_F(staff_api_test, logout_ends_the_session_on_the_server) {
    auto who = login("ana@example.org");
    serve(as(who, post("/api/staff/logout")));
    EXPECT_EQ(me(who).status, 401);
}

TEST_F(staff_api_test, logout_ends_only_that_session) {
    auto phone = login("ana@example.org");
    auto laptop = login("ana@example.org");
    serve(as(phone, post("/api/staff/logout")));
    EXPECT_EQ(me(laptop).status, 200);
}

// ---------------------------------------------------------------- CSRF and origin

TEST_F(staff_api_test, post_without_csrf_token_answers_403_csrf) {
    auto who = login("admin@example.org");
    auto req = as(who, post("/api/staff/users", new_user_body("new@example.org")));
    req.headers.erase("x-csrf-token");
    auto r = serve(req);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(error_code(r), "csrf");
    EXPECT_EQ(member_count(), 2);
}

TEST_F(staff_api_test, post_with_a_wrong_csrf_token_answers_403) {
    auto who = login("admin@example.org");
    auto other = login("ana@example.org");
    auto req = as(who, post("/api/staff/users", new_user_body("new@example.org")));
    req.headers["x-csrf-token"] = other.csrf_token;
    EXPECT_EQ(serve(req).status, 403);
    EXPECT_EQ(member_count(), 2);
}

TEST_F(staff_api_test, logout_without_csrf_token_keeps_the_session) {
    auto who = login("ana@example.org");
    auto req = as(who, post("/api/staff/logout"));
    req.headers.erase("x-csrf-token");
    EXPECT_EQ(serve(req).status, 403);
    EXPECT_EQ(me(who).status, 200);
}

TEST_F(staff_api_test, post_from_a_foreign_origin_answers_403) {
    auto who = login("admin@example.org");
    auto req = as(who, post("/api/staff/users", new_user_body("new@example.org"),
                            {{"origin", "https://evil.example"}}));
    auto r = serve(req);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(member_count(), 2);
}

TEST_F(staff_api_test, login_from_a_foreign_origin_answers_403_without_a_cookie) {
    boost::json::object body{{"email", "admin@example.org"}, {"password", test_password}};
    auto r = serve(post("/api/staff/login", boost::json::serialize(body),
                        {{"origin", "https://evil.example"}}));
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(header_values(r, "Set-Cookie").empty());
}

TEST_F(staff_api_test, post_without_an_origin_header_is_allowed_with_the_csrf_token) {
    auto who = login("admin@example.org");
    auto req = as(who, post("/api/staff/users", new_user_body("new@example.org")));
    req.headers.erase("origin");
    EXPECT_EQ(serve(req).status, 201);
}

TEST_F(staff_api_test, configured_public_origin_is_the_one_expected) {
    config_.public_origin = "https://hotline.example";
    auto who = login_response("admin@example.org", test_password);
    EXPECT_EQ(who.status, 403) << "the Host-derived origin is no longer ours";
    boost::json::object body{{"email", "admin@example.org"}, {"password", test_password}};
    auto r = serve(post("/api/staff/login", boost::json::serialize(body),
                        {{"origin", "https://hotline.example"}}));
    EXPECT_EQ(r.status, 200);
}

// ---------------------------------------------------------------- accounts

TEST_F(staff_api_test, admin_lists_the_users) {
    auto who = login("admin@example.org");
    auto r = serve(as(who, get("/api/staff/users")));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = body_json(r);
    const auto& users = body.at("users").as_array();
    ASSERT_EQ(users.size(), 2u);
    EXPECT_EQ(users[1].at("email"), "ana@example.org");
    EXPECT_THAT(r.body, Not(HasSubstr("argon2"))) << "password hashes never leave the server";
}

TEST_F(staff_api_test, coordinator_may_not_list_users) {
    auto who = login("ana@example.org");
    auto r = serve(as(who, get("/api/staff/users")));
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(error_code(r), "forbidden");
}

TEST_F(staff_api_test, users_without_a_cookie_answers_401) {
    EXPECT_EQ(serve(get("/api/staff/users")).status, 401);
}

TEST_F(staff_api_test, admin_adds_a_user_who_can_then_sign_in) {
    auto who = login("admin@example.org");
    auto r =
        serve(as(who, post("/api/staff/users", new_user_body("new@example.org", "supervisor"))));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(body_json(r).at("user").at("role"), "supervisor");
    EXPECT_EQ(login_response("new@example.org", test_password).status, 200);
}

TEST_F(staff_api_test, adding_an_existing_email_answers_409) {
    auto who = login("admin@example.org");
    auto r = serve(as(who, post("/api/staff/users", new_user_body("ana@example.org"))));
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(error_code(r), "conflict");
}

TEST_F(staff_api_test, adding_with_a_weak_password_or_bad_role_answers_400) {
    auto who = login("admin@example.org");
    EXPECT_EQ(serve(as(who, post("/api/staff/users",
                                 new_user_body("a@example.org", "coordinator", "short"))))
                  .status,
              400);
    EXPECT_EQ(
        serve(as(who, post("/api/staff/users", new_user_body("b@example.org", "root")))).status,
        400);
    EXPECT_EQ(member_count(), 2);
}

TEST_F(staff_api_test, coordinator_may_not_add_users) {
    auto who = login("ana@example.org");
    auto r = serve(as(who, post("/api/staff/users", new_user_body("new@example.org", "admin"))));
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(member_count(), 2);
}

TEST_F(staff_api_test, disabling_an_account_ends_its_sessions_and_sign_ins) {
    auto admin = login("admin@example.org");
    auto ana = login("ana@example.org");
    auto r =
        serve(as(admin, post("/api/staff/users/" + std::to_string(coordinator_.id) + "/disable")));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(body_json(r).at("user").at("disabled"), true);
    EXPECT_EQ(me(ana).status, 401);
    EXPECT_EQ(login_response("ana@example.org", test_password).status, 401);
}

TEST_F(staff_api_test, an_administrator_cannot_disable_their_own_account) {
    // Found by the http_request fuzzer: the last administrator could lock everyone out.
    auto admin = login("admin@example.org");
    auto self = body_json(me(admin)).at("user").at("id").as_int64();
    auto r = serve(as(admin, post("/api/staff/users/" + std::to_string(self) + "/disable")));
    EXPECT_EQ(r.status, 409);
    EXPECT_THAT(r.body, HasSubstr("your own account"));
    EXPECT_EQ(me(admin).status, 200);
}

TEST_F(staff_api_test, disabling_an_unknown_account_answers_404) {
    auto admin = login("admin@example.org");
    EXPECT_EQ(serve(as(admin, post("/api/staff/users/999/disable"))).status, 404);
    EXPECT_EQ(serve(as(admin, post("/api/staff/users/abc/disable"))).status, 404);
}

TEST_F(staff_api_test, unknown_api_route_answers_404) {
    auto who = login("admin@example.org");
    EXPECT_EQ(serve(as(who, get("/api/staff/nothing-here"))).status, 404);
}

}  // namespace
}  // namespace sc::http
