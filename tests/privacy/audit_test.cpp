// The audit log: append-only, newest first, paged.
#include "privacy/audit.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/unit_of_work.hpp"

#include <gtest/gtest.h>

namespace sc::privacy {
namespace {

class audit_test : public ::testing::Test {
  protected:
    std::vector<store::audit_row> newest(int limit, std::int64_t before_id = 0) {
        return work_.audit().newest(limit, before_id);
    }

    test_support::temp_dir dir_;
    std::unique_ptr<store::database> db_ = store::open_store(dir_ / "main.db", dir_ / "keys.db");
    store::sqlite_unit_of_work work_{*db_};
    core::manual_clock clock_;
};

TEST_F(audit_test, entries_read_back_newest_first) {
    audit(work_, clock_.now(), std::nullopt, "purge", "3 conversations");
    audit(work_, clock_.now(), std::nullopt, "retention_set", "24");
    auto entries = newest(10);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].action, "retention_set");
    EXPECT_EQ(entries[0].subject, "24");
    EXPECT_EQ(entries[1].action, "purge");
    EXPECT_FALSE(entries[1].staff_id);
    EXPECT_EQ(entries[1].at, core::unix_seconds(clock_.now()));
}

TEST_F(audit_test, pages_backwards_from_an_id) {
    for (int i = 0; i < 5; ++i) audit(work_, clock_.now(), std::nullopt, "a" + std::to_string(i));
    auto first = newest(2);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[1].action, "a3");
    auto next = newest(2, first.back().id);
    ASSERT_EQ(next.size(), 2u);
    EXPECT_EQ(next[0].action, "a2");
    EXPECT_EQ(next[1].action, "a1");
}

TEST_F(audit_test, entries_cannot_be_changed_or_deleted) {
    audit(work_, clock_.now(), std::nullopt, "purge");
    EXPECT_THROW(db_->exec("UPDATE audit_log SET action = 'nothing'"), store::store_error);
    EXPECT_THROW(db_->exec("DELETE FROM audit_log"), store::store_error);
    EXPECT_EQ(newest(10).size(), 1u);
}

}  // namespace
}  // namespace sc::privacy
