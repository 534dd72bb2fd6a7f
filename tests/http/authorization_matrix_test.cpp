// The authorization matrix over the route table: who may call each staff route, written
// out here as docs/API.md says it, against the table's permission; and for every route
// whose permission not every role holds, each role's request is refused with 403 and the
// policy's sentence exactly when it should be. The requests carry no valid body or id, so
// an allowed one answers 400 or 404 and changes nothing.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "http/http_fixture.hpp"
#include "http/route.hpp"

namespace sc::http {
namespace {

using enum staff::role;
const std::set<staff::role> everyone{coordinator, supervisor, admin};
const std::set<staff::role> overseers{supervisor, admin};
const std::set<staff::role> admins{admin};

// One row a staff route: the roles that may call it.
const std::map<std::string, std::set<staff::role>> who_may{
    {"POST /api/staff/login/totp", everyone},
    {"POST /api/staff/logout", everyone},
    {"POST /api/staff/logout-everywhere", everyone},
    {"GET /api/staff/me", everyone},
    {"POST /api/staff/password", everyone},
    {"GET /api/staff/totp", everyone},
    {"POST /api/staff/totp/enrol", everyone},
    {"POST /api/staff/totp/confirm", everyone},
    {"GET /api/staff/users", admins},
    {"POST /api/staff/users", admins},
    {"POST /api/staff/users/{id}/disable", admins},
    {"POST /api/staff/users/{id}/totp-reset", admins},
    {"GET /api/staff/security", admins},
    {"POST /api/staff/security", admins},
    {"GET /api/staff/retention", overseers},
    {"POST /api/staff/retention", admins},
    {"GET /api/staff/conversations", overseers},
    {"POST /api/staff/conversations/{id}/purge", overseers},
    {"GET /api/staff/audit", overseers},
    {"GET /api/staff/traffic", admins},
    {"GET /api/staff/policies", admins},
    {"POST /api/staff/policies", admins},
};

std::string key(const route& r) {
    return std::string(verb_name(r.method)) + " " + r.path.template_path();
}

TEST(authorization_matrix, the_table_gives_each_staff_route_the_roles_docs_api_md_names) {
    std::size_t rows = 0;
    for (const auto& r : routes()) {
        if (!r.needs) continue;
        ++rows;
        auto it = who_may.find(key(r));
        ASSERT_NE(it, who_may.end()) << key(r) << " has no row in the matrix";
        auto allowed = staff::roles_allowed(*r.needs);
        EXPECT_EQ(std::set<staff::role>(allowed.begin(), allowed.end()), it->second) << key(r);
    }
    EXPECT_EQ(rows, who_may.size()) << "a row of the matrix names no route";
}

class authorization_matrix_test : public http_test {
  protected:
    void SetUp() override {
        http_test::SetUp();
        add_staff("sam@example.org", "Sam", staff::role::supervisor);
    }

    /// The route's path with every parameter filled by a value no resource has.
    static std::string sample_path(const route& r) {
        std::string out;
        for (const auto& s : r.path.segments()) {
            out += '/';
            if (s.type == path_pattern::kind::literal)
                out += s.name;
            else if (s.type == path_pattern::kind::integer)
                out += "999999";
            else
                out += "no-such-id";
        }
        return out;
    }
};

TEST_F(authorization_matrix_test, each_role_is_refused_exactly_what_its_row_refuses) {
    const std::map<staff::role, signed_in> sessions{
        {staff::role::coordinator, login("ana@example.org")},
        {staff::role::supervisor, login("sam@example.org")},
        {staff::role::admin, login("admin@example.org")},
    };
    int checked = 0;
    for (const auto& r : routes()) {
        if (!r.needs || staff::roles_allowed(*r.needs).size() == 3) continue;
        for (const auto& [role, who] : sessions) {
            auto path = sample_path(r);
            auto req = r.method == verb::get ? get(path) : post(path, "{}");
            auto answer = serve(as(who, req));
            auto what = std::string(verb_name(r.method)) + " " + path + " as " +
                        staff::role_name(role) + ": " + answer.body;
            if (who_may.at(key(r)).contains(role)) {
                EXPECT_NE(answer.status, 403) << what;
                EXPECT_NE(answer.status, 401) << what;
            } else {
                EXPECT_EQ(answer.status, 403) << what;
                EXPECT_EQ(error_code(answer), "forbidden") << what;
                EXPECT_EQ(body_json(answer).at("error").at("message"),
                          std::string(staff::refusal(*r.needs)).c_str())
                    << what;
            }
            ++checked;
        }
    }
    EXPECT_GE(checked, 3 * 14) << "every restricted route, for every role";
}

TEST_F(authorization_matrix_test, every_session_route_refuses_a_request_without_a_session) {
    for (const auto& r : routes()) {
        if (!r.needs) continue;
        auto path = sample_path(r);
        auto answer = serve(r.method == verb::get ? get(path) : post(path, "{}"));
        EXPECT_EQ(answer.status, 401) << path;
        EXPECT_EQ(error_code(answer), "unauthenticated") << path;
    }
}

}  // namespace
}  // namespace sc::http
