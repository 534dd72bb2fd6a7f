// The audit log: who did what to visitor data, and when. Append-only (triggers refuse
// updates and deletes). It never holds visitor data: the subject is an opaque
// conversation id, a staff id, a count or a setting's value. Entries are read back through
// the repository (store/audit.hpp).
#pragma once

#include "core/clock.hpp"
#include "store/unit_of_work.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sc::privacy {

/// Records an entry in the store job's transaction: it commits with what it accounts for.
void audit(store::unit_of_work& work, core::time_point at, std::optional<std::int64_t> staff_id,
           const std::string& action, const std::string& subject = {});

}  // namespace sc::privacy
