// An online copy of the main database through SQLite's backup API, for `safeconnect backup`.
#pragma once

#include "core/error.hpp"
#include "store/sqlite/database.hpp"

#include <filesystem>

namespace sc::store {

/// Copies `source`'s main schema (not the attached key vault) into a new database at
/// `target`, in small steps so a running server is never blocked for long.
core::result<> backup_main(database& source, const std::filesystem::path& target);

}  // namespace sc::store
