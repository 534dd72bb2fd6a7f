// Password rules: length in code points with a byte bound, valid UTF-8, and zxcvbn's
// estimate, with a refusal that says what made the password guessable.
#include "staff/password_policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sc::staff {
namespace {

using ::testing::HasSubstr;

std::string refusal(std::string_view password, std::vector<std::string_view> personal = {}) {
    auto r = check_new_password(password, personal);
    return r ? std::string() : r.error().message;
}

TEST(password_policy, counts_code_points_not_bytes) {
    EXPECT_EQ(count_code_points("abc"), 3u);
    EXPECT_EQ(count_code_points("ñandú"), 5u);
    EXPECT_EQ(count_code_points("日本語"), 3u);
    EXPECT_EQ(count_code_points("🙂"), 1u);
}

TEST(password_policy, rejects_invalid_utf8) {
    for (std::string bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
        EXPECT_FALSE(count_code_points(bad)) << bad.size();
        EXPECT_THAT(refusal("long enough words " + bad), HasSubstr("UTF-8"));
    }
}

TEST(password_policy, twelve_code_points_is_enough_even_when_they_are_few_bytes) {
    // 11 characters in 22 bytes is too short; a byte count would have let it through.
    EXPECT_THAT(refusal("ñññññññññññ"), HasSubstr("12 to 256 characters"));
    EXPECT_THAT(refusal("ñññññññññññ"), HasSubstr("has 11"));
}

TEST(password_policy, accepts_long_unusual_passphrases_in_any_script) {
    EXPECT_EQ(refusal("gentle otter paints quietly"), "");
    EXPECT_EQ(refusal("mi contraseña segura y larga"), "");
    EXPECT_EQ(refusal("水母が静かに漂う夜の海辺"), "");
    std::string long_phrase;
    while (long_phrase.size() < 200) long_phrase += "the quiet heron waits by the river ";
    EXPECT_EQ(refusal(long_phrase), "") << "more than 128 characters are allowed";
}

TEST(password_policy, bounds_characters_and_bytes) {
    EXPECT_THAT(refusal(std::string(257, 'k')), HasSubstr("12 to 256"));
    std::string wide;
    for (int i = 0; i < 300; ++i) wide += "🙂";  // 300 code points, 1200 bytes
    EXPECT_THAT(refusal(wide), HasSubstr("1024 bytes"));
}

TEST(password_policy, refuses_common_and_patterned_passwords_and_says_why) {
    EXPECT_THAT(refusal("password1234"), HasSubstr("common words or passwords"));
    EXPECT_THAT(refusal("1qaz2wsx3edc4rfv"), HasSubstr("keyboard pattern"));
    EXPECT_THAT(refusal("abcdefghijklmnop"), HasSubstr("sequence"));
    EXPECT_THAT(refusal("xkxkxkxkxkxkxkxk"), HasSubstr("repeated"));
    EXPECT_THAT(refusal("0203199512041987"), HasSubstr("dates"));
    EXPECT_THAT(refusal("Summer2024!Summer"), HasSubstr("too easy to guess"));
}

TEST(password_policy, refuses_passwords_built_on_the_accounts_own_words) {
    EXPECT_THAT(refusal("ana.lopez@example.org1", {"ana.lopez@example.org", "Ana Lopez"}),
                HasSubstr("your email address or name"));
}

TEST(password_policy, refuses_nul_characters) {
    EXPECT_THAT(refusal(std::string("gentle otter\0paints quietly", 27)), HasSubstr("NUL"));
}

}  // namespace
}  // namespace sc::staff
