// The console's privacy routes (docs/API.md): retention, purging a closed conversation, the
// audit log, traffic counts and privacy policy versions. Every route here runs after the
// router has checked the session, the CSRF token and the route's permission.
#pragma once

#include "chat/hub.hpp"
#include "core/clock.hpp"
#include "http/message.hpp"
#include "http/route.hpp"
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

    // The handlers of the route table.
    response retention(const call& c);
    response change_retention(const call& c);
    response closed_conversations(const call& c);
    response purge(const call& c);
    response audit_log(const call& c);
    response traffic(const call& c);
    response policies(const call& c);
    response publish_policy(const call& c);

  private:
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
