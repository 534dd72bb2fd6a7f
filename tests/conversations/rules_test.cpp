// Routing, closing and the new-chat limit: the rules of the conversation core.
#include "conversations/closing.hpp"
#include "conversations/new_chat_limit.hpp"
#include "conversations/routing.hpp"

#include <gtest/gtest.h>

namespace sc::conversations {
namespace {

TEST(routing, an_advocate_takes_only_a_waiting_chat_and_within_capacity) {
    routing r(3);
    EXPECT_TRUE(r.may_accept(status::waiting, {7, true, 2}));
    auto taken = r.may_accept(status::active, {7, true, 0});
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().code, core::errc::conflict);
    auto full = r.may_accept(status::waiting, {7, true, 3});
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error().message, "you already have 3 chats open; end one first");
}

TEST(routing, a_transfer_goes_to_someone_else_signed_in_with_room) {
    routing r(2);
    EXPECT_TRUE(r.may_transfer(1, {2, true, 1}));
    EXPECT_FALSE(r.may_transfer(1, {2, false, 0})) << "signed out";
    EXPECT_FALSE(r.may_transfer(1, {1, true, 0})) << "already theirs";
    EXPECT_FALSE(r.may_transfer(1, {2, true, 2})) << "full";
}

TEST(closing, dispositions_are_fixed_codes) {
    for (auto code : {"information", "safety_planning", "emotional_support", "referral",
                      "no_response", "other"}) {
        EXPECT_TRUE(valid_disposition(code)) << code;
    }
    EXPECT_FALSE(valid_disposition(""));
    EXPECT_FALSE(valid_disposition("Safety planning"));
    EXPECT_FALSE(valid_disposition("left_queue")) << "recorded by the service, never chosen";
    EXPECT_EQ(disposition_error().message,
              "field 'disposition' must be one of information, safety_planning, "
              "emotional_support, referral, no_response, other");
}

TEST(closing, a_visitor_leaving_the_queue_is_recorded_at_once) {
    auto out = close(status::waiting, closed_by::visitor, false, "");
    EXPECT_FALSE(out.advocate_owes_disposition);
    EXPECT_EQ(out.disposition, "left_queue");
}

TEST(closing, a_visitor_leaving_an_advocate_leaves_them_the_disposition) {
    auto out = close(status::active, closed_by::visitor, true, "");
    EXPECT_TRUE(out.advocate_owes_disposition);
}

TEST(closing, an_advocate_ending_a_chat_gives_its_disposition) {
    auto out = close(status::active, closed_by::advocate, true, "referral");
    EXPECT_FALSE(out.advocate_owes_disposition);
    EXPECT_EQ(out.disposition, "referral");
}

TEST(new_chat_limit, counts_per_network_within_an_hour) {
    new_chat_limit limit(2);
    auto t0 = core::from_unix_seconds(1'800'000'000);
    EXPECT_TRUE(limit.allow("net-a", t0));
    EXPECT_TRUE(limit.allow("net-a", t0));
    EXPECT_FALSE(limit.allow("net-a", t0 + std::chrono::minutes(59)));
    EXPECT_TRUE(limit.allow("net-b", t0)) << "another network is counted apart";
    EXPECT_TRUE(limit.allow("net-a", t0 + std::chrono::minutes(61)));
}

}  // namespace
}  // namespace sc::conversations
