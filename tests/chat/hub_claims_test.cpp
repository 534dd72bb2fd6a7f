// Claims are decided by the store, not by one hub's memory: two hubs over one database (two
// nodes, later) both see a chat waiting, both accept it, and exactly one wins.
#include "chat/hub_fixture.hpp"
#include "store/sqlite/worker_gate.hpp"

namespace sc::chat {
namespace {

class hub_claims_test : public hub_test {
  protected:
    /// A second hub on the same store: what another node would be. Each test settles the
    /// store before it ends, so no completion outlives the hub it calls back.
    std::unique_ptr<hub> second_node() {
        auto other = std::make_unique<hub>(*store_, *keys_, policy_, clock_, settings_);
        other->load();
        return other;
    }
};

TEST_F(hub_claims_test, of_two_nodes_accepting_one_chat_only_one_wins) {
    auto v = start_visitor();
    auto node_b = second_node();  // loads the chat as waiting
    auto ana = join(ana_);        // on the first node
    auto ben = std::make_shared<recording_link>();
    node_b->staff_join(ben, ben_);

    accept(ana, v);
    ASSERT_TRUE(node_b->staff_accept(ben.get(), v.id)) << "node b's memory still says waiting";

    auto taken = ana->wait_type("chat").at("chat").as_object();
    EXPECT_EQ(taken.at("status"), "active");
    auto refused = ben->wait_type("error");
    EXPECT_EQ(refused.at("code"), "conflict");
    EXPECT_EQ(refused.at("message"), "this chat was already taken or has ended");
    settle();
    EXPECT_EQ(query<std::int64_t>("SELECT staff_id FROM conversations WHERE id = ?", v.id),
              ana_.id);
    EXPECT_EQ(query<std::int64_t>("SELECT count(*) FROM messages WHERE conversation_id = ?", v.id),
              1)
        << "one advocate_joined, from the winner";
    EXPECT_EQ(v.link->wait_message(1).at("name"), "Ana");
    EXPECT_TRUE(ben->frames_of("chat").empty()) << "the loser never got the chat";
}

TEST_F(hub_claims_test, a_transfer_by_someone_no_longer_holding_the_chat_loses) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    auto node_b = second_node();  // loads the chat as Ana's
    auto sam = std::make_shared<recording_link>();
    node_b->staff_join(sam, sam_);  // a supervisor on the other node
    auto ben = join(ben_);

    // Ana hands it to Ben here; on node b, Sam still sees Ana holding it and moves it too.
    ASSERT_TRUE(hub_->staff_transfer(ana.get(), v.id, ben_.id));
    ana->wait_type("removed");
    ASSERT_TRUE(node_b->staff_transfer(sam.get(), v.id, sam_.id));
    auto refused = sam->wait_type("error");
    EXPECT_EQ(refused.at("code"), "conflict");
    settle();
    EXPECT_EQ(query<std::int64_t>("SELECT staff_id FROM conversations WHERE id = ?", v.id),
              ben_.id);
}

TEST_F(hub_claims_test, a_change_another_node_committed_is_not_taken_for_ones_own) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    auto node_b = second_node();
    auto sam = std::make_shared<recording_link>();
    node_b->staff_join(sam, sam_);
    auto ben = join(ben_);
    {
        // Both transfers are decided before the store has either: each node numbers its
        // "transferred" message 2, and the store keeps the first.
        test_support::worker_gate held(*store_);
        ASSERT_TRUE(hub_->staff_transfer(ana.get(), v.id, ben_.id));
        ASSERT_TRUE(node_b->staff_transfer(sam.get(), v.id, sam_.id));
    }
    EXPECT_EQ(sam->wait_type("error").at("code"), "conflict")
        << "node b heard that message 2 was added, but it was node a's";
    EXPECT_EQ(ben->wait_chat(v.id).at("status"), "active");
    settle();
    EXPECT_TRUE(sam->frames_of("chat").empty()) << "the transfer that lost is not shown as made";
}

TEST_F(hub_claims_test, a_claim_under_way_counts_against_capacity_and_blocks_a_second) {
    use_settings({1, 30});
    auto ana = join(ana_);
    auto ben = join(ben_);
    auto v = start_visitor();
    auto w = start_visitor();
    {
        // The store is held: Ana's claim on v is decided by nobody yet.
        test_support::worker_gate held(*store_);
        ASSERT_TRUE(hub_->staff_accept(ana.get(), v.id));
        auto again = hub_->staff_accept(ben.get(), v.id);
        ASSERT_FALSE(again) << "a chat being claimed is taken";
        EXPECT_EQ(again.error().code, core::errc::conflict);
        auto second = hub_->staff_accept(ana.get(), w.id);
        ASSERT_FALSE(second) << "the claim counts against Ana's one chat";
        EXPECT_EQ(second.error().code, core::errc::conflict);
    }
    EXPECT_EQ(ana->wait_chat(v.id).at("status"), "active");
}

}  // namespace
}  // namespace sc::chat
