// Privacy policy versions: what is in force when, and why the past cannot be changed.
#include "privacy/policy.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"

#include <gtest/gtest.h>

namespace sc::privacy {
namespace {

using namespace std::chrono_literals;

class policy_test : public ::testing::Test {
  protected:
    void SetUp() override {
        db_->prepare(
               "INSERT INTO staff (email, name, role, password_hash, created_at)"
               " VALUES ('admin@example.org', 'Alex', 'admin', 'x', 0)")
            .run();
        admin_ = db_->last_insert_id();
        registry_.load(*db_, "# Privacy\n\nVersion one.", 72, clock_.now());
    }

    core::result<policy_version> publish(const std::string& text, core::time_point effective,
                                         int retention_hours = 72) {
        return registry_.publish(*db_, text, retention_hours, effective, admin_, clock_.now());
    }

    test_support::temp_dir dir_;
    std::unique_ptr<store::database> db_ = store::open_store(dir_ / "main.db", dir_ / "keys.db");
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
    again.load(*db_, "# Something else", 24, clock_.now());
    EXPECT_EQ(again.all().size(), 1u);
    EXPECT_EQ(again.find(1)->markdown, "# Privacy\n\nVersion one.");
    EXPECT_EQ(again.find(1)->retention_hours, 72);
}

TEST_F(policy_test, each_version_keeps_the_retention_it_promised) {
    publish("# Privacy\n\nVersion one.", clock_.now(), 24);
    EXPECT_EQ(registry_.find(1)->retention_hours, 72);
    EXPECT_EQ(registry_.find(2)->retention_hours, 24);
    policy_registry after_restart;
    after_restart.load(*db_, "# ignored", 1, clock_.now());
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
    after_restart.load(*db_, "# ignored", 24, clock_.now());
    EXPECT_EQ(after_restart.in_force(clock_.now() + 1h), 2);
    EXPECT_EQ(after_restart.find(2)->published_by, admin_);
}

}  // namespace
}  // namespace sc::privacy
