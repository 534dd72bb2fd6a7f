// Test-only ways to make the store fail a policy write, to prove that memory follows the
// commit: a refused statement undoes its job; a failed commit undoes the whole batch.
#pragma once

#include "store/sqlite/sql_job.hpp"
#include "store/sqlite/worker.hpp"

#include <string>

namespace sc::test_support {

enum class refusal {
    version,      // the new policy version is refused
    audit_entry,  // the version is written, its audit entry is refused
    commit,       // every statement succeeds and the commit fails
};

inline std::string refusal_name(refusal r) {
    switch (r) {
        case refusal::version:
            return "version";
        case refusal::audit_entry:
            return "audit_entry";
        case refusal::commit:
            return "commit";
    }
    return "?";
}

/// Makes the store refuse `r` until allow() is called.
inline void refuse(store::worker& store, refusal r) {
    store.call(test_support::sql_job([r](store::database& db) {
        switch (r) {
            case refusal::version:
                db.exec(
                    "CREATE TRIGGER test_refusal BEFORE INSERT ON policy_versions"
                    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
                break;
            case refusal::audit_entry:
                db.exec(
                    "CREATE TRIGGER test_refusal BEFORE INSERT ON audit_log"
                    " WHEN NEW.action = 'policy_published'"
                    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
                break;
            case refusal::commit:
                // A deferred foreign key is checked at COMMIT, after every statement ran.
                db.exec(
                    "CREATE TABLE IF NOT EXISTS test_parent (id INTEGER PRIMARY KEY);"
                    "CREATE TABLE IF NOT EXISTS test_child (parent INTEGER"
                    " REFERENCES test_parent (id) DEFERRABLE INITIALLY DEFERRED);"
                    "CREATE TRIGGER test_refusal AFTER INSERT ON policy_versions"
                    " BEGIN INSERT INTO test_child VALUES (-1); END");
                break;
        }
    }));
}

inline void allow(store::worker& store) {
    store.call(
        test_support::sql_job([](store::database& db) { db.exec("DROP TRIGGER test_refusal"); }));
}

}  // namespace sc::test_support
