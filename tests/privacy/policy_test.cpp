// Privacy policy versions: what is in force when, and why the past cannot be changed; the
// registry changes only once the store has the change.
#include "privacy/policy.hpp"
#include "store/sqlite/sql_job.hpp"

#include "core/temp_dir.hpp"
#include "privacy/store_refusals.hpp"
#include "store/audit.hpp"
#include "store/policy.hpp"
#include "store/sqlite/worker.hpp"

#include <gtest/gtest.h>

namespace sc::privacy {
namespace {

using namespace std::chrono_literals;

class policy_test : public ::testing::Test {
  protected:
    void SetUp() override {
        admin_ = store_.call(test_support::sql_job([](store::database& db) {
            db.prepare(
                  "INSERT INTO staff (email, name, role, password_hash, created_at)"
                  " VALUES ('admin@example.org', 'Alex', 'admin', 'x', 0)")
                .run();
            return db.last_insert_id();
        }));
        registry_.load(store_, "# Privacy\n\nVersion one.", 72, clock_.now());
    }
    void TearDown() override { store_.stop(); }

    core::result<policy_version> publish(const std::string& text, core::time_point effective,
                                         int retention_hours = 72) {
        return registry_.publish(store_, text, retention_hours, effective, admin_, clock_.now());
    }

    std::vector<store::policy_version_row> stored_versions() {
        return store_.call([](store::unit_of_work& work) { return work.policy().versions(); });
    }

    std::vector<std::string> audited() {
        return store_.call([](store::unit_of_work& work) {
            std::vector<std::string> out;
            for (const auto& e : work.audit().newest(50, 0))
                out.push_back(e.action + " " + e.subject);
            return out;
        });
    }

    test_support::temp_dir dir_;
    store::sqlite_worker store_{dir_ / "main.db", dir_ / "keys.db"};
    core::manual_clock clock_;
    policy_registry registry_;
    std::int64_t admin_ = 0;
};

TEST_F(policy_test, the_first_start_records_the_initial_text_as_version_1) {
    EXPECT_EQ(registry_.in_force(clock_.now()), 1);
    auto v1 = registry_.find(1);
    ASSERT_TRUE(v1);
    EXPECT_EQ(v1->markdown, "# Privacy\n\nVersion one.");
    EXPECT_FALSE(v1->published_by);
}

TEST_F(policy_test, loading_again_does_not_add_a_version) {
    policy_registry again;
    again.load(store_, "# Something else", 24, clock_.now());
    EXPECT_EQ(again.all().size(), 1u);
    EXPECT_EQ(again.find(1)->markdown, "# Privacy\n\nVersion one.");
    EXPECT_EQ(again.find(1)->retention_hours, 72);
}

TEST_F(policy_test, each_version_keeps_the_retention_it_promised) {
    publish("# Privacy\n\nVersion one.", clock_.now(), 24);
    EXPECT_EQ(registry_.find(1)->retention_hours, 72);
    EXPECT_EQ(registry_.find(2)->retention_hours, 24);
    policy_registry after_restart;
    after_restart.load(store_, "# ignored", 1, clock_.now());
    EXPECT_EQ(after_restart.find(1)->retention_hours, 72);
    EXPECT_EQ(after_restart.find(2)->retention_hours, 24);
}

TEST_F(policy_test, latest_markdown_is_the_newest_text_even_if_not_yet_in_force) {
    publish("# Scheduled", clock_.now() + 24h);
    EXPECT_EQ(registry_.latest_markdown(), "# Scheduled");
}

TEST_F(policy_test, a_new_version_is_in_force_from_its_effective_time) {
    auto v2 = publish("# Privacy\n\nVersion two.", clock_.now() + 24h);
    ASSERT_TRUE(v2) << v2.error().message;
    EXPECT_EQ(v2->version, 2);
    EXPECT_EQ(registry_.in_force(clock_.now()), 1);
    EXPECT_EQ(registry_.in_force(clock_.now() + 24h - 1s), 1);
    EXPECT_EQ(registry_.in_force(clock_.now() + 24h), 2);
}

TEST_F(policy_test, published_lists_only_versions_already_in_force_newest_first) {
    publish("# Two", clock_.now());
    publish("# Three", clock_.now() + 48h);
    auto now = registry_.published(clock_.now());
    ASSERT_EQ(now.size(), 2u);
    EXPECT_EQ(now[0].version, 2);
    EXPECT_EQ(now[1].version, 1);
    EXPECT_EQ(registry_.published(clock_.now() + 48h).front().version, 3);
    EXPECT_EQ(registry_.all().size(), 3u);
}

TEST_F(policy_test, a_version_cannot_take_effect_in_the_past) {
    auto r = publish("# Backdated", clock_.now() - 1h);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::bad_request);
    EXPECT_EQ(registry_.all().size(), 1u);
}

TEST_F(policy_test, empty_or_oversized_text_is_refused) {
    EXPECT_FALSE(publish(" \n\t ", clock_.now()));
    EXPECT_FALSE(publish(std::string(policy_max_bytes + 1, 'x'), clock_.now()));
    EXPECT_EQ(registry_.all().size(), 1u);
}

TEST_F(policy_test, a_broken_template_is_refused_with_the_reason) {
    // Once accepted, it made /privacy answer 500 to every visitor.
    auto r = publish("# Privacy\n\n{{#retention_hours}} never closed", clock_.now());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::bad_request);
    EXPECT_NE(r.error().message.find("template error"), std::string::npos);
    EXPECT_FALSE(publish("{{unclosed", clock_.now()));
    EXPECT_TRUE(publish("Kept for {{retention_hours}} hours.", clock_.now()));
}

