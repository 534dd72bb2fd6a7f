// Blocked visitors with an injected clock: placing, renewing, expiry and lifting, with no
// database and no server.
#include "chat/visitor_blocks.hpp"

#include "core/random.hpp"

#include <gtest/gtest.h>

namespace sc::chat {
namespace {

using namespace std::chrono_literals;

class visitor_blocks_test : public ::testing::Test {
  protected:
    core::manual_clock clock_;
    visitor_blocks blocks_{clock_, 24h};
};

TEST_F(visitor_blocks_test, a_placed_block_refuses_its_key_only) {
    auto b = blocks_.place("key-a", 7, "abusive");
    ASSERT_TRUE(b);
    EXPECT_TRUE(blocks_.is_blocked("key-a"));
    EXPECT_FALSE(blocks_.is_blocked("key-b"));
    EXPECT_TRUE(core::is_hex(b->id, 16));
    EXPECT_EQ(b->placed_by, 7);
    EXPECT_EQ(b->placed_at, clock_.now());
    EXPECT_EQ(b->expires_at, clock_.now() + 24h);
    EXPECT_EQ(b->reason, "abusive");
}

TEST_F(visitor_blocks_test, the_block_id_says_nothing_about_the_key) {
    auto a = blocks_.place("key-a", 1, "prank");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->id.find("key"), std::string::npos);
    ASSERT_TRUE(blocks_.lift(a->id));
    auto again = blocks_.place("key-a", 1, "prank");
    ASSERT_TRUE(again);
    EXPECT_NE(again->id, a->id) << "a new block of the same key cannot be linked to the old one";
}

TEST_F(visitor_blocks_test, a_block_expires_after_its_duration) {
    ASSERT_TRUE(blocks_.place("key-a", 1, "threatening"));
    clock_.advance(24h - 1s);
    EXPECT_TRUE(blocks_.is_blocked("key-a"));
    EXPECT_EQ(blocks_.active().size(), 1u);
    clock_.advance(1s);
    EXPECT_FALSE(blocks_.is_blocked("key-a"));
    EXPECT_TRUE(blocks_.active().empty());
}

TEST_F(visitor_blocks_test, the_duration_is_the_configured_one) {
    visitor_blocks short_blocks(clock_, 2h);
    ASSERT_TRUE(short_blocks.place("key-a", 1, "abusive"));
    clock_.advance(2h);
    EXPECT_FALSE(short_blocks.is_blocked("key-a"));
}

TEST_F(visitor_blocks_test, blocking_a_blocked_key_renews_the_same_block) {
    auto first = blocks_.place("key-a", 1, "prank");
    ASSERT_TRUE(first);
    clock_.advance(20h);
    auto second = blocks_.place("key-a", 2, "threatening");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->id, first->id);
    EXPECT_EQ(second->placed_by, 2);
    EXPECT_EQ(second->reason, "threatening");
    EXPECT_EQ(second->expires_at, clock_.now() + 24h);
    ASSERT_EQ(blocks_.active().size(), 1u);
    clock_.advance(10h);
    EXPECT_TRUE(blocks_.is_blocked("key-a")) << "the renewed block runs from its renewal";
}

TEST_F(visitor_blocks_test, lifting_ends_a_block_early) {
    auto b = blocks_.place("key-a", 1, "abusive");
    ASSERT_TRUE(b);
    ASSERT_TRUE(blocks_.place("key-b", 1, "abusive"));
    ASSERT_TRUE(blocks_.lift(b->id));
    EXPECT_FALSE(blocks_.is_blocked("key-a"));
    EXPECT_TRUE(blocks_.is_blocked("key-b"));
    auto twice = blocks_.lift(b->id);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, core::errc::not_found);
}

TEST_F(visitor_blocks_test, an_expired_block_cannot_be_lifted) {
    auto b = blocks_.place("key-a", 1, "abusive");
    ASSERT_TRUE(b);
    clock_.advance(25h);
    auto r = blocks_.lift(b->id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::not_found);
}

TEST_F(visitor_blocks_test, active_lists_oldest_first) {
    auto a = blocks_.place("key-a", 1, "abusive");
    clock_.advance(1min);
    auto b = blocks_.place("key-b", 2, "prank");
    ASSERT_TRUE(a && b);
    auto list = blocks_.active();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, a->id);
    EXPECT_EQ(list[1].id, b->id);
}

TEST_F(visitor_blocks_test, unknown_reasons_and_unknown_networks_are_refused) {
    auto bad = blocks_.place("key-a", 1, "he was rude");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, core::errc::bad_request);
    auto unknown = blocks_.place("", 1, "abusive");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, core::errc::conflict);
    EXPECT_TRUE(blocks_.active().empty());
}

TEST_F(visitor_blocks_test, reason_codes) {
    for (const char* r : {"abusive", "threatening", "prank", "other"})
        EXPECT_TRUE(valid_block_reason(r));
    EXPECT_FALSE(valid_block_reason(""));
    EXPECT_FALSE(valid_block_reason("Abusive"));
}

}  // namespace
}  // namespace sc::chat
