// Numbered schema migrations, applied in order at start and by `safeconnect migrate`.
#pragma once

#include "store/database.hpp"

namespace sc::store {

/// Brings the schema up to date; returns how many migrations ran. Each runs in its own
/// transaction and bumps PRAGMA user_version, so an interrupted run resumes cleanly.
int migrate(database& db);

/// The newest schema version this build knows.
int latest_schema_version();

}  // namespace sc::store
