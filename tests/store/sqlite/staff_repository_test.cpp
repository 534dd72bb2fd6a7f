// The SQLite staff repository's methods that the staff domain tests (tests/staff/) do not
// reach: password changes, failed sign-in counts, ending a member's other sessions, the
// one-use rules of TOTP steps and recovery codes, and the required-roles setting.
#include "store/sqlite/staff_repository.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sc::store {
namespace {

class staff_repository_test : public ::testing::Test {
  protected:
    void SetUp() override {
        ana_ = add("ana@example.org", "Ana");
        ben_ = add("ben@example.org", "Ben");
    }

    std::int64_t add(const std::string& email, const std::string& name) {
        return staff_.add_member({.email = email,
                                  .name = name,
                                  .role = "coordinator",
                                  .password_hash = "hash of " + name,
                                  .created_at = 1000});
    }

    /// Whether the session is there at all (no cut-off excludes it).
    bool live(const std::string& token_hash) {
        return staff_.find_session(token_hash, {}).has_value();
    }

    std::vector<std::string> sorted(std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    }

    test_support::temp_dir dir_;
    std::unique_ptr<database> db_ = open_store(dir_ / "staff.db", dir_ / "keys.db");
    sqlite_staff_repository staff_{*db_};
    std::int64_t ana_ = 0;
    std::int64_t ben_ = 0;
};

TEST_F(staff_repository_test, added_members_read_back_with_their_fields) {
    auto row = staff_.find_member(ana_);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->email, "ana@example.org");
    EXPECT_EQ(row->name, "Ana");
    EXPECT_EQ(row->role, "coordinator");
    EXPECT_FALSE(row->disabled);
    EXPECT_FALSE(row->must_change_password);
    EXPECT_FALSE(row->totp_enrolled);
    EXPECT_EQ(staff_.count_members(), 2);
}

TEST_F(staff_repository_test, password_hash_of_answers_for_disabled_accounts_too) {
    EXPECT_EQ(staff_.password_hash_of(ana_), "hash of Ana");
    EXPECT_TRUE(staff_.disable_member(ana_));
    EXPECT_EQ(staff_.password_hash_of(ana_), "hash of Ana");
    EXPECT_FALSE(staff_.find_credentials("ana@example.org"));
    EXPECT_FALSE(staff_.password_hash_of(999));
}

TEST_F(staff_repository_test, a_new_password_lifts_a_required_change) {
    staff_.require_password_change(ana_);
    EXPECT_TRUE(staff_.find_member(ana_)->must_change_password);
    EXPECT_FALSE(staff_.find_member(ben_)->must_change_password);
    staff_.set_password(ana_, "new hash");
    EXPECT_FALSE(staff_.find_member(ana_)->must_change_password);
    EXPECT_EQ(staff_.find_credentials("ana@example.org")->password_hash, "new hash");
    EXPECT_EQ(staff_.password_hash_of(ben_), "hash of Ben");
}

TEST_F(staff_repository_test, failed_sign_ins_are_counted_by_email_and_taken_once) {
    staff_.count_failed_sign_in("ana@example.org");
    staff_.count_failed_sign_in("ANA@example.org");
    staff_.count_failed_sign_in("nobody@example.org");
    EXPECT_EQ(staff_.take_failed_sign_ins(ana_), 2);
    EXPECT_EQ(staff_.take_failed_sign_ins(ana_), 0);
    EXPECT_EQ(staff_.take_failed_sign_ins(ben_), 0);
    EXPECT_EQ(staff_.take_failed_sign_ins(999), 0);
}

TEST_F(staff_repository_test, ending_a_members_sessions_keeps_the_one_named) {
    staff_.add_session("a1", ana_, 1000, false);
    staff_.add_session("a2", ana_, 1000, false);
    staff_.add_session("a3", ana_, 1000, false);
    staff_.add_session("b1", ben_, 1000, false);
    EXPECT_EQ(sorted(staff_.end_sessions_of(ana_, "a2")), (std::vector<std::string>{"a1", "a3"}));
    EXPECT_TRUE(live("a2"));
    EXPECT_FALSE(live("a1"));
    EXPECT_EQ(staff_.end_sessions_of(ana_, {}), std::vector<std::string>{"a2"});
    EXPECT_FALSE(live("a2"));
    EXPECT_TRUE(live("b1"));
}

TEST_F(staff_repository_test, disabling_ends_that_members_sessions_only) {
    staff_.add_session("a1", ana_, 1000, false);
    staff_.add_session("b1", ben_, 1000, false);
    EXPECT_TRUE(staff_.disable_member(ana_));
    EXPECT_EQ(staff_.end_sessions_of(ana_, {}), std::vector<std::string>{});
    EXPECT_TRUE(live("b1"));
    EXPECT_FALSE(staff_.disable_member(999));
}

