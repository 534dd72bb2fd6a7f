#include "store/sqlite/database.hpp"

#include <sqlite3.h>

#include <utility>

namespace sc::store {
namespace {

[[noreturn]] void throw_error(sqlite3* db, int code, std::string_view what) {
    throw store_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code)));
}

}  // namespace

statement::statement(sqlite3* db, std::string_view sql) {
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), 0, &stmt_, nullptr);
    if (rc != SQLITE_OK) throw_error(db, rc, "prepare");
}

statement::~statement() { sqlite3_finalize(stmt_); }

sqlite3* statement::db() const { return sqlite3_db_handle(stmt_); }

statement& statement::bind(int index, std::int64_t v) {
    if (int rc = sqlite3_bind_int64(stmt_, index, v); rc != SQLITE_OK)
        throw_error(db(), rc, "bind");
    return *this;
}

statement& statement::bind(int index, std::string_view v) {
    if (int rc =
            sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        rc != SQLITE_OK) {
        throw_error(db(), rc, "bind");
    }
    return *this;
}

statement& statement::bind_blob(int index, std::string_view bytes) {
    if (int rc = sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                                   SQLITE_TRANSIENT);
        rc != SQLITE_OK) {
        throw_error(db(), rc, "bind");
    }
    return *this;
}

statement& statement::bind_null(int index) {
    if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) throw_error(db(), rc, "bind");
    return *this;
}

bool statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_error(db(), rc, "step");
}

void statement::run() {
    while (step()) {
    }
    sqlite3_reset(stmt_);
}

bool statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string statement::text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
}

std::string statement::blob(int column) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
}

std::optional<std::int64_t> statement::optional_integer(int column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
}

database::database(const std::filesystem::path& path) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = "cannot open database " + path.string();
        sqlite3_close(db_);
        db_ = nullptr;
        throw_error(nullptr, rc, msg);
    }
    sqlite3_busy_timeout(db_, 5000);
    // secure_delete overwrites deleted content, so purged text does not linger in free pages;
    // incremental auto_vacuum (effective for files created with it) lets the purge hand
    // freed pages back to the file system.
    exec(
        "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
        "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;");
}

database::~database() { sqlite3_close_v2(db_); }

std::int64_t database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

int database::changes() const { return sqlite3_changes(db_); }

bool database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void database::attach(const std::filesystem::path& path, const std::string& schema) {
    prepare("ATTACH DATABASE ? AS " + schema).bind(1, path.string()).run();
    exec("PRAGMA " + schema + ".auto_vacuum=INCREMENTAL; PRAGMA " + schema +
         ".journal_mode=WAL; PRAGMA " + schema + ".synchronous=FULL; PRAGMA " + schema +
         ".secure_delete=ON;");
}

void database::exec(std::string_view sql) {
    std::string owned(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw store_error("exec: " + msg);
    }
}

transaction::~transaction() {
    if (!done_) {
        try {
            db_.exec("ROLLBACK");
        } catch (...) {
            // The connection reports the failure on its next use.
        }
    }
}

}  // namespace sc::store
