#include "conversations/queue.hpp"

#include <gtest/gtest.h>

namespace sc::conversations {
namespace {

using std::chrono::seconds;
const core::time_point t0 = core::from_unix_seconds(1'800'000'000);

TEST(queue, keeps_the_oldest_first_and_pages_through_it) {
    queue q;
    for (int i = 0; i < 120; ++i) q.join("c" + std::to_string(i), t0 + seconds(i));
    ASSERT_EQ(q.size(), 120u);
    EXPECT_EQ(q.entries().front().id, "c0");
    auto first = q.page(0);
    ASSERT_EQ(first.size(), queue::page_size);
    EXPECT_EQ(first.front().id, "c0");
    auto last = q.page(100);
    ASSERT_EQ(last.size(), 20u);
    EXPECT_EQ(last.front().id, "c100");
    EXPECT_TRUE(q.page(500).empty());
}

TEST(queue, a_page_past_the_end_starts_at_the_last_page) {
    queue q;
    EXPECT_EQ(q.page_start(70), 0u);
    for (int i = 0; i < 60; ++i) q.join("c" + std::to_string(i), t0);
    EXPECT_EQ(q.page_start(0), 0u);
    EXPECT_EQ(q.page_start(50), 50u);
    EXPECT_EQ(q.page_start(900), 50u);
    for (int i = 0; i < 10; ++i) q.leave("c" + std::to_string(i));
    EXPECT_EQ(q.page_start(50), 0u) << "fifty left: one page";
}

TEST(queue, take_and_leave_remove_only_what_is_there) {
    queue q;
    q.join("a", t0);
    q.join("b", t0);
    EXPECT_TRUE(q.take("a", t0 + seconds(10)));
    EXPECT_FALSE(q.take("a", t0 + seconds(10)));
    EXPECT_FALSE(q.leave("zzz"));
    EXPECT_TRUE(q.leave("b"));
    EXPECT_TRUE(q.empty());
}

TEST(queue, promises_no_wait_when_nobody_is_available) {
    queue q;
    EXPECT_EQ(q.estimated_wait(1, 0), seconds(0));
}

TEST(queue, estimates_two_minutes_a_chat_before_any_was_taken) {
    queue q;
    EXPECT_EQ(q.estimated_wait(1, 1), seconds(120));
    EXPECT_EQ(q.estimated_wait(3, 1), seconds(360));
    EXPECT_EQ(q.estimated_wait(3, 2), seconds(180)) << "two advocates share the line";
}

TEST(queue, learns_from_the_waits_of_the_chats_taken) {
    queue q;
    q.join("a", t0);
    q.join("b", t0);
    ASSERT_TRUE(q.take("a", t0 + seconds(60)));
    ASSERT_TRUE(q.take("b", t0 + seconds(100)));
    EXPECT_EQ(q.estimated_wait(1, 1), seconds(80));
    // A chat that left without being taken is no sample.
    q.join("c", t0);
    q.leave("c");
    EXPECT_EQ(q.estimated_wait(2, 1), seconds(160));
}

TEST(queue, never_estimates_under_thirty_seconds_a_chat) {
    queue q;
    q.join("a", t0);
    q.take("a", t0 + seconds(1));
    EXPECT_EQ(q.estimated_wait(1, 1), seconds(30));
}

TEST(queue, remembers_only_the_last_twenty_waits) {
    queue q;
    for (int i = 0; i < 20; ++i) {
        q.join("slow", t0);
        q.take("slow", t0 + seconds(1000));
    }
    for (int i = 0; i < 20; ++i) {
        q.join("quick", t0);
        q.take("quick", t0 + seconds(40));
    }
    EXPECT_EQ(q.estimated_wait(1, 1), seconds(40));
}

}  // namespace
}  // namespace sc::conversations