TEST_F(staff_repository_test, session_cutoffs_are_exclusive) {
    staff_.add_session("a1", ana_, 1000, false);
    EXPECT_TRUE(staff_.find_session("a1", {999, 999, 999}));
    EXPECT_FALSE(staff_.find_session("a1", {1000, 999, 999}));
    EXPECT_FALSE(staff_.find_session("a1", {999, 1000, 999}));
    staff_.touch_session("a1", 2000);
    EXPECT_TRUE(staff_.find_session("a1", {1999, 999, 999}));
    EXPECT_EQ(staff_.remove_sessions_older_than(1999, 999), 0);
    EXPECT_EQ(staff_.remove_sessions_older_than(1999, 1000), 1);
}

TEST_F(staff_repository_test, an_unverified_session_of_a_totp_member_has_its_own_cutoff) {
    staff_.set_pending_totp(ana_, "sealed");
    staff_.confirm_pending_totp(ana_, 100);
    staff_.add_session("a1", ana_, 1000, false);
    EXPECT_TRUE(staff_.find_session("a1", {0, 0, 999}));
    EXPECT_FALSE(staff_.find_session("a1", {0, 0, 1000}));
    staff_.pass_second_factor("a1");
    auto passed = staff_.find_session("a1", {0, 0, 1000});
    ASSERT_TRUE(passed);
    EXPECT_EQ(passed->staff_id, ana_);
    EXPECT_TRUE(passed->second_factor);
}

TEST_F(staff_repository_test, a_pending_secret_becomes_the_totp_once_confirmed) {
    EXPECT_FALSE(staff_.pending_totp(ana_));
    staff_.set_pending_totp(ana_, "sealed one");
    EXPECT_EQ(staff_.pending_totp(ana_), "sealed one");
    EXPECT_FALSE(staff_.has_totp(ana_));
    EXPECT_FALSE(staff_.totp_of(ana_));
    staff_.confirm_pending_totp(ana_, 100);
    EXPECT_FALSE(staff_.pending_totp(ana_));
    EXPECT_TRUE(staff_.has_totp(ana_));
    EXPECT_TRUE(staff_.find_member(ana_)->totp_enrolled);
    auto totp = staff_.totp_of(ana_);
    ASSERT_TRUE(totp);
    EXPECT_EQ(totp->sealed_secret, "sealed one");
    EXPECT_EQ(totp->last_step, 100);
    EXPECT_FALSE(staff_.has_totp(ben_));
}

TEST_F(staff_repository_test, a_totp_step_is_used_only_after_the_last_one) {
    staff_.set_pending_totp(ana_, "sealed");
    staff_.confirm_pending_totp(ana_, 100);
    EXPECT_FALSE(staff_.use_totp_step(ana_, 100));
    EXPECT_FALSE(staff_.use_totp_step(ana_, 99));
    EXPECT_TRUE(staff_.use_totp_step(ana_, 101));
    EXPECT_FALSE(staff_.use_totp_step(ana_, 101));
    EXPECT_EQ(staff_.totp_of(ana_)->last_step, 101);
}

TEST_F(staff_repository_test, recovery_codes_are_replaced_and_each_used_once) {
    staff_.replace_recovery_codes(ana_, {"h1", "h2"});
    staff_.replace_recovery_codes(ben_, {"h1"});
    staff_.replace_recovery_codes(ana_, {"h3", "h4", "h5"});
    EXPECT_EQ(staff_.count_recovery_codes(ana_), 3);
    EXPECT_FALSE(staff_.use_recovery_code(ana_, "h1"));
    EXPECT_TRUE(staff_.use_recovery_code(ana_, "h4"));
    EXPECT_FALSE(staff_.use_recovery_code(ana_, "h4"));
    EXPECT_EQ(staff_.count_recovery_codes(ana_), 2);
    EXPECT_EQ(staff_.count_recovery_codes(ben_), 1);
}

TEST_F(staff_repository_test, reset_removes_totp_pending_secret_and_codes_of_that_member) {
    staff_.set_pending_totp(ana_, "sealed");
    staff_.confirm_pending_totp(ana_, 100);
    staff_.set_pending_totp(ana_, "sealed again");
    staff_.replace_recovery_codes(ana_, {"h1"});
    staff_.replace_recovery_codes(ben_, {"h2"});
    staff_.reset_two_factor(ana_);
    EXPECT_FALSE(staff_.has_totp(ana_));
    EXPECT_FALSE(staff_.pending_totp(ana_));
    EXPECT_EQ(staff_.count_recovery_codes(ana_), 0);
    EXPECT_EQ(staff_.count_recovery_codes(ben_), 1);
}

TEST_F(staff_repository_test, required_roles_are_nothing_until_set_and_then_replaced) {
    EXPECT_FALSE(staff_.totp_required_roles());
    staff_.set_totp_required_roles("admin");
    staff_.set_totp_required_roles("supervisor,admin");
    EXPECT_EQ(staff_.totp_required_roles(), "supervisor,admin");
    staff_.set_totp_required_roles("");
    EXPECT_EQ(staff_.totp_required_roles(), "");
}

}  // namespace
}  // namespace sc::store
