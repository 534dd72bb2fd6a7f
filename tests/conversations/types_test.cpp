#include "conversations/types.hpp"

#include <gtest/gtest.h>

namespace sc::conversations {
namespace {

TEST(types, names_read_back_as_the_same_value) {
    for (auto s : {status::waiting, status::active, status::closed}) {
        EXPECT_EQ(parse_status(name(s)), s);
    }
    for (auto s : {sender::visitor, sender::advocate, sender::system}) {
        EXPECT_EQ(parse_sender(name(s)), s);
    }
    EXPECT_EQ(parse_channel(name(channel::chat)), channel::chat);
    EXPECT_EQ(name(status::active), "active");
    EXPECT_EQ(name(sender::advocate), "advocate");
}

TEST(types, unknown_names_are_refused) {
    EXPECT_FALSE(parse_status("Waiting"));
    EXPECT_FALSE(parse_sender(""));
    EXPECT_FALSE(parse_channel("fax"));
}

}  // namespace
}  // namespace sc::conversations
