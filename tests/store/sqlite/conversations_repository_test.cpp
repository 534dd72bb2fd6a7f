// The SQLite conversation repository and key vault on a real store: claims decided by
// conditional updates, messages without gaps, what counts as live and as expired, and the
// repair of an erasure a crash left half done.
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/unit_of_work.hpp"

#include "core/temp_dir.hpp"

#include <gtest/gtest.h>

namespace sc::store {
namespace {

class conversations_repository_test : public ::testing::Test {
  protected:
    void SetUp() override {
        // The advocates the claims name (staff ids 7, 8 and 9).
        for (int id : {7, 8, 9}) {
            db_->exec(
                "INSERT INTO staff (id, email, name, role, password_hash, created_at)"
                " VALUES (" +
                std::to_string(id) + ", 'a" + std::to_string(id) +
                "@example.org', 'A', 'coordinator', 'x', 0)");
        }
    }
    conversation_row add(const std::string& id, const std::string& status = "waiting",
                         std::int64_t created_at = 100) {
        conversation_row row;
        row.id = id;
        row.lang = "en";
        row.status = status;
        row.resume_token_hash = "hash-" + id;
        row.sealed_key = "key-" + id;
        row.created_at = created_at;
        work_.keys().put(row.id, row.sealed_key);
        work_.conversations().insert(row);
        return row;
    }
    stored_message message(std::int64_t seq) {
        stored_message m;
        m.seq = seq;
        m.sender = "visitor";
        m.client_id = "c" + std::to_string(seq);
        m.sealed_body = "sealed " + std::to_string(seq);
        m.created_at = 100 + seq;
        return m;
    }
    std::vector<std::string> live_ids() {
        std::vector<std::string> ids;
        for (const auto& r : work_.conversations().live()) ids.push_back(r.id);
        return ids;
    }

    test_support::temp_dir dir_;
    std::unique_ptr<database> db_ = open_store(dir_ / "main.db", dir_ / "keys.db");
    sqlite_unit_of_work work_{*db_};
    conversation_repository& conversations_ = work_.conversations();
};

TEST_F(conversations_repository_test, a_new_conversation_is_live_with_its_sealed_key) {
    add("a");
    auto live = conversations_.live();
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0].id, "a");
    EXPECT_EQ(live[0].status, "waiting");
    EXPECT_EQ(live[0].channel, "chat");
    EXPECT_EQ(live[0].sealed_key, "key-a");
    EXPECT_EQ(live[0].resume_token_hash, "hash-a");
    EXPECT_EQ(live[0].last_seq, 0);
}

TEST_F(conversations_repository_test, only_a_waiting_conversation_can_be_claimed) {
    add("a");
    EXPECT_TRUE(conversations_.claim_waiting("a", 7, 200));
    EXPECT_FALSE(conversations_.claim_waiting("a", 8, 201)) << "already taken";
    EXPECT_FALSE(conversations_.claim_waiting("nobody", 8, 201));
    auto live = conversations_.live();
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0].staff_id, 7);
    EXPECT_EQ(live[0].accepted_at, 200);
}

TEST_F(conversations_repository_test, only_the_holder_can_transfer) {
    add("a");
    ASSERT_TRUE(conversations_.claim_waiting("a", 7, 200));
    EXPECT_FALSE(conversations_.claim_transfer("a", 8, 9)) << "8 does not hold it";
    EXPECT_TRUE(conversations_.claim_transfer("a", 7, 9));
    EXPECT_FALSE(conversations_.claim_transfer("a", 7, 8)) << "7 no longer holds it";
    EXPECT_EQ(conversations_.live()[0].staff_id, 9);
}

