// Path patterns with typed parameters: what matches, what does not, and what the
// parameters hold.
#include "http/path_pattern.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sc::http {
namespace {

const path_pattern disable{"/api/staff/users/{id:int}/disable"};
const path_pattern purge{"/api/staff/conversations/{id}/purge"};

TEST(path_pattern, a_literal_pattern_matches_only_itself) {
    path_pattern me{"/api/staff/me"};
    EXPECT_TRUE(me.match("/api/staff/me"));
    for (auto path : {"/api/staff/m", "/api/staff/me2", "/api/staff", "/api/staff/me/x",
                      "/API/staff/me", "", "api/staff/me", "/api//staff/me"}) {
        EXPECT_FALSE(me.match(path)) << path;
    }
}

TEST(path_pattern, the_root_matches_only_the_root) {
    path_pattern root{"/"};
    EXPECT_TRUE(root.match("/"));
    EXPECT_FALSE(root.match("//"));
    EXPECT_FALSE(root.match("/chat"));
}

TEST(path_pattern, no_trailing_slash) {
    EXPECT_FALSE(path_pattern{"/api/staff/me"}.match("/api/staff/me/"));
    EXPECT_FALSE(disable.match("/api/staff/users/3/disable/"));
    EXPECT_FALSE(path_pattern{"/privacy/versions/{version:int}"}.match("/privacy/versions/"));
}

TEST(path_pattern, an_int_parameter_is_typed) {
    auto m = disable.match("/api/staff/users/42/disable");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->integer("id"), 42);
    EXPECT_EQ(m->text("id"), "42");
    EXPECT_EQ(disable.match("/api/staff/users/007/disable")->integer("id"), 7);
}

TEST(path_pattern, the_wrong_type_does_not_match) {
    for (auto id : {"abc", "4x", "-1", "+1", "1.5", " 1", "1e3", "0x10", "%31"}) {
        EXPECT_FALSE(disable.match(std::string("/api/staff/users/") + id + "/disable")) << id;
    }
}

TEST(path_pattern, an_overlong_id_does_not_match) {
    EXPECT_TRUE(disable.match("/api/staff/users/9223372036854775807/disable"));
    for (auto id : {"9223372036854775808", "99999999999999999999999999999999"}) {
        EXPECT_FALSE(disable.match(std::string("/api/staff/users/") + id + "/disable")) << id;
    }
}

TEST(path_pattern, an_empty_parameter_does_not_match) {
    EXPECT_FALSE(disable.match("/api/staff/users//disable"));
    EXPECT_FALSE(purge.match("/api/staff/conversations//purge"));
}

TEST(path_pattern, a_text_parameter_is_percent_decoded) {
    auto m = purge.match("/api/staff/conversations/ab%20cd%2Fef/purge");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->text("id"), "ab cd/ef");
    EXPECT_EQ(purge.match("/api/staff/conversations/c0ffee/purge")->text("id"), "c0ffee");
}

TEST(path_pattern, a_malformed_escape_does_not_match) {
    for (auto id : {"%", "%2", "%zz", "a%g0", "%%41"}) {
        EXPECT_FALSE(purge.match(std::string("/api/staff/conversations/") + id + "/purge")) << id;
    }
}

TEST(path_pattern, literal_segments_are_not_decoded) {
    EXPECT_FALSE(path_pattern{"/api/staff/me"}.match("/api/staff/%6De"));
}

TEST(path_pattern, a_missing_parameter_name_is_empty) {
    auto m = disable.match("/api/staff/users/5/disable");
    EXPECT_EQ(m->text("nope"), "");
    EXPECT_EQ(m->integer("nope"), 0);
}

TEST(path_pattern, query_parameters_are_recorded_and_do_not_take_part_in_matching) {
    path_pattern audit{"/api/staff/audit?before={before:int}"};
    EXPECT_TRUE(audit.match("/api/staff/audit"));
    ASSERT_EQ(audit.query().size(), 1u);
    EXPECT_EQ(audit.query()[0].name, "before");
    EXPECT_EQ(audit.query()[0].type, path_pattern::kind::integer);
    EXPECT_EQ(audit.template_path(), "/api/staff/audit");
}

TEST(path_pattern, the_openapi_template_drops_the_types) {
    EXPECT_EQ(disable.template_path(), "/api/staff/users/{id}/disable");
    EXPECT_EQ(path_pattern{"/"}.template_path(), "/");
}

TEST(path_pattern, a_malformed_pattern_is_a_bug) {
    for (auto bad :
         {"api/x", "/x/{}", "/x/{id:float}", "/x/{id", "/x/%41", "/x?a={b:int}", "/x?a=1"}) {
        EXPECT_THROW(path_pattern{bad}, std::invalid_argument) << bad;
    }
}

TEST(percent_decode, decodes_escapes_in_either_case) {
    EXPECT_EQ(percent_decode("a%2fb%2Fc"), "a/b/c");
    EXPECT_EQ(percent_decode("plain"), "plain");
    EXPECT_FALSE(percent_decode("50%"));
}

}  // namespace
}  // namespace sc::http
