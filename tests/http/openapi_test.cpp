// docs/openapi.json is what the route table yields, and the table is whole: every schema it
// names exists, every schema is used, no route is listed twice.
#include "openapi.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "http/route.hpp"

namespace sc::http {
namespace {

namespace json = boost::json;

const std::filesystem::path source_dir = SAFECONNECT_SOURCE_DIR;

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(openapi, the_committed_file_is_what_the_table_yields) {
    auto committed = read(source_dir / "docs" / "openapi.json");
    auto generated = pretty_json(openapi_description(source_dir));
    EXPECT_TRUE(committed == generated)
        << "docs/openapi.json is out of date: run build/tests/openapi_print > docs/openapi.json";
}

TEST(openapi, every_schema_the_table_names_exists_and_every_schema_is_used) {
    auto doc = openapi_description(source_dir);
    const auto& schemas = doc.at("components").at("schemas").as_object();
    std::set<std::string> used;
    std::function<void(const json::value&)> walk = [&](const json::value& v) {
        if (v.is_object()) {
            for (const auto& [k, member] : v.as_object()) {
                if (k == "$ref") {
                    std::string target(member.as_string());
                    used.insert(target.substr(target.rfind('/') + 1));
                }
                walk(member);
            }
        } else if (v.is_array()) {
            for (const auto& item : v.as_array()) walk(item);
        }
    };
    walk(doc);
    for (const auto& name : used) EXPECT_TRUE(schemas.contains(name)) << "no schema " << name;
    for (const auto& [name, schema] : schemas) {
        EXPECT_TRUE(used.contains(std::string(name))) << "schema " << name << " is never used";
    }
}

TEST(openapi, no_route_is_listed_twice_and_each_says_what_it_does) {
    std::set<std::string> seen;
    for (const auto& r : routes()) {
        auto key = std::string(verb_name(r.method)) + " " + r.path.template_path();
        EXPECT_TRUE(seen.insert(key).second) << key << " is listed twice";
        EXPECT_FALSE(r.summary.empty()) << key;
        EXPECT_FALSE(r.answers.empty()) << key;
    }
}

TEST(openapi, every_staff_route_but_sign_in_needs_a_session) {
    for (const auto& r : routes()) {
        bool staff = r.path.text().starts_with("/api/staff/");
        bool sign_in = r.path.text() == "/api/staff/login";
        EXPECT_EQ(r.needs.has_value(), staff && !sign_in) << r.path.text();
    }
}

TEST(openapi, post_routes_are_described_with_the_csrf_header_and_the_cookie) {
    auto doc = openapi_description(source_dir);
    const auto& schemes = doc.at("components").at("securitySchemes");
    EXPECT_EQ(schemes.at("session").at("in"), "cookie");
    EXPECT_EQ(schemes.at("session").at("name"), "__Host-sc_session");
    EXPECT_EQ(schemes.at("csrf").at("in"), "header");
    EXPECT_EQ(schemes.at("csrf").at("name"), "X-CSRF-Token");
    const auto& logout = doc.at("paths").at("/api/staff/logout").at("post");
    EXPECT_EQ(json::serialize(logout.at("security")), R"([{"session":[],"csrf":[]}])");
    const auto& login = doc.at("paths").at("/api/staff/login").at("post");
    EXPECT_EQ(json::serialize(login.at("security")), "[]");
}

}  // namespace
}  // namespace sc::http
