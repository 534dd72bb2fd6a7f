// The console's privacy routes (docs/API.md): retention, purging a closed conversation, the
// audit log, traffic counts and privacy policy versions. Every route here runs after the
// staff API has checked the session and the CSRF token.
#pragma once

#include "chat/hub.hpp"
#include "core/clock.hpp"
#include "http/message.hpp"
#include "privacy/keyring.hpp"
#include "privacy/policy.hpp"
#include "privacy/retention.hpp"
#include "staff/accounts.hpp"
#include "store/worker.hpp"

#include <optional>

namespace sc::http {

class privacy_api {
public:
    privacy_api(store::worker& store, const privacy::keyring& keys,
                privacy::policy_registry& policy, privacy::retention_setting& retention,
                const core::clock& clock, chat::hub& hub);

    /// Handles the route for a signed-in member; nothing when the path is not one of ours.
    std::optional<response> handle(const request& req, const staff::member& me);

private:
    response retention(const request& req, const staff::member& me);
    response closed_conversations();
    response purge(const std::string& conversation_id, const staff::member& me);
    response audit_log(const request& req);
    response traffic(const request& req);
    response policies();
    response publish_policy(const request& req, const staff::member& me);

    store::worker& store_;
    const privacy::keyring& keys_;
    privacy::policy_registry& policy_;
    privacy::retention_setting& retention_;
    const core::clock& clock_;
    chat::hub& hub_;
};

/// Parses RFC 3339 UTC ("2026-12-01T09:00:00Z", seconds optional).
std::optional<core::time_point> parse_utc(std::string_view text);
/// The value of a query parameter, or empty.
std::string query_param(const request& req, std::string_view name);

}  // namespace sc::http
