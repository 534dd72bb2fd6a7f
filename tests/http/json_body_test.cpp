// The one JSON body reader: an object, typed fields, one kind of refusal.
#include "http/json_body.hpp"

#include <gtest/gtest.h>

namespace sc::http {
namespace {

request with_body(std::string body) {
    request r;
    r.method = "POST";
    r.body = std::move(body);
    return r;
}

TEST(json_body, only_an_object_is_a_body) {
    for (auto text : {"", "nonsense", "[]", "\"x\"", "42", "null", "{\"a\":"}) {
        auto b = json_body::parse(with_body(text));
        ASSERT_FALSE(b) << text;
        EXPECT_EQ(b.error().code, core::errc::bad_request);
        EXPECT_EQ(b.error().message, "the request body must be a JSON object");
    }
}

TEST(json_body, a_required_string_is_named_when_missing_or_of_another_type) {
    for (auto text : {R"({})", R"({"email":3})", R"({"email":null})", R"({"email":["a"]})"}) {
        auto v = json_body::parse(with_body(text))->text("email");
        ASSERT_FALSE(v) << text;
        EXPECT_EQ(v.error().code, core::errc::bad_request);
        EXPECT_EQ(v.error().message, "field 'email' is required");
    }
    EXPECT_EQ(*json_body::parse(with_body(R"({"email":"a@b"})"))->text("email"), "a@b");
}

TEST(json_body, several_strings_at_once_name_the_first_missing) {
    auto both = body_texts(with_body(R"({"email":"a","password":"b"})"), {"email", "password"});
    ASSERT_TRUE(both);
    EXPECT_EQ((*both)[0], "a");
    EXPECT_EQ((*both)[1], "b");
    auto missing = body_texts(with_body(R"({"email":"a"})"), {"email", "password"});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "field 'password' is required");
    EXPECT_EQ(body_texts(with_body("nonsense"), {"email"}).error().message,
              "the request body must be a JSON object");
}

TEST(json_body, a_whole_number_in_range) {
    auto body = [](const char* text) { return *json_body::parse(with_body(text)); };
    EXPECT_EQ(*body(R"({"hours":0})").integer("hours", 0, 87600), 0);
    EXPECT_EQ(*body(R"({"hours":87600})").integer("hours", 0, 87600), 87600);
    for (auto text :
         {R"({"hours":-1})", R"({"hours":87601})", R"({"hours":"24"})", R"({"hours":1.5})",
          R"({"hours":24.0})", R"({})", R"({"hours":18446744073709551615})"}) {
        auto v = body(text).integer("hours", 0, 87600);
        ASSERT_FALSE(v) << text;
        EXPECT_EQ(v.error().message, "field 'hours' must be a whole number from 0 to 87600");
    }
}

TEST(json_body, an_optional_field_is_null_when_absent_or_null) {
    auto b = *json_body::parse(with_body(R"({"at":null,"n":1})"));
    EXPECT_EQ(b.optional("at"), nullptr);
    EXPECT_EQ(b.optional("absent"), nullptr);
    ASSERT_NE(b.optional("n"), nullptr);
    EXPECT_EQ(b.optional("n")->as_int64(), 1);
}

}  // namespace
}  // namespace sc::http
