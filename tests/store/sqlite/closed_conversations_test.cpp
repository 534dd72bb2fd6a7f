// The SQLite engine's list of closed conversations, for the console's retention page.
#include "store/sqlite/conversations_repository.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"

#include <gtest/gtest.h>

namespace sc::store {
namespace {

class closed_conversations_test : public ::testing::Test {
  protected:
    void SetUp() override {
        db_->exec(
            "INSERT INTO staff (id, email, name, role, password_hash, created_at)"
            " VALUES (3, 'ana@example.org', 'Ana', 'coordinator', 'x', 0)");
    }

    void add(const std::string& id, const std::string& status, std::int64_t closed_at,
             const std::string& rest = "NULL, NULL, NULL, 0") {
        db_->exec(
            "INSERT INTO conversations (id, channel, lang, status, created_at, closed_at,"
            " closed_by, staff_id, disposition, legal_hold) VALUES ('" +
            id + "', 'chat', 'en', '" + status + "', 0, " + std::to_string(closed_at) + ", " +
            rest + ")");
    }

    test_support::temp_dir dir_;
    std::unique_ptr<database> db_ = open_store(dir_ / "main.db", dir_ / "keys.db");
    sqlite_conversation_repository conversations_{*db_};
};

TEST_F(closed_conversations_test, lists_closed_ones_newest_first_with_their_advocate) {
    add("older", "closed", 100, "'visitor', NULL, NULL, 0");
    add("newer", "closed", 300, "'advocate', 3, 'information', 1");
    add("open", "active", 400);
    auto rows = conversations_.list_closed(10);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].id, "newer");
    EXPECT_EQ(rows[0].closed_at, 300);
    EXPECT_EQ(rows[0].closed_by, "advocate");
    EXPECT_EQ(rows[0].advocate, "Ana");
    EXPECT_EQ(rows[0].disposition, "information");
    EXPECT_TRUE(rows[0].legal_hold);
    EXPECT_EQ(rows[1].id, "older");
    EXPECT_EQ(rows[1].closed_by, "visitor");
    EXPECT_EQ(rows[1].advocate, "") << "nobody held it";
    EXPECT_EQ(rows[1].disposition, "");
    EXPECT_FALSE(rows[1].legal_hold);
}

TEST_F(closed_conversations_test, lists_at_most_the_limit) {
    for (int i = 0; i < 5; ++i) add("c" + std::to_string(i), "closed", 100 + i);
    auto rows = conversations_.list_closed(2);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].id, "c4");
    EXPECT_EQ(rows[1].id, "c3");
}

}  // namespace
}  // namespace sc::store
