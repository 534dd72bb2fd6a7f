// Numbered schema migrations, applied in order at start and by `safeconnect migrate`.
#pragma once

#include "store/sqlite/database.hpp"

#include <memory>

namespace sc::store {

/// Opens the main database with the key vault attached as schema `vault` (see
/// docs/decisions/0001) and brings both schemas up to date.
std::unique_ptr<database> open_store(const std::filesystem::path& main,
                                     const std::filesystem::path& vault);

/// Brings both schemas up to date; returns how many migrations ran. Each runs in its own
/// transaction and bumps that schema's user_version, so an interrupted run resumes cleanly.
int migrate(database& db);

/// The newest schema version this build knows.
int latest_schema_version();

}  // namespace sc::store
