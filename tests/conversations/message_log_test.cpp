#include "conversations/message_log.hpp"

#include <gtest/gtest.h>

namespace sc::conversations {
namespace {

TEST(message_log, numbers_messages_from_where_the_store_left_off) {
    message_log log(7);
    EXPECT_EQ(log.reserve(sender::system, "").seq, 8);
    EXPECT_EQ(log.reserve(sender::visitor, "v1").seq, 9);
    EXPECT_EQ(log.last_seq(), 9);
}

TEST(message_log, knows_a_client_id_as_pending_then_stored) {
    message_log log;
    auto r = log.reserve(sender::visitor, "v1");
    auto pending = log.find(sender::visitor, "v1");
    ASSERT_TRUE(pending);
    EXPECT_EQ(pending->seq, r.seq);
    EXPECT_FALSE(pending->stored);
    log.stored(sender::visitor, "v1");
    EXPECT_TRUE(log.find(sender::visitor, "v1")->stored);
}

TEST(message_log, keeps_visitor_and_advocate_ids_apart) {
    message_log log;
    log.reserve(sender::visitor, "same");
    EXPECT_FALSE(log.find(sender::advocate, "same"));
    EXPECT_FALSE(log.find(sender::system, "same"));
    log.remember(sender::advocate, "a1", 3);
    EXPECT_TRUE(log.find(sender::advocate, "a1")->stored);
    EXPECT_FALSE(log.find(sender::visitor, "a1"));
}

TEST(message_log, a_failed_message_gives_its_number_back_and_its_id_is_forgotten) {
    message_log log(4);
    auto r = log.reserve(sender::visitor, "v1");
    ASSERT_EQ(r.seq, 5);
    log.failed(r, sender::visitor, "v1");
    EXPECT_FALSE(log.find(sender::visitor, "v1")) << "a resend is a new message";
    EXPECT_EQ(log.last_seq(), 4);
    EXPECT_EQ(log.reserve(sender::visitor, "v1").seq, 5);
}

TEST(message_log, the_messages_in_flight_behind_a_failure_change_nothing_more) {
    message_log log(10);
    auto a = log.reserve(sender::visitor, "a");   // 11
    auto b = log.reserve(sender::advocate, "b");  // 12
    auto c = log.reserve(sender::visitor, "c");   // 13
    log.failed(a, sender::visitor, "a");
    EXPECT_EQ(log.last_seq(), 10);
    auto d = log.reserve(sender::visitor, "d");  // 11 again, after the failure
    EXPECT_EQ(d.seq, 11);
    // 12 and 13 fail in the store (they no longer follow the last stored message).
    log.failed(b, sender::advocate, "b");
    log.failed(c, sender::visitor, "c");
    EXPECT_EQ(log.last_seq(), 11) << "old failures leave the new count alone";
    EXPECT_FALSE(log.find(sender::advocate, "b"));
    EXPECT_FALSE(log.find(sender::visitor, "c"));
    EXPECT_TRUE(log.find(sender::visitor, "d"));
    EXPECT_EQ(log.reserve(sender::visitor, "e").seq, 12);
}

TEST(message_log, a_failure_forgets_only_the_id_it_numbered) {
    message_log log;
    auto first = log.reserve(sender::visitor, "v1");
    log.failed(first, sender::visitor, "v1");
    auto again = log.reserve(sender::visitor, "v1");
    log.failed(first, sender::visitor, "v1");  // a late duplicate report
    auto known = log.find(sender::visitor, "v1");
    ASSERT_TRUE(known);
    EXPECT_EQ(known->seq, again.seq);
}

}  // namespace
}  // namespace sc::conversations
