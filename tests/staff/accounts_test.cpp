// Staff accounts: password hashing, validation of new accounts, and the account table.
#include "staff/accounts.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/unit_of_work.hpp"
#include "store/staff.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

namespace sc::staff {
namespace {

using ::testing::HasSubstr;

TEST(passwords, verify_accepts_the_password_and_refuses_others) {
    ASSERT_GE(sodium_init(), 0);
    auto hash = hash_password("correct horse battery staple");
    EXPECT_TRUE(verify_password(hash, "correct horse battery staple"));
    EXPECT_FALSE(verify_password(hash, "correct horse battery stapl"));
    EXPECT_FALSE(verify_password(hash, ""));
}

TEST(passwords, hash_is_salted_argon2id_without_the_password) {
    ASSERT_GE(sodium_init(), 0);
    auto a = hash_password("correct horse battery staple");
    auto b = hash_password("correct horse battery staple");
    EXPECT_TRUE(a.starts_with("$argon2id$")) << a;
    EXPECT_NE(a, b);
    EXPECT_EQ(a.find("horse"), std::string::npos);
}

TEST(passwords, verify_refuses_a_malformed_hash) {
    ASSERT_GE(sodium_init(), 0);
    EXPECT_FALSE(verify_password("not a hash", "anything"));
}

TEST(validate_new_member, accepts_reasonable_fields) {
    EXPECT_TRUE(validate_new_member("ana@example.org", "Ana", "gentle otter paints quietly"));
}

TEST(validate_new_member, refuses_emails_that_do_not_look_like_emails) {
    for (const std::string& email :
         std::vector<std::string>{"", "ana", "@example.org", "ana@", "ana @example.org",
                                  "ana@example.org\n", std::string(250, 'a') + "@x.org"}) {
        auto r = validate_new_member(email, "Ana", "gentle otter paints quietly");
        ASSERT_FALSE(r) << "accepted '" << email << "'";
        EXPECT_EQ(r.error().code, core::errc::bad_request);
        EXPECT_THAT(r.error().message, HasSubstr("email"));
    }
}

TEST(validate_new_member, refuses_an_empty_or_overlong_name) {
    for (const std::string& name : std::vector<std::string>{"", std::string(81, 'n')}) {
        auto r = validate_new_member("ana@example.org", name, "gentle otter paints quietly");
        ASSERT_FALSE(r) << "accepted a name of " << name.size() << " characters";
        EXPECT_THAT(r.error().message, HasSubstr("name"));
    }
    EXPECT_TRUE(validate_new_member("ana@example.org", std::string(80, 'n'),
                                    "gentle otter paints quietly"));
}

TEST(validate_new_member, refuses_a_password_under_12_characters) {
    auto r = validate_new_member("ana@example.org", "Ana", "eleven char");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::bad_request);
    EXPECT_THAT(r.error().message, HasSubstr("password"));
}

TEST(roles, names_round_trip) {
    for (auto r : {role::coordinator, role::supervisor, role::admin}) {
        EXPECT_EQ(parse_role(role_name(r)), r);
    }
    EXPECT_FALSE(parse_role("root"));
    EXPECT_FALSE(parse_role("Admin"));
}

TEST(roles, supervisors_and_admins_oversee_coordinators_do_not) {
    EXPECT_FALSE(oversees(role::coordinator));
    EXPECT_TRUE(oversees(role::supervisor));
    EXPECT_TRUE(oversees(role::admin));
}

class accounts_test : public ::testing::Test {
  protected:
    member add(std::string_view email, std::string_view name, role r = role::coordinator) {
        auto added =
            add_member(work_, email, name, r, "hash-of-" + std::string(name), clock_.now());
        EXPECT_TRUE(added);
        return added ? *added : member{};
    }

    test_support::temp_dir dir_;
    std::unique_ptr<store::database> store_ =
        store::open_store(dir_ / "staff.db", dir_ / "keys.db");
    store::sqlite_unit_of_work work_{*store_};
    core::manual_clock clock_;
};

TEST_F(accounts_test, added_member_can_be_found_by_id_and_email) {
    auto ana = add("ana@example.org", "Ana", role::supervisor);
    EXPECT_GT(ana.id, 0);
    EXPECT_EQ(ana.email, "ana@example.org");
    EXPECT_EQ(ana.name, "Ana");
    EXPECT_EQ(ana.staff_role, role::supervisor);
    EXPECT_FALSE(ana.disabled);

    auto by_id = find_member(work_, ana.id);
    ASSERT_TRUE(by_id);
    EXPECT_EQ(by_id->email, "ana@example.org");
    auto by_email = find_member_by_email(work_, "ana@example.org");
    ASSERT_TRUE(by_email);
    EXPECT_EQ(by_email->id, ana.id);
}

TEST_F(accounts_test, email_lookup_ignores_case) {
    auto ana = add("ana@example.org", "Ana");
    auto found = find_member_by_email(work_, "ANA@Example.ORG");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, ana.id);
}

TEST_F(accounts_test, unknown_members_are_not_found) {
    EXPECT_FALSE(find_member(work_, 12345));
    EXPECT_FALSE(find_member_by_email(work_, "nobody@example.org"));
}

TEST_F(accounts_test, list_returns_every_member_in_id_order) {
    auto ana = add("ana@example.org", "Ana");
    auto ben = add("ben@example.org", "Ben", role::admin);
    auto all = list_members(work_);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].id, ana.id);
    EXPECT_EQ(all[1].id, ben.id);
    EXPECT_EQ(all[1].staff_role, role::admin);
    EXPECT_EQ(work_.staff().count_members(), 2);
}

TEST_F(accounts_test, duplicate_email_is_a_conflict) {
    add("ana@example.org", "Ana");
    auto again = add_member(work_, "ana@example.org", "Other Ana", role::admin, "h", clock_.now());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, core::errc::conflict);
    EXPECT_EQ(work_.staff().count_members(), 1);
}

TEST_F(accounts_test, duplicate_email_in_other_case_is_a_conflict) {
    add("ana@example.org", "Ana");
    auto again = add_member(work_, "Ana@Example.org", "Ana", role::coordinator, "h", clock_.now());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, core::errc::conflict);
}

TEST_F(accounts_test, credentials_hold_the_stored_hash) {
    auto ana = add("ana@example.org", "Ana");
    auto creds = find_credentials(work_, "ana@example.org");
    ASSERT_TRUE(creds);
    EXPECT_EQ(creds->first.id, ana.id);
    EXPECT_EQ(creds->second, "hash-of-Ana");
}

TEST_F(accounts_test, disabling_marks_the_member_and_hides_its_credentials) {
    auto ana = add("ana@example.org", "Ana");
    EXPECT_TRUE(work_.staff().disable_member(ana.id));
    auto found = find_member(work_, ana.id);
    ASSERT_TRUE(found);
    EXPECT_TRUE(found->disabled);
    EXPECT_FALSE(find_credentials(work_, "ana@example.org"));
}

TEST_F(accounts_test, disabling_an_unknown_member_changes_nothing) {
    EXPECT_FALSE(work_.staff().disable_member(999));
}

TEST_F(accounts_test, disabling_leaves_other_members_alone) {
    auto ana = add("ana@example.org", "Ana");
    auto ben = add("ben@example.org", "Ben");
    work_.staff().disable_member(ana.id);
    EXPECT_FALSE(find_member(work_, ben.id)->disabled);
    EXPECT_TRUE(find_credentials(work_, "ben@example.org"));
}

}  // namespace
}  // namespace sc::staff
