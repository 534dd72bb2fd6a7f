// The audit log: who did what to visitor data, and when. Append-only (triggers refuse
// updates and deletes). It never holds visitor data: the subject is an opaque
// conversation id, a staff id, a count or a setting's value.
#pragma once

#include "core/clock.hpp"
#include "store/sqlite/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sc::privacy {

struct audit_entry {
    std::int64_t id = 0;
    std::int64_t at = 0;
    std::optional<std::int64_t> staff_id;  // empty: the system itself (scheduled purge)
    std::string action;
    std::string subject;
};

void audit(store::database& db, core::time_point at, std::optional<std::int64_t> staff_id,
           const std::string& action, const std::string& subject = {});

/// Newest first; `before_id` pages backwards (0: from the newest).
std::vector<audit_entry> read_audit(store::database& db, int limit, std::int64_t before_id);

}  // namespace sc::privacy
