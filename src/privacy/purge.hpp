// Retention: deleting closed conversations for good. A conversation is erased by destroying
// its key in the vault and deleting its rows (secure_delete overwrites them), in one
// transaction; afterwards the write-ahead logs are truncated so no file holds the old pages.
// Any copy made earlier (a backup) is unreadable because the key existed only in the vault.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "privacy/keyring.hpp"
#include "store/database.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace sc::privacy {

struct purge_batch_result {
    std::vector<std::string> purged;  // conversation ids, for the live hub to forget
    int evaluations_written = 0;
};

/// Erases up to `limit` closed conversations that closed at least `retention` before `now`
/// and are not on legal hold, writing the evaluation record of any that lack one. The
/// caller owns the transaction. Safe to repeat: a crashed run is finished by the next.
purge_batch_result purge_expired(store::database& db, const keyring& keys, core::time_point now,
                                 std::chrono::seconds retention, int limit);

/// Erases one closed conversation now (a supervisor's decision).
core::result<> purge_conversation(store::database& db, const keyring& keys,
                                  const std::string& conversation_id);

/// Closed conversations whose key is already gone: what a crash between the two files can
/// leave. Safe from any process.
int purge_keyless_conversations(store::database& db);

/// Keys whose conversation is gone. Only for the server's own writer, which creates a
/// conversation and its key together: another process could see one without the other.
int purge_orphan_keys(store::database& db);

/// Returns freed pages to the file system and truncates both write-ahead logs, so deleted
/// pages survive in no file. Outside any transaction.
void truncate_write_ahead_logs(store::database& db);

/// How long closed conversations are kept (hours), as set by an administrator.
int retention_hours(store::database& db, int default_hours);
void set_retention_hours(store::database& db, int hours);

}  // namespace sc::privacy
