#include "store/sqlite/unit_of_work.hpp"

namespace sc::store {

void sqlite_unit_of_work::atomically(const std::function<void()>& steps) {
    if (db_.in_transaction()) {
        // Already part of a job's transaction: a savepoint keeps the steps all-or-nothing.
        db_.exec("SAVEPOINT steps");
        try {
            steps();
        } catch (...) {
            db_.exec("ROLLBACK TO steps; RELEASE steps");
            throw;
        }
        db_.exec("RELEASE steps");
        return;
    }
    transaction tx(db_);
    steps();
    tx.commit();
}

void sqlite_unit_of_work::flush_erased() {
    db_.exec(
        "PRAGMA main.incremental_vacuum; PRAGMA vault.incremental_vacuum;"
        "PRAGMA main.wal_checkpoint(TRUNCATE); PRAGMA vault.wal_checkpoint(TRUNCATE);");
}

}  // namespace sc::store