TEST_F(policy_test, versions_survive_a_restart) {
    publish("# Two", clock_.now() + 1h);
    policy_registry after_restart;
    after_restart.load(store_, "# ignored", 24, clock_.now());
    EXPECT_EQ(after_restart.in_force(clock_.now() + 1h), 2);
    EXPECT_EQ(after_restart.find(2)->published_by, admin_);
}

TEST_F(policy_test, publishing_records_the_version_and_its_audit_entry) {
    auto v = publish("# Two", clock_.now());
    ASSERT_TRUE(v);
    auto rows = stored_versions();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].markdown, "# Two");
    EXPECT_EQ(rows[1].published_by, admin_);
    EXPECT_EQ(audited(), std::vector<std::string>{"policy_published version 2"});
}

// The store refuses a publish in each way it can fail: memory and disk both keep the old
// versions, and once the store takes writes again the same publish goes through.
class policy_refused_test : public policy_test,
                            public ::testing::WithParamInterface<test_support::refusal> {};

TEST_P(policy_refused_test, a_refused_version_changes_nothing_in_memory_or_on_disk) {
    auto scheduled = publish("# Scheduled", clock_.now() + 24h);
    ASSERT_TRUE(scheduled);
    auto versions_before = registry_.all();
    auto audit_before = audited();

    test_support::refuse(store_, GetParam());
    auto refused = publish("# In force now", clock_.now());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, core::errc::internal);
    EXPECT_NE(refused.error().message.find("nothing was published"), std::string::npos);
    EXPECT_EQ(registry_.all(), versions_before);
    EXPECT_EQ(registry_.in_force(clock_.now()), 1);
    EXPECT_EQ(registry_.latest_markdown(), "# Scheduled");
    EXPECT_EQ(stored_versions().size(), 2u);
    EXPECT_EQ(audited(), audit_before);

    test_support::allow(store_);
    auto retried = publish("# In force now", clock_.now());
    ASSERT_TRUE(retried) << retried.error().message;
    EXPECT_EQ(retried->version, 3);
    EXPECT_EQ(registry_.in_force(clock_.now()), 3);
    policy_registry from_disk;
    from_disk.load(store_, "# ignored", 72, clock_.now());
    EXPECT_EQ(from_disk.all(), registry_.all()) << "memory and disk agree";
    EXPECT_EQ(audited().front(), "policy_published version 3");
}

INSTANTIATE_TEST_SUITE_P(each_failure, policy_refused_test,
                         ::testing::Values(test_support::refusal::version,
                                           test_support::refusal::audit_entry,
                                           test_support::refusal::commit),
                         [](const auto& p) { return test_support::refusal_name(p.param); });

}  // namespace
}  // namespace sc::privacy
