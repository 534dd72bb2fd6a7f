#include "conversations/presence.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sc::conversations {
namespace {

// Consoles named as a test likes; the hub names them by their connection.
using named_presence = presence<std::string>;
const std::string phone = "phone";
const std::string laptop = "laptop";

TEST(presence, a_member_is_online_from_their_first_console_to_their_last) {
    named_presence p;
    EXPECT_TRUE(p.opened(7, phone));
    EXPECT_FALSE(p.opened(7, laptop));
    EXPECT_TRUE(p.online(7));
    EXPECT_EQ(p.consoles(7).size(), 2u);
    EXPECT_FALSE(p.closed(7, phone));
    EXPECT_TRUE(p.online(7));
    EXPECT_TRUE(p.closed(7, laptop));
    EXPECT_FALSE(p.online(7));
    EXPECT_TRUE(p.consoles(7).empty());
    EXPECT_FALSE(p.closed(7, laptop)) << "a console closed twice is not a second departure";
}

TEST(presence, availability_is_chosen_and_forgotten_with_the_last_console) {
    named_presence p;
    p.opened(7, phone);
    EXPECT_FALSE(p.available(7)) << "nobody is available before they say so";
    p.set_available(7, true);
    EXPECT_TRUE(p.available(7));
    p.closed(7, phone);
    p.opened(7, phone);
    EXPECT_FALSE(p.available(7));
}

TEST(presence, an_offline_member_cannot_be_made_available) {
    named_presence p;
    p.set_available(9, true);
    EXPECT_FALSE(p.online(9));
    EXPECT_FALSE(p.available(9));
    EXPECT_EQ(p.available_count(), 0u);
}

TEST(presence, counts_and_lists_the_members_online) {
    named_presence p;
    p.opened(9, phone);
    p.opened(3, phone);
    p.opened(5, laptop);
    p.set_available(5, true);
    EXPECT_EQ(p.online_members(), (std::vector<std::int64_t>{3, 5, 9}));
    EXPECT_EQ(p.online_count(), 3u);
    EXPECT_EQ(p.available_count(), 1u);
}

}  // namespace
}  // namespace sc::conversations
