// The authorization matrix: every role against every permission, and the organization
// scope a member organization's advocate will act within.
#include "staff/permissions.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace sc::staff {
namespace {

using enum permission;

actor as(role r) { return {1, r, std::nullopt}; }

// Expected, written out by hand: a change to the policy must change this table too.
const std::map<permission, std::set<role>> expected{
    {own_account, {role::coordinator, role::supervisor, role::admin}},
    {answer_chats, {role::coordinator, role::supervisor, role::admin}},
    {oversee_chats, {role::supervisor, role::admin}},
    {read_retention, {role::supervisor, role::admin}},
    {change_retention, {role::admin}},
    {review_conversations, {role::supervisor, role::admin}},
    {purge_conversation, {role::supervisor, role::admin}},
    {read_audit_log, {role::supervisor, role::admin}},
    {read_traffic, {role::admin}},
    {manage_policies, {role::admin}},
    {manage_accounts, {role::admin}},
    {manage_security, {role::admin}},
};

TEST(permissions, every_permission_is_in_the_expected_matrix) {
    EXPECT_EQ(all_permissions().size(), expected.size());
    std::set<std::string_view> names;
    for (auto p : all_permissions()) {
        EXPECT_TRUE(expected.contains(p)) << permission_name(p);
        EXPECT_TRUE(names.insert(permission_name(p)).second) << "two permissions share a name";
        EXPECT_FALSE(refusal(p).empty()) << permission_name(p);
    }
}

TEST(permissions, each_role_holds_exactly_its_permissions) {
    for (const auto& [p, roles] : expected) {
        for (auto r : {role::coordinator, role::supervisor, role::admin}) {
            EXPECT_EQ(allows(as(r), p), roles.contains(r))
                << role_name(r) << " / " << permission_name(p);
        }
        EXPECT_EQ(std::set<role>(roles_allowed(p).begin(), roles_allowed(p).end()), roles)
            << permission_name(p);
    }
}

TEST(permissions, overseeing_chats_matches_the_hubs_rule) {
    for (auto r : {role::coordinator, role::supervisor, role::admin}) {
        EXPECT_EQ(allows(as(r), oversee_chats), oversees(r)) << role_name(r);
    }
}

TEST(permissions, refusals_name_who_may) {
    EXPECT_EQ(refusal(change_retention), "only administrators may do this");
    EXPECT_EQ(refusal(read_audit_log), "only supervisors and administrators may do this");
    EXPECT_EQ(refusal(manage_accounts), "only administrators manage staff accounts");
}

TEST(permissions, the_actor_of_a_member_acts_for_the_whole_service) {
    member m;
    m.id = 7;
    m.staff_role = role::supervisor;
    auto a = actor_of(m);
    EXPECT_EQ(a.staff_id, 7);
    EXPECT_EQ(a.staff_role, role::supervisor);
    EXPECT_FALSE(a.organization);
}

TEST(permissions, an_organization_advocate_acts_only_within_their_organization) {
    // Even an administrator's role gives nothing service-wide once bound to an organization.
    for (auto r : {role::coordinator, role::admin}) {
        actor advocate{2, r, 40};
        EXPECT_TRUE(allows(advocate, own_account));
        EXPECT_TRUE(allows(advocate, answer_chats, {40}));
        EXPECT_FALSE(allows(advocate, answer_chats, {41})) << "another organization's referral";
        EXPECT_FALSE(allows(advocate, answer_chats)) << "the shared queue";
        for (auto p : all_permissions()) {
            if (p == own_account) continue;
            EXPECT_FALSE(allows(advocate, p)) << permission_name(p);
        }
    }
}

TEST(permissions, a_service_wide_member_may_act_on_any_organizations_subject) {
    EXPECT_TRUE(allows(as(role::coordinator), answer_chats, {40}));
    EXPECT_TRUE(allows(as(role::supervisor), oversee_chats, {40}));
}

}  // namespace
}  // namespace sc::staff
