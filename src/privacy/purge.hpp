// Retention: deleting closed conversations for good, in three steps that each commit on
// their own, because the database and the key vault are two files and SQLite commits them
// separately:
//   1. write the evaluation record of any conversation that lacks one (it needs the key);
//   2. destroy the keys in the vault: from here on nothing can read the conversations;
//   3. delete their rows (secure_delete overwrites them).
// A crash after any step leaves a state the next purge finishes. Afterwards the caller
// flushes the erased pages out of every file (unit_of_work::flush_erased), and any earlier
// copy (a backup) is unreadable because the key existed only in the vault. These functions
// commit their steps themselves: call them from a maintenance job (or the command line).
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "privacy/keyring.hpp"
#include "store/unit_of_work.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sc::privacy {

/// The three committed steps of an erasure, in order.
enum class purge_step { evaluated, keys_destroyed, rows_deleted };
/// "evaluated", "keys_destroyed", "rows_deleted"; parse_purge_step reads them back.
const char* purge_step_name(purge_step step);
std::optional<purge_step> parse_purge_step(std::string_view name);

/// Told after each step has committed; crash tests stop the process there.
using purge_observer = std::function<void(purge_step)>;

struct purge_batch_result {
    std::vector<std::string> purged;  // conversation ids, for the live hub to forget
    int evaluations_written = 0;
};

/// Erases up to `limit` closed conversations that closed at least `retention` before `now`
/// and are not on legal hold. Safe to repeat: a crashed run is finished by the next.
purge_batch_result purge_expired(store::unit_of_work& work, const keyring& keys,
                                 core::time_point now, std::chrono::seconds retention, int limit,
                                 const purge_observer& after_step = {});

/// Erases one closed conversation now (a supervisor's decision).
core::result<> purge_conversation(store::unit_of_work& work, const keyring& keys,
                                  const std::string& conversation_id);

/// Finishes what a crash or a restored file can leave half done: closed conversations whose
/// key is gone, and keys whose conversation is gone. Safe from any process, also while the
/// server runs: SQLite commits the main file before the vault, so a new conversation is
/// never seen as a key without its row. Returns how many were erased.
int repair_partial_erasures(store::unit_of_work& work);

}  // namespace sc::privacy
