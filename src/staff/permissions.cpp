#include "staff/permissions.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace sc::staff {

namespace {

constexpr std::array everyone{role::coordinator, role::supervisor, role::admin};
constexpr std::array overseers{role::supervisor, role::admin};
constexpr std::array admins{role::admin};

constexpr std::string_view only_overseers = "only supervisors and administrators may do this";
constexpr std::string_view only_admins = "only administrators may do this";

struct grant {
    permission what;
    std::string_view name;
    std::span<const role> roles;
    std::string_view refusal;
};

// The whole matrix: one row a permission, the roles that hold it service-wide.
constexpr std::array<grant, 12> grants{{
    {permission::own_account, "own_account", everyone, "sign in first"},
    {permission::answer_chats, "answer_chats", everyone, "sign in first"},
    {permission::oversee_chats, "oversee_chats", overseers, only_overseers},
    {permission::read_retention, "read_retention", overseers, only_overseers},
    {permission::change_retention, "change_retention", admins, only_admins},
    {permission::review_conversations, "review_conversations", overseers, only_overseers},
    {permission::purge_conversation, "purge_conversation", overseers, only_overseers},
    {permission::read_audit_log, "read_audit_log", overseers, only_overseers},
    {permission::read_traffic, "read_traffic", admins, only_admins},
    {permission::manage_policies, "manage_policies", admins, only_admins},
    {permission::manage_accounts, "manage_accounts", admins,
     "only administrators manage staff accounts"},
    {permission::manage_security, "manage_security", admins,
     "only administrators manage staff accounts"},
}};

const grant& grant_of(permission what) {
    for (const auto& g : grants) {
        if (g.what == what) return g;
    }
    return grants[0];  // unreachable: every permission has a row (permissions_test)
}

}  // namespace

actor actor_of(const member& m) { return {m.id, m.staff_role, std::nullopt}; }

bool allows(const actor& who, permission what, const scope& on) {
    if (who.organization) {
        // Bound to one organization: their own account, and (once referrals exist) only
        // what is scoped to that organization.
        if (what == permission::own_account) return true;
        return on.organization && *on.organization == *who.organization &&
               what == permission::answer_chats;
    }
    return std::ranges::any_of(grant_of(what).roles, [&](role r) { return r == who.staff_role; });
}

std::string_view refusal(permission what) { return grant_of(what).refusal; }

std::string_view permission_name(permission what) { return grant_of(what).name; }

std::span<const role> roles_allowed(permission what) { return grant_of(what).roles; }

std::span<const permission> all_permissions() {
    static const std::vector<permission> list = [] {
        std::vector<permission> out;
        out.reserve(grants.size());
        for (const auto& g : grants) out.push_back(g.what);
        return out;
    }();
    return list;
}

}  // namespace sc::staff