TEST_F(conversations_repository_test, messages_follow_each_other_without_a_gap) {
    add("a");
    conversations_.append_message("a", message(1));
    EXPECT_THROW(conversations_.append_message("a", message(3)), store_error);
    conversations_.append_message("a", message(2));
    auto all = conversations_.messages("a", 0, 2);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1].sealed_body, "sealed 2");
    EXPECT_EQ(conversations_.messages("a", 1, 2).size(), 1u);
    EXPECT_EQ(conversations_.client_ids("a").size(), 2u);
    EXPECT_EQ(conversations_.live()[0].last_seq, 2);
}

TEST_F(conversations_repository_test, a_closed_conversation_leaves_the_live_ones_and_expires) {
    add("a");
    add("b");
    conversations_.mark_closed("a", "advocate", 500);
    EXPECT_EQ(live_ids(), std::vector<std::string>{"b"});
    EXPECT_TRUE(conversations_.expired(499, 10).empty());
    auto expired = conversations_.expired(500, 10);
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].id, "a");
    EXPECT_FALSE(expired[0].evaluated);
    EXPECT_TRUE(conversations_.claim_evaluation("a"));
    EXPECT_FALSE(conversations_.claim_evaluation("a")) << "one evaluation per conversation";
    EXPECT_TRUE(conversations_.expired(500, 10)[0].evaluated);
}

TEST_F(conversations_repository_test, a_held_conversation_never_expires) {
    add("a");
    conversations_.mark_closed("a", "advocate", 500);
    db_->exec("UPDATE conversations SET legal_hold = 1");
    EXPECT_TRUE(conversations_.expired(10'000, 10).empty());
    EXPECT_TRUE(conversations_.erasure_state_of("a")->legal_hold);
}

TEST_F(conversations_repository_test, a_conversation_whose_key_is_gone_is_closed_and_not_live) {
    add("a");
    add("b");
    work_.keys().destroy({"a"});
    EXPECT_EQ(live_ids(), std::vector<std::string>{"b"});
    conversations_.close_keyless(900);
    EXPECT_EQ(conversations_.erasure_state_of("a")->status, "closed");
    EXPECT_EQ(conversations_.erasure_state_of("b")->status, "waiting");
}

TEST_F(conversations_repository_test, erasure_deletes_rows_and_repair_finishes_a_half_done_one) {
    add("a");
    add("b");
    add("c");
    conversations_.append_message("a", message(1));
    conversations_.mark_closed("a", "advocate", 500);
    conversations_.mark_closed("b", "advocate", 500);
    // a: key destroyed, rows left (a crash after step 2); c: rows gone, key left.
    work_.keys().destroy({"a"});
    db_->exec("DELETE FROM conversations WHERE id = 'c'");
    EXPECT_EQ(conversations_.repair_partial_erasures(), 2);
    EXPECT_FALSE(conversations_.erasure_state_of("a"));
    EXPECT_TRUE(conversations_.messages("a", 0, 10).empty());
    EXPECT_TRUE(conversations_.erasure_state_of("b")) << "b still has its key";
    conversations_.erase_rows({"b"});
    EXPECT_FALSE(conversations_.erasure_state_of("b"));
}

TEST_F(conversations_repository_test, the_evaluation_view_has_key_intake_and_a_closing_time) {
    auto row = add("a");
    auto open = conversations_.for_evaluation("a");
    ASSERT_TRUE(open);
    EXPECT_EQ(open->closed_at, row.created_at) << "never closed: its creation time";
    EXPECT_EQ(open->sealed_key, "key-a");
    EXPECT_TRUE(open->sealed_intake.empty());
    conversations_.mark_closed("a", "visitor", 700);
    conversations_.set_disposition("a", "information");
    auto closed = conversations_.for_evaluation("a");
    EXPECT_EQ(closed->closed_at, 700);
    EXPECT_EQ(closed->disposition, "information");
    work_.keys().destroy({"a"});
    EXPECT_TRUE(conversations_.for_evaluation("a")->sealed_key.empty());
    EXPECT_FALSE(conversations_.for_evaluation("nobody"));
}

}  // namespace
}  // namespace sc::store
