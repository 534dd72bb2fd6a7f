// Reading and writing the JSON frames of docs/PROTOCOL.md.
#include "chat/frames.hpp"
#include "chat/text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace sc::chat {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

json::object frame(std::string_view text) { return json::parse(text).as_object(); }

TEST(parse_frame, accepts_an_object_with_a_string_type) {
    auto r = parse_frame(R"({"type":"send","text":"hi","extra":1})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->at("type"), "send");
}

TEST(parse_frame, text_that_is_not_json_is_bad_json) {
    for (auto text : {"", "not json", "{\"type\":", "{\"type\":\"send\"} trailing"}) {
        auto r = parse_frame(text);
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error().code, core::errc::bad_json) << text;
    }
}

TEST(parse_frame, json_that_is_not_an_object_is_bad_json) {
    for (auto text : {"[1,2]", "\"send\"", "42", "null"}) {
        auto r = parse_frame(text);
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error().code, core::errc::bad_json) << text;
    }
}

TEST(parse_frame, object_without_a_string_type_is_bad_request) {
    for (auto text : {"{}", R"({"type":5})", R"({"type":null})", R"({"kind":"send"})"}) {
        auto r = parse_frame(text);
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error().code, core::errc::bad_request) << text;
        EXPECT_THAT(r.error().message, HasSubstr("type"));
    }
}

TEST(utf8_prefix, never_cuts_a_character_in_two) {
    std::string text = "ab\u00e9\u20ac\U0001F600";  // 1, 1, 2, 3 and 4 bytes
    EXPECT_EQ(utf8_prefix(text, 100), text);
    EXPECT_EQ(utf8_prefix(text, 3), "ab");
    EXPECT_EQ(utf8_prefix(text, 4), "ab\u00e9");
    EXPECT_EQ(utf8_prefix(text, 6), "ab\u00e9");
    EXPECT_EQ(utf8_prefix(text, 10), "ab\u00e9\u20ac");
    EXPECT_EQ(utf8_prefix(text, 0), "");
}

TEST(get_text, trims_surrounding_white_space) {
    EXPECT_EQ(*get_text(frame(R"({"text":"  hello there \n\t"})")), "hello there");
}

TEST(get_text, keeps_inner_white_space) {
    EXPECT_EQ(*get_text(frame(R"({"text":"line one\n\nline two"})")), "line one\n\nline two");
}

TEST(get_text, blank_text_is_refused) {
    for (auto text : {R"({"text":""})", R"({"text":"   \n "})"}) {
        auto r = get_text(frame(text));
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error().code, core::errc::bad_request);
        EXPECT_THAT(r.error().message, HasSubstr("text"));
    }
}

TEST(get_text, missing_or_non_string_text_is_refused) {
    for (auto text : {R"({})", R"({"text":5})", R"({"text":["a"]})", R"({"text":null})"}) {
        auto r = get_text(frame(text));
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error().code, core::errc::bad_request);
        EXPECT_THAT(r.error().message, HasSubstr("'text'"));
    }
}

TEST(get_text, accepts_4000_characters_and_refuses_4001) {
    json::object o{{"text", std::string(4000, 'a')}};
    EXPECT_TRUE(get_text(o));
    o["text"] = std::string(4001, 'a');
    auto r = get_text(o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::bad_request);
}

TEST(get_text, limit_counts_characters_not_bytes) {
    std::string text;
    for (int i = 0; i < 4000; ++i) text += "\xe2\x82\xac";  // €, three bytes each
    EXPECT_TRUE(get_text(json::object{{"text", text}}));
    text += "\xe2\x82\xac";
    EXPECT_FALSE(get_text(json::object{{"text", text}}));
}

TEST(get_text, limit_applies_after_trimming) {
    json::object o{{"text", "   " + std::string(4000, 'a') + "   "}};
    EXPECT_TRUE(get_text(o));
}

TEST(get_string, checks_length_and_names_the_field) {
    auto o = frame(R"({"client_id":"","lang":"eng","token":7})");
    auto empty = get_string(o, "client_id", 1, 64);
    ASSERT_FALSE(empty);
    EXPECT_THAT(empty.error().message, HasSubstr("'client_id'"));
    EXPECT_FALSE(get_string(o, "lang", 2, 2));
    auto wrong_type = get_string(o, "token", 64, 64);
    ASSERT_FALSE(wrong_type);
    EXPECT_THAT(wrong_type.error().message, HasSubstr("'token'"));
    EXPECT_EQ(*get_string(frame(R"({"lang":"es"})"), "lang", 2, 2), "es");
}

TEST(get_int, accepts_whole_numbers_in_range) {
    auto o = frame(R"({"a":0,"b":7,"c":-1,"d":2.5,"e":"7","f":18446744073709551615})");
    EXPECT_EQ(*get_int(o, "a", 0, 10), 0);
    EXPECT_EQ(*get_int(o, "b", 0, 10), 7);
    EXPECT_FALSE(get_int(o, "b", 0, 6));
    EXPECT_FALSE(get_int(o, "c", 0, 10));
    EXPECT_FALSE(get_int(o, "d", 0, 10));
    EXPECT_FALSE(get_int(o, "e", 0, 10));
    EXPECT_FALSE(get_int(o, "f", 0, INT64_MAX));
    auto missing = get_int(o, "last_seq", 0, 10);
    ASSERT_FALSE(missing);
    EXPECT_THAT(missing.error().message, HasSubstr("'last_seq'"));
}

TEST(get_bool, accepts_only_booleans) {
    auto o = frame(R"({"yes":true,"no":false,"one":1,"text":"true"})");
    EXPECT_TRUE(*get_bool(o, "yes"));
    EXPECT_FALSE(*get_bool(o, "no"));
    EXPECT_FALSE(get_bool(o, "one"));
    EXPECT_FALSE(get_bool(o, "text"));
    EXPECT_FALSE(get_bool(o, "absent"));
}

TEST(error_frame, has_type_code_message_and_ref) {
    auto f = frame(error_frame({core::errc::bad_request, "field 'text' must be a string"}, "c-17"));
    EXPECT_EQ(f, frame(R"({"type":"error","code":"bad_request",
                           "message":"field 'text' must be a string","ref":"c-17"})"));
}

TEST(error_frame, without_ref_has_no_ref_field) {
    auto f = frame(error_frame({core::errc::rate_limited, "slow down"}));
    EXPECT_EQ(f.at("type"), "error");
    EXPECT_EQ(f.at("code"), "rate_limited");
    EXPECT_FALSE(f.contains("ref"));
}

TEST(encode, writes_compact_json) {
    EXPECT_EQ(encode(json::object{{"type", "ack"}, {"seq", 2}}), R"({"type":"ack","seq":2})");
}

}  // namespace
}  // namespace sc::chat
