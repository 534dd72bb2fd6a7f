// The audit log: append-only, newest first, paged.
#include "privacy/audit.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"

#include <gtest/gtest.h>

namespace sc::privacy {
namespace {

class audit_test : public ::testing::Test {
  protected:
    test_support::temp_dir dir_;
    std::unique_ptr<store::database> db_ = store::open_store(dir_ / "main.db", dir_ / "keys.db");
    core::manual_clock clock_;
};

TEST_F(audit_test, entries_read_back_newest_first) {
    audit(*db_, clock_.now(), std::nullopt, "purge", "3 conversations");
    audit(*db_, clock_.now(), std::nullopt, "retention_set", "24");
    auto entries = read_audit(*db_, 10, 0);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].action, "retention_set");
    EXPECT_EQ(entries[0].subject, "24");
    EXPECT_EQ(entries[1].action, "purge");
    EXPECT_FALSE(entries[1].staff_id);
    EXPECT_EQ(entries[1].at, core::unix_seconds(clock_.now()));
}

TEST_F(audit_test, pages_backwards_from_an_id) {
    for (int i = 0; i < 5; ++i) audit(*db_, clock_.now(), std::nullopt, "a" + std::to_string(i));
    auto first = read_audit(*db_, 2, 0);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[1].action, "a3");
    auto next = read_audit(*db_, 2, first.back().id);
    ASSERT_EQ(next.size(), 2u);
    EXPECT_EQ(next[0].action, "a2");
    EXPECT_EQ(next[1].action, "a1");
}

TEST_F(audit_test, entries_cannot_be_changed_or_deleted) {
    audit(*db_, clock_.now(), std::nullopt, "purge");
    EXPECT_THROW(db_->exec("UPDATE audit_log SET action = 'nothing'"), store::store_error);
    EXPECT_THROW(db_->exec("DELETE FROM audit_log"), store::store_error);
    EXPECT_EQ(read_audit(*db_, 10, 0).size(), 1u);
}

}  // namespace
}  // namespace sc::privacy
