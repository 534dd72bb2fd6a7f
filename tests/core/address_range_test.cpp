#include "core/address_range.hpp"

#include "core/config.hpp"

#include <gtest/gtest.h>

namespace sc::core {
namespace {

TEST(address_range, matches_single_addresses_and_prefixes_of_both_families) {
    auto one = address_range::parse("192.0.2.7");
    ASSERT_TRUE(one);
    EXPECT_TRUE(one->contains("192.0.2.7"));
    EXPECT_TRUE(one->contains("::ffff:192.0.2.7"));
    EXPECT_FALSE(one->contains("192.0.2.8"));
    auto net = address_range::parse("10.0.0.0/8");
    ASSERT_TRUE(net);
    EXPECT_TRUE(net->contains("10.255.1.2"));
    EXPECT_FALSE(net->contains("11.0.0.1"));
    auto v6 = address_range::parse("2001:db8::/32");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->contains("2001:db8:1::5"));
    EXPECT_FALSE(v6->contains("2001:db9::5"));
    EXPECT_FALSE(v6->contains("not an address"));
}

TEST(address_range, refuses_what_is_not_a_range) {
    for (const char* bad : {"", "10.0.0.0/33", "::/129", "10.0.0/8", "example.org", "1.2.3.4/x"}) {
        EXPECT_FALSE(address_range::parse(bad)) << bad;
    }
    EXPECT_THROW(parse_address_ranges("trusted_proxies", "127.0.0.1, nonsense"), config_error);
    EXPECT_EQ(parse_address_ranges("trusted_proxies", " 127.0.0.1 , ::1 ").size(), 2u);
}

TEST(client_address, believes_forwarded_for_only_from_trusted_proxies) {
    auto trusted = parse_address_ranges("t", "127.0.0.1,10.0.0.0/8");
    EXPECT_EQ(client_address("192.0.2.1", "198.51.100.9", trusted), "192.0.2.1");
    EXPECT_EQ(client_address("127.0.0.1", "198.51.100.9", trusted), "198.51.100.9");
    // A client may put anything on the left; only the hops our proxies added count.
    EXPECT_EQ(client_address("127.0.0.1", "6.6.6.6, 198.51.100.9, 10.1.1.1", trusted),
              "198.51.100.9");
    EXPECT_EQ(client_address("127.0.0.1", "", trusted), "127.0.0.1");
    EXPECT_EQ(client_address("127.0.0.1", "garbage", trusted), "127.0.0.1");
    EXPECT_EQ(client_address("127.0.0.1", "198.51.100.9", {}), "127.0.0.1");
}

}  // namespace
}  // namespace sc::core
