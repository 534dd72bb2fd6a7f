// Staff sessions: hashed tokens, idle and absolute expiry, sign-out, disabled accounts.
#include "staff/sessions.hpp"

#include "core/random.hpp"
#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/unit_of_work.hpp"
#include "store/staff.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace sc::staff {
namespace {

using namespace std::chrono_literals;

class sessions_test : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        ana_ = *add_member(work_, "ana@example.org", "Ana", role::coordinator, "h", clock_.now());
        ben_ = *add_member(work_, "ben@example.org", "Ben", role::coordinator, "h", clock_.now());
    }

    bool valid(const std::string& token, bool touch = true) {
        if (!resume_session(work_, token, clock_.now())) return false;
        if (touch) restart_idle_clock(work_, token, clock_.now());
        return true;
    }

    test_support::temp_dir dir_;
    std::unique_ptr<store::database> store_ =
        store::open_store(dir_ / "staff.db", dir_ / "keys.db");
    store::database& db_ = *store_;
    store::sqlite_unit_of_work work_{db_};
    core::manual_clock clock_;
    member ana_;
    member ben_;
};

TEST_F(sessions_test, token_is_64_hex) {
    EXPECT_TRUE(core::is_hex(create_session(work_, ana_.id, clock_.now()), 64));
}

TEST_F(sessions_test, each_session_gets_its_own_token) {
    EXPECT_NE(create_session(work_, ana_.id, clock_.now()),
              create_session(work_, ana_.id, clock_.now()));
}

TEST_F(sessions_test, database_holds_only_the_hash_of_the_token) {
    auto token = create_session(work_, ana_.id, clock_.now());
    auto rows =
        db_.prepare("SELECT token_hash, staff_id, created_at, last_seen_at FROM staff_sessions");
    int count = 0;
    while (rows.step()) {
        ++count;
        for (int col = 0; col < 4; ++col) {
            auto value = rows.text(col);
            EXPECT_EQ(value.find(token), std::string::npos) << "column " << col;
            EXPECT_EQ(value.find(token.substr(0, 16)), std::string::npos) << "column " << col;
        }
        EXPECT_EQ(rows.text(0), core::token_hash(token));
    }
    EXPECT_EQ(count, 1);
}

TEST_F(sessions_test, token_signs_in_its_member) {
    auto token = create_session(work_, ana_.id, clock_.now());
    auto who = resume_session(work_, token, clock_.now());
    ASSERT_TRUE(who);
    EXPECT_EQ(who->who.id, ana_.id);
    EXPECT_EQ(who->who.name, "Ana");
    EXPECT_EQ(who->id, session_id(token));
    EXPECT_FALSE(who->second_factor);
}

TEST_F(sessions_test, unknown_or_malformed_tokens_sign_in_nobody) {
    create_session(work_, ana_.id, clock_.now());
    EXPECT_FALSE(valid(core::new_token()));
    EXPECT_FALSE(valid(""));
    EXPECT_FALSE(valid("not a token"));
}

TEST_F(sessions_test, the_stored_hash_is_not_a_token) {
    auto token = create_session(work_, ana_.id, clock_.now());
    EXPECT_FALSE(valid(core::token_hash(token))) << "a copied database must not sign anyone in";
}

TEST_F(sessions_test, idle_session_ends_after_30_minutes) {
    auto token = create_session(work_, ana_.id, clock_.now());
    clock_.advance(29min);
    EXPECT_TRUE(valid(token));
    clock_.advance(30min);
    EXPECT_FALSE(valid(token));
}

TEST_F(sessions_test, idle_limit_is_exactly_30_minutes) {
    auto token = create_session(work_, ana_.id, clock_.now());
    clock_.advance(30min - 1s);
    EXPECT_TRUE(valid(token, false));
    clock_.advance(1s);
    EXPECT_FALSE(valid(token, false));
}

TEST_F(sessions_test, activity_keeps_a_session_alive) {
    auto token = create_session(work_, ana_.id, clock_.now());
    for (int i = 0; i < 6; ++i) {
        clock_.advance(20min);
        EXPECT_TRUE(valid(token)) << "after " << (i + 1) * 20 << " minutes";
    }
}

TEST_F(sessions_test, session_ends_after_12_hours_even_when_active) {
    auto token = create_session(work_, ana_.id, clock_.now());
    for (int minutes = 20; minutes < 12 * 60; minutes += 20) {
        clock_.advance(20min);
        ASSERT_TRUE(valid(token)) << "after " << minutes << " minutes";
    }
    clock_.advance(20min);  // 12 hours since sign-in, 20 minutes since the last request
    EXPECT_FALSE(valid(token));
}

TEST_F(sessions_test, resume_without_touch_does_not_extend) {
    auto token = create_session(work_, ana_.id, clock_.now());
    clock_.advance(20min);
    EXPECT_TRUE(valid(token, false));
    clock_.advance(11min);
    EXPECT_FALSE(valid(token, false));
}

TEST_F(sessions_test, a_configured_idle_limit_replaces_the_30_minutes) {
    auto token = create_session(work_, ana_.id, clock_.now());
    clock_.advance(9s);
    EXPECT_TRUE(resume_session(work_, token, clock_.now(), 10s));
    clock_.advance(1s);
    EXPECT_FALSE(resume_session(work_, token, clock_.now(), 10s));
    EXPECT_TRUE(valid(token, false)) << "the limit is the caller's, not stored with the session";
}

TEST_F(sessions_test, the_sweep_keeps_what_a_longer_idle_limit_keeps) {
    auto token = create_session(work_, ana_.id, clock_.now());
    clock_.advance(45min);
    EXPECT_EQ(remove_expired_sessions(work_, clock_.now(), 60min), 0);
    EXPECT_TRUE(resume_session(work_, token, clock_.now(), 60min));
    EXPECT_EQ(remove_expired_sessions(work_, clock_.now(), 10min), 1);
    EXPECT_FALSE(resume_session(work_, token, clock_.now(), 60min));
}

TEST_F(sessions_test, disabled_members_session_is_refused) {
    auto token = create_session(work_, ana_.id, clock_.now());
    work_.staff().disable_member(ana_.id);
    EXPECT_FALSE(valid(token));
}

TEST_F(sessions_test, session_of_a_member_marked_disabled_is_refused) {
    auto token = create_session(work_, ana_.id, clock_.now());
    db_.prepare("UPDATE staff SET disabled = 1 WHERE id = ?").bind(1, ana_.id).run();
    EXPECT_FALSE(valid(token));
}

TEST_F(sessions_test, end_session_signs_out_that_session_only) {
    auto first = create_session(work_, ana_.id, clock_.now());
    auto second = create_session(work_, ana_.id, clock_.now());
    auto bens = create_session(work_, ben_.id, clock_.now());
    end_session(work_, first);
    EXPECT_FALSE(valid(first));
    EXPECT_TRUE(valid(second));
    EXPECT_TRUE(valid(bens));
}

TEST_F(sessions_test, remove_expired_sessions_deletes_only_expired_rows) {
    auto stale = create_session(work_, ana_.id, clock_.now());
    clock_.advance(25min);
    auto fresh = create_session(work_, ben_.id, clock_.now());
    clock_.advance(10min);
    EXPECT_EQ(remove_expired_sessions(work_, clock_.now()), 1);
    EXPECT_TRUE(valid(fresh));
    EXPECT_FALSE(valid(stale));
    auto left = db_.prepare("SELECT count(*) FROM staff_sessions");
    left.step();
    EXPECT_EQ(left.integer(0), 1);
}

}  // namespace
}  // namespace sc::staff
