// The route table: every HTTP route the server answers, one entry each, in the order
// docs/API.md lists them. An entry says who may call it (a permission from
// staff/permissions.hpp, or public), at which sign-in steps a session may, which handler
// answers, and what it answers: docs/openapi.json is generated from this table
// (tests/http/openapi_test.cpp) and tests/http/api_doc_test.cpp holds docs/API.md to it.
#include "http/privacy_api.hpp"
#include "http/route.hpp"
#include "http/router.hpp"
#include "http/staff_api.hpp"

namespace sc::http {

namespace {

template <auto Handler>
response staff(services& s, const call& c) {
    return (s.staff.*Handler)(c);
}
template <auto Handler>
response privacy(services& s, const call& c) {
    return (s.privacy.*Handler)(c);
}
template <auto Handler>
response site(services& s, const call& c) {
    return (s.site.*Handler)(c);
}

using enum verb;
using enum staff::permission;
using enum sign_in_step;

constexpr std::nullopt_t anyone = std::nullopt;
constexpr bool hashes_password = true;

// Sign-in steps beyond `done` at which a session may use a route; every other route needs
// a session that is fully signed in (see docs/API.md, "Sign-in steps").
constexpr step_set waiting_for_code{totp_code};
constexpr step_set changing_password{done, change_password, enrol_totp};
constexpr step_set enrolling{done, enrol_totp};

const answer page_answer{200, "html", {}, "the page"};
const answer no_page{404, "html", {}, "no such page"};
const answer throttled{429, "error", "throttled slow_down", "too many failures; Retry-After"};

}  // namespace

const char* verb_name(verb v) { return v == get ? "GET" : "POST"; }

// clang-format off: the table is laid out a route an entry, which the formatter would break.
const std::vector<route>& routes() {
    static const std::vector<route> table{
        // Public pages, assets and health.
        {get, "/", anyone, any_step, site<&router::serve_page>, "Home page", {}, {page_answer}},
        {get, "/safety", anyone, any_step, site<&router::serve_page>, "Staying safe online", {},
         {page_answer}},
        {get, "/privacy", anyone, any_step, site<&router::serve_page>,
         "The privacy policy in force", {}, {page_answer}},
        {get, "/privacy/versions", anyone, any_step, site<&router::serve_page>,
         "Every policy version that has been in force", {}, {page_answer}},
        {get, "/privacy/versions/{version:int}", anyone, any_step, site<&router::serve_page>,
         "One policy version", {}, {page_answer, no_page}},
        {get, "/contact", anyone, any_step, site<&router::serve_page>, "How to reach the service",
         {}, {page_answer}},
        {get, "/chat", anyone, any_step, site<&router::serve_page>, "The visitor chat page", {},
         {page_answer}},
        {get, "/staff", anyone, any_step, site<&router::serve_page>, "The staff console", {},
         {page_answer}},
        {get, "/assets/{file}", anyone, any_step, site<&router::serve_asset>,
         "A static asset, content-hashed and immutable", {},
         {{200, "asset", {}, "the asset"}, {304, "", {}, "not modified"}, no_page}},
        {get, "/healthz", anyone, any_step, site<&router::serve_health>, "Health check", {},
         {{200, "health", {}, "the database answers"},
          {503, "health", {}, "the database does not answer"}}},

        // The staff session.
        {post, "/api/staff/login", anyone, any_step, staff<&staff_api::login>,
         "Sign in with email and password", "login_request",
         {{200, "signed_in"}, {401, "error", "bad_credentials"}, throttled}, hashes_password},
        {post, "/api/staff/login/totp", own_account, waiting_for_code,
         staff<&staff_api::login_code>, "Finish signing in with a TOTP or recovery code",
         "code_request", {{200, "signed_in"}, {401, "error", "bad_code"}, throttled}},
        {post, "/api/staff/logout", own_account, any_step, staff<&staff_api::logout>,
         "End this session", {}, {{204, "", {}, "signed out; the cookie is cleared"}}},
        {post, "/api/staff/logout-everywhere", own_account, any_step,
         staff<&staff_api::logout_everywhere>, "End every session of the member", {},
         {{204, "", {}, "signed out everywhere; the cookie is cleared"}}},
        {get, "/api/staff/me", own_account, any_step, staff<&staff_api::me>,
         "The signed-in member, the CSRF token and the next sign-in step", {},
         {{200, "session"}}},
        {post, "/api/staff/password", own_account, changing_password,
         staff<&staff_api::change_password>, "Change one's password", "password_change_request",
         {{200, "password_changed"},
          {400, "error", "weak_password bad_request"},
          {401, "error", "bad_credentials"},
          throttled},
         hashes_password},
        {get, "/api/staff/totp", own_account, enrolling, staff<&staff_api::totp_status>,
         "One's TOTP status", {}, {{200, "totp_status"}}},
        {post, "/api/staff/totp/enrol", own_account, enrolling, staff<&staff_api::totp_enrol>,
         "Start TOTP enrolment: a new secret and its QR code", {}, {{200, "totp_enrolment"}}},
        {post, "/api/staff/totp/confirm", own_account, enrolling,
         staff<&staff_api::totp_confirm>, "Confirm TOTP enrolment with a code", "code_request",
         {{200, "totp_confirmed"}, {400, "error", "bad_code"}, {409, "error", "conflict"}}},

        // Staff accounts.
        {get, "/api/staff/users", manage_accounts, signed_in_fully,
         staff<&staff_api::list_users>, "Every staff account", {}, {{200, "user_list"}}},
        {post, "/api/staff/users", manage_accounts, signed_in_fully, staff<&staff_api::add_user>,
         "Add a staff account", "new_user_request",
         {{201, "user_answer"}, {409, "error", "conflict"}},
         hashes_password},
        {post, "/api/staff/users/{id:int}/disable", manage_accounts, signed_in_fully,
         staff<&staff_api::disable_user>, "Disable an account and end its sessions", {},
         {{200, "user_answer"}, {404, "error", "not_found"}, {409, "error", "conflict"}}},
        {post, "/api/staff/users/{id:int}/totp-reset", manage_accounts, signed_in_fully,
         staff<&staff_api::reset_user_totp>, "Remove an account's TOTP and end its sessions",
         {}, {{200, "user_answer"}, {404, "error", "not_found"}}},
        {get, "/api/staff/security", manage_security, signed_in_fully,
         staff<&staff_api::security_settings>, "The roles that must sign in with TOTP", {},
         {{200, "security_settings"}}},
        {post, "/api/staff/security", manage_security, signed_in_fully,
         staff<&staff_api::set_security_settings>, "Set the roles that must sign in with TOTP",
         "security_settings", {{200, "security_settings"}}},

        // Privacy administration.
        {get, "/api/staff/retention", read_retention, signed_in_fully,
         privacy<&privacy_api::retention>, "The retention period", {}, {{200, "retention"}}},
        {post, "/api/staff/retention", change_retention, signed_in_fully,
         privacy<&privacy_api::change_retention>,
         "Change the retention period; publishes a policy version", "retention",
         {{200, "retention_changed"}}},
        {get, "/api/staff/conversations", review_conversations, signed_in_fully,
         privacy<&privacy_api::closed_conversations>, "Closed conversations still stored", {},
         {{200, "closed_conversations"}}},
        {post, "/api/staff/conversations/{id}/purge", purge_conversation, signed_in_fully,
         privacy<&privacy_api::purge>, "Erase a closed conversation now", {},
         {{200, "purged"}, {404, "error", "not_found"}, {409, "error", "conflict"}}},
        {get, "/api/staff/audit?before={before:int}", read_audit_log, signed_in_fully,
         privacy<&privacy_api::audit_log>, "The audit log, newest first, 200 a page", {},
         {{200, "audit_log"}}},
        {get, "/api/staff/traffic?days={days:int}", read_traffic, signed_in_fully,
         privacy<&privacy_api::traffic>, "Page counts per day", {}, {{200, "traffic"}}},
        {get, "/api/staff/policies", manage_policies, signed_in_fully,
         privacy<&privacy_api::policies>, "Every privacy policy version", {},
         {{200, "policy_versions"}}},
        {post, "/api/staff/policies", manage_policies, signed_in_fully,
         privacy<&privacy_api::publish_policy>, "Publish a privacy policy version",
         "policy_request", {{201, "policy_published"}}},
    };
    return table;
}
// clang-format on

}  // namespace sc::http
