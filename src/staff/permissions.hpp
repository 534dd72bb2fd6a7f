// The authorization policy: what a staff member may do, decided in this one place from
// their role (and, for a member organization's advocate, the organization they belong
// to). The HTTP route table names a permission per route; the chat hub can ask the same
// question for its frames. Nothing here knows about HTTP.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "staff/accounts.hpp"

namespace sc::staff {

enum class permission {
    own_account,           // one's own session, password and authenticator
    answer_chats,          // take chats from the queue and answer them
    oversee_chats,         // the whole queue, every live chat, others' transcripts
    read_retention,        // see the retention period
    change_retention,      // change it (publishes a policy version)
    review_conversations,  // list closed conversations still stored
    purge_conversation,    // erase a closed conversation now
    read_audit_log,
    read_traffic,     // aggregate page counts
    manage_policies,  // privacy policy versions
    manage_accounts,  // add, disable, reset staff accounts
    manage_security,  // which roles must use TOTP
};

/// Who asks. Every member today acts for the whole service; a member organization's
/// advocate will carry their organization and act only within it.
struct actor {
    std::int64_t staff_id = 0;
    role staff_role = role::coordinator;
    std::optional<std::int64_t> organization;  // empty: acts for the whole service
};

/// What the action is about: empty for the service as a whole; a referral names the
/// organization it was made to.
struct scope {
    std::optional<std::int64_t> organization;
};

actor actor_of(const member& m);

/// Whether `who` may do `what` on `on`. An actor bound to an organization may do nothing
/// outside it, and nothing service-wide beyond their own account.
bool allows(const actor& who, permission what, const scope& on = {});

/// The sentence a refused member reads, e.g. "only administrators may do this".
std::string_view refusal(permission what);
/// The permission's stable name, e.g. "manage_accounts" (docs, the OpenAPI file).
std::string_view permission_name(permission what);
/// The roles that hold a permission service-wide.
std::span<const role> roles_allowed(permission what);
std::span<const permission> all_permissions();

}  // namespace sc::staff
