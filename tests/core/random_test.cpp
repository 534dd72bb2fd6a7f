// Random tokens and the hashes under which the database keeps them.
#include "core/random.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace sc::core {
namespace {

class random_test : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(random_test, new_token_is_64_lowercase_hex) { EXPECT_TRUE(is_hex(new_token(), 64)); }

TEST_F(random_test, new_tokens_differ) { EXPECT_NE(new_token(), new_token()); }

TEST_F(random_test, random_hex_has_two_characters_per_byte) {
    EXPECT_TRUE(is_hex(random_hex(16), 32));
}

TEST_F(random_test, token_hash_is_64_hex_and_not_the_token) {
    auto token = new_token();
    auto hash = token_hash(token);
    EXPECT_TRUE(is_hex(hash, 64));
    EXPECT_NE(hash, token);
}

TEST_F(random_test, token_hash_is_stable) {
    auto token = new_token();
    EXPECT_EQ(token_hash(token), token_hash(token));
}

TEST_F(random_test, different_tokens_hash_differently) {
    EXPECT_NE(token_hash(new_token()), token_hash(new_token()));
}

// Stored hashes must stay valid across releases: pin the algorithm (BLAKE2b-256, unkeyed).
TEST_F(random_test, token_hash_is_blake2b_256) {
    EXPECT_EQ(token_hash(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    EXPECT_EQ(token_hash("abc"),
              "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST_F(random_test, to_hex_writes_lowercase_pairs) {
    EXPECT_EQ(to_hex(std::string_view("\x00\x7f\xab\xff", 4)), "007fabff");
}

TEST_F(random_test, is_hex_needs_the_exact_length_of_lowercase_hex) {
    EXPECT_TRUE(is_hex("0123456789abcdef", 16));
    EXPECT_FALSE(is_hex("0123456789abcdef", 15));
    EXPECT_FALSE(is_hex("0123456789ABCDEF", 16));
    EXPECT_FALSE(is_hex("0123456789abcdeg", 16));
    EXPECT_FALSE(is_hex("", 1));
}

}  // namespace
}  // namespace sc::core
