// Changing the retention period: stored, audited, and published as a policy version that
// states it, with versions scheduled for later promising it too.
#include "privacy/retention_change.hpp"
#include "store/sqlite/sql_job.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/temp_dir.hpp"
#include "privacy/store_refusals.hpp"
#include "store/audit.hpp"
#include "store/policy.hpp"
#include "store/sqlite/worker.hpp"

namespace sc::privacy {
namespace {

using namespace std::chrono_literals;

class retention_change_test : public ::testing::Test {
  protected:
    void SetUp() override {
        admin_ = store_.call(test_support::sql_job([&](store::database& db) {
            db.prepare(
                  "INSERT INTO staff (email, name, role, password_hash, created_at)"
                  " VALUES ('admin@example.org', 'Alex', 'admin', 'x', 0)")
                .run();
            return db.last_insert_id();
        }));
        policy_.load(store_, "# Privacy\n\nWe keep chats {{retention_hours}} hours.", 72,
                     clock_.now());
    }
    void TearDown() override { store_.stop(); }

    core::result<policy_version> change(int hours) {
        return change_retention(store_, policy_, setting_, hours, admin_, clock_.now());
    }

    std::vector<std::string> audited() {
        return store_.call([](store::unit_of_work& work) {
            std::vector<std::string> out;
            for (const auto& e : work.audit().newest(50, 0))
                out.push_back(e.action + " " + e.subject);
            std::reverse(out.begin(), out.end());
            return out;
        });
    }

    std::optional<int> stored_retention() {
        return store_.call(
            [](store::unit_of_work& work) { return work.policy().retention_hours(); });
    }

    std::vector<store::policy_version_row> stored_versions() {
        return store_.call([](store::unit_of_work& work) { return work.policy().versions(); });
    }

    core::result<policy_version> publish_next_year() {
        return policy_.publish(store_, "# Next year's text", 72, clock_.now() + 24h * 30, admin_,
                               clock_.now());
    }

    test_support::temp_dir dir_;
    store::sqlite_worker store_{dir_ / "main.db", dir_ / "keys.db"};
    core::manual_clock clock_;
    policy_registry policy_;
    retention_setting setting_{72};
    std::int64_t admin_ = 0;
};

TEST_F(retention_change_test, a_change_publishes_the_newest_text_in_force_now) {
    auto v = change(24);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(v->version, 2);
    EXPECT_EQ(policy_.in_force(clock_.now()), 2);
    EXPECT_EQ(policy_.find(2)->retention_hours, 24);
    EXPECT_EQ(policy_.find(2)->markdown, policy_.find(1)->markdown);
    EXPECT_EQ(policy_.find(1)->retention_hours, 72) << "the old version keeps its promise";
}

TEST_F(retention_change_test, the_new_period_is_stored_and_in_force) {
    ASSERT_TRUE(change(24));
    EXPECT_EQ(setting_.hours(), 24);
    EXPECT_EQ(stored_retention(), 24);
}

TEST_F(retention_change_test, the_change_and_the_version_are_audited) {
    ASSERT_TRUE(change(24));
    auto log = audited();
    EXPECT_NE(std::find(log.begin(), log.end(), "retention_changed 72 -> 24 hours"), log.end());
    EXPECT_NE(std::find(log.begin(), log.end(), "policy_published version 2"), log.end());
}

TEST_F(retention_change_test, a_version_scheduled_for_later_promises_the_new_period) {
    auto later = publish_next_year();
    ASSERT_TRUE(later);
    ASSERT_TRUE(change(12));
    EXPECT_EQ(policy_.find(later->version)->retention_hours, 12);
    clock_.advance(24h * 31);
    EXPECT_EQ(policy_.find(policy_.in_force(clock_.now()))->retention_hours, 12);
}

TEST_F(retention_change_test, zero_and_ten_years_are_the_bounds) {
    EXPECT_TRUE(change(0));
    EXPECT_TRUE(change(retention_hours_max));
    for (int hours : {-1, retention_hours_max + 1}) {
        auto r = change(hours);
        ASSERT_FALSE(r) << hours;
        EXPECT_EQ(r.error().code, core::errc::bad_request);
    }
    EXPECT_EQ(setting_.hours(), retention_hours_max);
    EXPECT_EQ(policy_.all().size(), 3u) << "a refused change publishes nothing";
}

// The store refuses a change in each way it can fail: the period in force, the registry and
// the disk all keep the old state, and the same change goes through once the store does.
class retention_refused_test : public retention_change_test,
                               public ::testing::WithParamInterface<test_support::refusal> {};

TEST_P(retention_refused_test, a_refused_change_changes_nothing_in_memory_or_on_disk) {
    auto later = publish_next_year();
    ASSERT_TRUE(later);
    auto versions_before = policy_.all();
    auto audit_before = audited();

    test_support::refuse(store_, GetParam());
    auto refused = change(24);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, core::errc::internal);
    EXPECT_NE(refused.error().message.find("nothing changed"), std::string::npos);
    EXPECT_EQ(setting_.hours(), 72);
    EXPECT_EQ(policy_.all(), versions_before);
    EXPECT_EQ(policy_.find(later->version)->retention_hours, 72)
        << "the scheduled version still promises the old period";
    EXPECT_EQ(policy_.in_force(clock_.now()), 1);
    EXPECT_EQ(stored_retention(), std::nullopt);
    auto rows = stored_versions();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].retention_hours, 72);
    EXPECT_EQ(audited(), audit_before);

    test_support::allow(store_);
    auto retried = change(24);
    ASSERT_TRUE(retried) << retried.error().message;
    EXPECT_EQ(setting_.hours(), 24);
    EXPECT_EQ(policy_.in_force(clock_.now()), retried->version);
    EXPECT_EQ(policy_.find(later->version)->retention_hours, 24);
    EXPECT_EQ(stored_retention(), 24);
    policy_registry from_disk;
    from_disk.load(store_, "# ignored", 72, clock_.now());
    EXPECT_EQ(from_disk.all(), policy_.all()) << "memory and disk agree";
}

INSTANTIATE_TEST_SUITE_P(each_failure, retention_refused_test,
                         ::testing::Values(test_support::refusal::version,
                                           test_support::refusal::audit_entry,
                                           test_support::refusal::commit),
                         [](const auto& p) { return test_support::refusal_name(p.param); });

}  // namespace
}  // namespace sc::privacy
