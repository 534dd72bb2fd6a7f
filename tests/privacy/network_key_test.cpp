// The salted stand-in for a client address: stable within a process, unlinkable across salts.
#include "privacy/network_key.hpp"

#include "core/random.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace sc::privacy {
namespace {

class network_key_test : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(network_key_test, same_address_gives_the_same_key) {
    network_salt salt;
    EXPECT_EQ(salt.key_for("203.0.113.77"), salt.key_for("203.0.113.77"));
}

TEST_F(network_key_test, key_is_16_bytes) {
    network_salt salt;
    EXPECT_EQ(salt.key_for("203.0.113.77").size(), 16u);
    EXPECT_EQ(salt.key_for("2001:db8::1").size(), 16u);
}

TEST_F(network_key_test, different_addresses_give_different_keys) {
    network_salt salt;
    EXPECT_NE(salt.key_for("203.0.113.77"), salt.key_for("203.0.113.78"));
}

TEST_F(network_key_test, two_salts_give_different_keys_for_one_address) {
    network_salt a;
    network_salt b;
    EXPECT_NE(a.key_for("203.0.113.77"), b.key_for("203.0.113.77"));
}

TEST_F(network_key_test, key_does_not_contain_the_address) {
    network_salt salt;
    const std::string address = "203.0.113.77";
    auto key = salt.key_for(address);
    EXPECT_EQ(key.find(address), std::string::npos);
    EXPECT_EQ(key.find("203.0"), std::string::npos);
    EXPECT_EQ(core::to_hex(key).find(core::to_hex(address)), std::string::npos);
}

}  // namespace
}  // namespace sc::privacy
