#!/usr/bin/env bash
# Only the SQLite engine (src/store/sqlite/) may name sqlite3 or run SQL (decision 0006):
# every other file reaches the store through the repositories of src/store/.
set -uo pipefail
src=${1:?usage: engine_boundary.sh SOURCE_DIR}
cd "$src" || exit 2
status=0

outside_engine() {
    grep -rlE "$1" src --include='*.cpp' --include='*.hpp' | grep -v '^src/store/sqlite/' | sort
}

named=$(outside_engine 'sqlite3|SQLITE_|SQLite::')
if [ -n "$named" ]; then
    echo "sqlite3 named outside src/store/sqlite/:"
    echo "$named"
    status=1
fi

# Statements run on a connection, transactions, and SQL in string literals.
sql='\b(db|db_|database|sql\(\))(\.|->)(prepare|exec|changes|last_insert_id)\(|store::transaction|"[^"]*\b(SELECT|INSERT INTO|UPDATE [a-z_.]+ SET|DELETE FROM|PRAGMA|BEGIN|SAVEPOINT|ATTACH)\b'
running=$(outside_engine "$sql")
if [ -n "$running" ]; then
    echo "SQL outside src/store/sqlite/ (move it behind a repository):"
    echo "$running"
    status=1
fi
exit $status
