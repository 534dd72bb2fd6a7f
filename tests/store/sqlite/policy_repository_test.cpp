// The SQLite engine's policy versions and the retention setting they promise.
#include "store/sqlite/policy_repository.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"

#include <gtest/gtest.h>

namespace sc::store {
namespace {

class policy_repository_test : public ::testing::Test {
  protected:
    void SetUp() override {
        db_->exec(
            "INSERT INTO staff (id, email, name, role, password_hash, created_at)"
            " VALUES (5, 'admin@example.org', 'Alex', 'admin', 'x', 0)");
    }

    test_support::temp_dir dir_;
    std::unique_ptr<database> db_ = open_store(dir_ / "main.db", dir_ / "keys.db");
    sqlite_policy_repository policy_{*db_};
};

TEST_F(policy_repository_test, the_first_version_is_number_1_and_published_by_nobody) {
    EXPECT_TRUE(policy_.versions().empty());
    policy_.add_first_version("# One", 1000, 72);
    auto rows = policy_.versions();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].version, 1);
    EXPECT_EQ(rows[0].markdown, "# One");
    EXPECT_EQ(rows[0].effective_at, 1000);
    EXPECT_EQ(rows[0].published_at, 1000);
    EXPECT_FALSE(rows[0].published_by);
    EXPECT_EQ(rows[0].retention_hours, 72);
}

TEST_F(policy_repository_test, later_versions_take_the_next_numbers_in_order) {
    policy_.add_first_version("# One", 1000, 72);
    EXPECT_EQ(policy_.add_version({99, "# Two", 3000, 2000, 5, 24}), 2) << "its own number";
    EXPECT_EQ(policy_.add_version({0, "# Three", 2500, 2000, 5, 12}), 3);
    auto rows = policy_.versions();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1].markdown, "# Two");
    EXPECT_EQ(rows[1].effective_at, 3000);
    EXPECT_EQ(rows[1].published_at, 2000);
    EXPECT_EQ(rows[1].published_by, 5);
    EXPECT_EQ(rows[1].retention_hours, 24);
    EXPECT_EQ(rows[2].version, 3) << "ascending by number, not by effective time";
}

TEST_F(policy_repository_test, rescheduling_changes_only_versions_not_yet_in_force) {
    policy_.add_first_version("# One", 1000, 72);
    policy_.add_version({0, "# Two", 2000, 1000, 5, 72});
    policy_.add_version({0, "# Three", 3000, 1000, 5, 72});
    policy_.reschedule_retention(6, 2000);
    auto rows = policy_.versions();
    EXPECT_EQ(rows[0].retention_hours, 72);
    EXPECT_EQ(rows[1].retention_hours, 72) << "in force from the very second given";
    EXPECT_EQ(rows[2].retention_hours, 6);
}

TEST_F(policy_repository_test, retention_is_empty_until_an_administrator_sets_it) {
    EXPECT_EQ(policy_.retention_hours(), std::nullopt);
    policy_.set_retention_hours(24);
    EXPECT_EQ(policy_.retention_hours(), 24);
    policy_.set_retention_hours(0);
    EXPECT_EQ(policy_.retention_hours(), 0);
}

TEST_F(policy_repository_test, an_unreadable_retention_setting_counts_as_none) {
    db_->exec("INSERT INTO settings (key, value) VALUES ('retention_hours', 'forever')");
    EXPECT_EQ(policy_.retention_hours(), std::nullopt);
}

}  // namespace
}  // namespace sc::store
