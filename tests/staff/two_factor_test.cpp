// TOTP enrolment and sign-in codes against a real database: the secret is stored only
// sealed, a code works once, recovery codes work once and are stored hashed, reset clears.
#include "staff/two_factor.hpp"

#include "core/temp_dir.hpp"
#include "staff/sessions.hpp"
#include "staff/totp.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/unit_of_work.hpp"
#include "store/staff.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

namespace sc::staff {
namespace {

using namespace std::chrono_literals;

class two_factor_test : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        ana_ = *add_member(work_, "ana@example.org", "Ana", role::coordinator, "h", clock_.now());
    }

    /// Enrols Ana and returns her raw secret and recovery codes.
    std::pair<std::string, std::vector<std::string>> enrol() {
        auto secret = begin_totp_enrolment(work_, keys_, ana_.id);
        auto codes = confirm_totp_enrolment(work_, keys_, ana_.id, totp_code(secret, clock_.now()),
                                            clock_.now());
        EXPECT_TRUE(codes);
        clock_.advance(30s);  // the enrolment code's step is used up
        return {secret, codes ? *codes : std::vector<std::string>{}};
    }

    std::string stored_blobs() {
        auto s = db_.prepare(
            "SELECT coalesce(totp_secret, x''), coalesce(totp_pending, x'') FROM staff");
        std::string all;
        while (s.step()) all += s.blob(0) + s.blob(1);
        return all;
    }

    test_support::temp_dir dir_;
    std::unique_ptr<store::database> store_ = store::open_store(dir_ / "s.db", dir_ / "keys.db");
    store::database& db_ = *store_;
    store::sqlite_unit_of_work work_{db_};
    privacy::keyring keys_{dir_ / "master.key"};
    core::manual_clock clock_;
    member ana_;
};

TEST_F(two_factor_test, enrolment_needs_a_code_from_the_new_secret) {
    auto secret = begin_totp_enrolment(work_, keys_, ana_.id);
    EXPECT_FALSE(two_factor_of(work_, ana_.id).enrolled);
    auto right = totp_code(secret, clock_.now());
    auto other = right;
    other[0] = right[0] == '9' ? '0' : static_cast<char>(right[0] + 1);
    EXPECT_FALSE(confirm_totp_enrolment(work_, keys_, ana_.id, other, clock_.now()));
    auto codes = confirm_totp_enrolment(work_, keys_, ana_.id, totp_code(secret, clock_.now()),
                                        clock_.now());
    ASSERT_TRUE(codes);
    EXPECT_EQ(codes->size(), 10u);
    auto status = two_factor_of(work_, ana_.id);
    EXPECT_TRUE(status.enrolled);
    EXPECT_EQ(status.recovery_codes_left, 10);
    EXPECT_TRUE(find_member(work_, ana_.id)->totp_enrolled);
}

TEST_F(two_factor_test, confirming_without_starting_is_refused) {
    auto r = confirm_totp_enrolment(work_, keys_, ana_.id, "123456", clock_.now());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::conflict);
}

TEST_F(two_factor_test, the_secret_is_never_stored_in_the_clear) {
    auto secret = begin_totp_enrolment(work_, keys_, ana_.id);
    EXPECT_EQ(stored_blobs().find(secret), std::string::npos);
    EXPECT_EQ(stored_blobs().find(base32(secret)), std::string::npos);
    ASSERT_TRUE(confirm_totp_enrolment(work_, keys_, ana_.id, totp_code(secret, clock_.now()),
                                       clock_.now()));
    EXPECT_EQ(stored_blobs().find(secret), std::string::npos);
}

TEST_F(two_factor_test, a_sealed_secret_moved_to_another_account_does_not_open) {
    enrol();
    auto ben = *add_member(work_, "ben@example.org", "Ben", role::coordinator, "h", clock_.now());
    db_.exec("UPDATE staff SET totp_secret = (SELECT totp_secret FROM staff WHERE id = " +
             std::to_string(ana_.id) + ") WHERE id = " + std::to_string(ben.id));
    EXPECT_THROW((void)verify_second_factor(work_, keys_, ben.id, "123456", clock_.now()),
                 privacy::crypto_error);
}

