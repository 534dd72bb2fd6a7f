// The optional intake form: every field optional, each checked, nothing else accepted.
#include "chat/intake.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace sc::chat {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

core::result<json::object> validate(std::string_view json_text) {
    auto v = json::parse(json_text);
    return validate_intake(&v);
}

/// The error message, or "" when the intake was accepted.
std::string refusal(std::string_view json_text) {
    auto r = validate(json_text);
    if (r) return {};
    EXPECT_EQ(r.error().code, core::errc::bad_request);
    return r.error().message;
}

TEST(intake, absent_intake_is_empty) {
    auto r = validate_intake(nullptr);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty());
}

TEST(intake, null_or_empty_intake_is_empty) {
    EXPECT_TRUE(validate("null")->empty());
    EXPECT_TRUE(validate("{}")->empty());
}

TEST(intake, every_field_is_kept_trimmed) {
    auto r = validate(R"({"name":" Maria ","gender":"woman","age":"34","city":"Hartford",
                          "state":"CT","zip":"06103","heard_about":"a friend"})");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, json::parse(R"({"name":"Maria","gender":"woman","age":"34","city":"Hartford",
                                  "state":"CT","zip":"06103","heard_about":"a friend"})")
                      .as_object());
}

TEST(intake, each_field_alone_is_enough) {
    for (auto field : intake_fields) {
        json::object o;
        o[field] = field == "age" ? "40" : field == "zip" ? "12345" : "x";
        json::value v = o;
        auto r = validate_intake(&v);
        ASSERT_TRUE(r) << field;
        EXPECT_EQ(r->size(), 1u) << field;
    }
}

TEST(intake, empty_and_blank_strings_count_as_absent) {
    auto r = validate(R"({"name":"","city":"   ","state":"CT","zip":null})");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, json::parse(R"({"state":"CT"})").as_object());
}

TEST(intake, age_may_be_a_string_or_a_number) {
    EXPECT_EQ(validate(R"({"age":"0"})")->at("age"), "0");
    EXPECT_EQ(validate(R"({"age":120})")->at("age"), "120");
}

TEST(intake, age_must_be_a_whole_number_from_0_to_120) {
    for (auto bad : {R"({"age":"121"})", R"({"age":"-1"})", R"({"age":"3.5"})", R"({"age":"abc"})",
                     R"({"age":"34 years"})", R"({"age":121})", R"({"age":-3})",
                     // Found by the intake fuzz target: "-0" was kept as an age.
                     R"({"age":"-0"})", R"({"age":"+5"})"}) {
        EXPECT_THAT(refusal(bad), HasSubstr("age")) << bad;
    }
}

TEST(intake, age_of_another_type_is_refused) {
    EXPECT_THAT(refusal(R"({"age":true})"), HasSubstr("age"));
    EXPECT_THAT(refusal(R"({"age":[34]})"), HasSubstr("age"));
    EXPECT_THAT(refusal(R"({"age":34.5})"), HasSubstr("age"));
}

TEST(intake, zip_takes_3_to_10_digits_letters_spaces_or_dashes) {
    for (auto good : {"061", "06103", "06103-1234", "SW1A 1AA", "K1A 0B1"}) {
        json::value v = json::object{{"zip", good}};
        EXPECT_TRUE(validate_intake(&v)) << good;
    }
    for (auto bad : {"06", "12345678901", "061#3", "06103;", "\xc3\xa9\xc3\xa9\xc3\xa9"}) {
        json::value v = json::object{{"zip", bad}};
        auto r = validate_intake(&v);
        ASSERT_FALSE(r) << bad;
        EXPECT_THAT(r.error().message, HasSubstr("zip"));
    }
}

TEST(intake, unknown_field_is_refused_by_name) {
    EXPECT_THAT(refusal(R"({"state":"CT","email":"me@example.org"})"), HasSubstr("'email'"));
}

TEST(intake, field_of_100_characters_is_accepted_and_101_refused) {
    json::value ok = json::object{{"city", std::string(100, 'c')}};
    EXPECT_TRUE(validate_intake(&ok));
    json::value too_long = json::object{{"city", std::string(101, 'c')}};
    auto r = validate_intake(&too_long);
    ASSERT_FALSE(r);
    EXPECT_THAT(r.error().message, HasSubstr("city"));
}

TEST(intake, length_counts_characters_not_bytes) {
    std::string city;
    for (int i = 0; i < 100; ++i) city += "\xc3\xa9";  // é, two bytes each
    json::value v = json::object{{"city", city}};
    EXPECT_TRUE(validate_intake(&v));
}

TEST(intake, non_string_field_is_refused_by_name) {
    EXPECT_THAT(refusal(R"({"name":5})"), HasSubstr("'name'"));
    EXPECT_THAT(refusal(R"({"state":true})"), HasSubstr("'state'"));
    EXPECT_THAT(refusal(R"({"city":{"name":"x"}})"), HasSubstr("'city'"));
}

TEST(intake, intake_that_is_not_an_object_is_refused) {
    EXPECT_THAT(refusal(R"("CT")"), HasSubstr("intake"));
    EXPECT_THAT(refusal(R"([1])"), HasSubstr("intake"));
}

}  // namespace
}  // namespace sc::chat
