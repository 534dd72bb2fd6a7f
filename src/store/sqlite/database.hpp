// A thin RAII layer over one SQLite connection: open with the project's pragmas, prepare,
// bind, step. Errors throw store_error; callers at the edge turn them into results.
#pragma once

#include "store/error.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

// Only this engine includes <sqlite3.h>; everything else sees opaque handles.
struct sqlite3;
struct sqlite3_stmt;

namespace sc::store {

/// NULL, integer, text or blob: what a parameter binds to.
using value = std::variant<std::nullptr_t, std::int64_t, std::string, std::vector<unsigned char>>;

class statement {
  public:
    statement(sqlite3* db, std::string_view sql);
    statement(statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement();

    statement& bind(int index, std::int64_t v);
    statement& bind(int index, std::string_view v);
    statement& bind_blob(int index, std::string_view bytes);
    statement& bind_null(int index);

    /// Advances to the next row; false when done.
    bool step();
    /// Runs to completion, ignoring rows.
    void run();

    bool is_null(int column) const;
    std::int64_t integer(int column) const;
    std::string text(int column) const;
    std::string blob(int column) const;
    std::optional<std::int64_t> optional_integer(int column) const;

  private:
    sqlite3* db() const;
    sqlite3_stmt* stmt_ = nullptr;
};

class database {
  public:
    /// Opens (creating if needed) with WAL, synchronous=FULL, foreign keys and secure_delete.
    explicit database(const std::filesystem::path& path);
    database(const database&) = delete;
    database& operator=(const database&) = delete;
    ~database();

    /// Attaches another database file as `schema`, with the same pragmas.
    void attach(const std::filesystem::path& path, const std::string& schema);

    statement prepare(std::string_view sql) { return {db_, sql}; }
    /// Runs one or more statements without parameters.
    void exec(std::string_view sql);
    std::int64_t last_insert_id() const;
    int changes() const;
    /// True between BEGIN (or a first SAVEPOINT) and its COMMIT or ROLLBACK.
    bool in_transaction() const;
    sqlite3* handle() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
};

/// A transaction that rolls back unless committed.
class transaction {
  public:
    explicit transaction(database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    ~transaction();
    void commit() {
        db_.exec("COMMIT");
        done_ = true;
    }

  private:
    database& db_;
    bool done_ = false;
};

}  // namespace sc::store