TEST_F(two_factor_test, each_code_signs_in_once) {
    auto [secret, codes] = enrol();
    auto code = totp_code(secret, clock_.now());
    auto first = verify_second_factor(work_, keys_, ana_.id, code, clock_.now());
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, second_factor_used::totp);
    EXPECT_FALSE(verify_second_factor(work_, keys_, ana_.id, code, clock_.now()));
    clock_.advance(30s);
    EXPECT_TRUE(
        verify_second_factor(work_, keys_, ana_.id, totp_code(secret, clock_.now()), clock_.now()));
}

TEST_F(two_factor_test, the_enrolment_code_cannot_be_replayed_to_sign_in) {
    auto secret = begin_totp_enrolment(work_, keys_, ana_.id);
    auto code = totp_code(secret, clock_.now());
    ASSERT_TRUE(confirm_totp_enrolment(work_, keys_, ana_.id, code, clock_.now()));
    EXPECT_FALSE(verify_second_factor(work_, keys_, ana_.id, code, clock_.now()));
}

TEST_F(two_factor_test, recovery_codes_work_once_in_any_case_and_are_stored_hashed) {
    auto [secret, codes] = enrol();
    ASSERT_EQ(codes.size(), 10u);
    EXPECT_THAT(codes[0],
                ::testing::MatchesRegex("[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}"));
    auto s = db_.prepare("SELECT code_hash FROM staff_recovery_codes");
    while (s.step()) {
        for (const auto& c : codes) EXPECT_EQ(s.text(0).find(c.substr(0, 4)), std::string::npos);
    }
    std::string lower;
    for (char ch : codes[3]) lower += static_cast<char>(std::tolower(ch));
    auto used = verify_second_factor(work_, keys_, ana_.id, lower, clock_.now());
    ASSERT_TRUE(used);
    EXPECT_EQ(*used, second_factor_used::recovery_code);
    EXPECT_FALSE(verify_second_factor(work_, keys_, ana_.id, codes[3], clock_.now()));
    EXPECT_EQ(two_factor_of(work_, ana_.id).recovery_codes_left, 9);
}

TEST_F(two_factor_test, enrolling_again_replaces_the_secret_and_the_recovery_codes) {
    auto [old_secret, old_codes] = enrol();
    auto [secret, codes] = enrol();
    EXPECT_FALSE(verify_second_factor(work_, keys_, ana_.id, old_codes[0], clock_.now()));
    EXPECT_TRUE(verify_second_factor(work_, keys_, ana_.id, codes[0], clock_.now()));
}

TEST_F(two_factor_test, reset_removes_totp_and_recovery_codes) {
    enrol();
    work_.staff().reset_two_factor(ana_.id);
    auto status = two_factor_of(work_, ana_.id);
    EXPECT_FALSE(status.enrolled);
    EXPECT_EQ(status.recovery_codes_left, 0);
    auto r = verify_second_factor(work_, keys_, ana_.id, "123456", clock_.now());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::conflict);
}

TEST_F(two_factor_test, required_roles_round_trip_through_the_settings) {
    EXPECT_TRUE(roles_requiring_totp(work_).empty());
    set_roles_requiring_totp(work_, {role::admin, role::supervisor});
    EXPECT_EQ(roles_requiring_totp(work_), (std::vector<role>{role::supervisor, role::admin}));
    set_roles_requiring_totp(work_, {});
    EXPECT_TRUE(roles_requiring_totp(work_).empty());
}

TEST_F(two_factor_test, a_session_waiting_for_its_code_lasts_five_minutes) {
    enrol();
    auto token = create_session(work_, ana_.id, clock_.now());
    clock_.advance(4min);
    EXPECT_TRUE(resume_session(work_, token, clock_.now()));
    clock_.advance(2min);
    EXPECT_FALSE(resume_session(work_, token, clock_.now()));
    auto passed = create_session(work_, ana_.id, clock_.now());
    pass_second_factor(work_, passed);
    clock_.advance(10min);
    auto s = resume_session(work_, passed, clock_.now());
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->second_factor);
}

}  // namespace
}  // namespace sc::staff
