#include "store/sqlite/backup.hpp"

#include <sqlite3.h>

#include <string>

namespace sc::store {

core::result<> backup_main(database& source, const std::filesystem::path& target_path) {
    database target(target_path);
    auto* b = sqlite3_backup_init(target.handle(), "main", source.handle(), "main");
    if (b == nullptr) return core::fail(core::errc::internal, sqlite3_errmsg(target.handle()));
    int rc;
    while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
           rc == SQLITE_LOCKED) {
        if (rc != SQLITE_OK) sqlite3_sleep(20);
    }
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return core::fail(core::errc::internal, sqlite3_errstr(rc));
    return {};
}

}  // namespace sc::store
