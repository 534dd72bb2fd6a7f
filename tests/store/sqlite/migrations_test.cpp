// Schema migrations of the main database and the key vault, and the connection's pragmas.
#include "store/sqlite/migrations.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/database.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace sc::store {
namespace {

std::int64_t pragma_integer(database& db, const std::string& name) {
    auto s = db.prepare("PRAGMA " + name);
    EXPECT_TRUE(s.step());
    return s.integer(0);
}

std::set<std::string> table_names(database& db, const std::string& schema = "main") {
    auto s = db.prepare("SELECT name FROM " + schema + ".sqlite_schema WHERE type = 'table'");
    std::set<std::string> out;
    while (s.step()) out.insert(s.text(0));
    return out;
}

class migrations_test : public ::testing::Test {
  protected:
    /// A connection as the program opens it: main file with the vault attached.
    std::unique_ptr<database> connect() {
        auto db = std::make_unique<database>(path_);
        db->attach(vault_path_, "vault");
        return db;
    }

    test_support::temp_dir dir_;
    std::filesystem::path path_ = dir_ / "safeconnect.db";
    std::filesystem::path vault_path_ = dir_ / "keys.db";
};

TEST_F(migrations_test, a_fresh_store_gets_every_migration) {
    auto db = connect();
    EXPECT_GE(migrate(*db), latest_schema_version());
    EXPECT_GE(latest_schema_version(), 1);
    EXPECT_EQ(pragma_integer(*db, "main.user_version"), latest_schema_version());
    EXPECT_GE(pragma_integer(*db, "vault.user_version"), 1);
}

TEST_F(migrations_test, the_main_schema_has_the_core_tables) {
    auto db = connect();
    migrate(*db);
    auto tables = table_names(*db);
    for (const char* t : {"staff", "staff_sessions", "conversations", "messages"}) {
        EXPECT_TRUE(tables.contains(t)) << t;
    }
}

TEST_F(migrations_test, conversation_keys_live_in_the_vault_file_only) {
    auto db = connect();
    migrate(*db);
    EXPECT_TRUE(table_names(*db, "vault").contains("conversation_keys"));
    EXPECT_FALSE(table_names(*db).contains("conversation_keys"));
    auto columns = db->prepare("SELECT name FROM pragma_table_info('conversations')");
    while (columns.step()) EXPECT_NE(columns.text(0), "sealed_key");
    EXPECT_TRUE(std::filesystem::exists(vault_path_));
}

TEST_F(migrations_test, migrating_again_runs_nothing) {
    auto db = connect();
    migrate(*db);
    EXPECT_EQ(migrate(*db), 0);
}

TEST_F(migrations_test, migrating_again_from_a_new_connection_runs_nothing) {
    migrate(*connect());
    auto again = connect();
    EXPECT_EQ(migrate(*again), 0);
    EXPECT_EQ(pragma_integer(*again, "main.user_version"), latest_schema_version());
}

TEST_F(migrations_test, open_store_opens_attaches_and_migrates) {
    auto db = open_store(path_, vault_path_);
    EXPECT_EQ(pragma_integer(*db, "main.user_version"), latest_schema_version());
    EXPECT_EQ(migrate(*db), 0);
}

TEST_F(migrations_test, a_newer_schema_is_refused) {
    auto db = connect();
    db->exec("PRAGMA main.user_version = " + std::to_string(latest_schema_version() + 1));
    EXPECT_THROW(migrate(*db), store_error);
}

TEST_F(migrations_test, the_connection_uses_wal_full_sync_foreign_keys_and_secure_delete) {
    auto db = connect();
    for (const std::string schema : {"main", "vault"}) {
        auto mode = db->prepare("PRAGMA " + schema + ".journal_mode");
        ASSERT_TRUE(mode.step());
        EXPECT_EQ(mode.text(0), "wal") << schema;
        EXPECT_EQ(pragma_integer(*db, schema + ".secure_delete"), 1) << schema;
        // FULL: a commit, and so an acknowledgement, survives a power cut, not only a crash.
        EXPECT_EQ(pragma_integer(*db, schema + ".synchronous"), 2) << schema;
    }
    EXPECT_EQ(pragma_integer(*db, "foreign_keys"), 1);
}

TEST_F(migrations_test, foreign_keys_are_enforced) {
    auto db = connect();
    migrate(*db);
    auto insert = db->prepare(
        "INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at) "
        "VALUES ('x', 999, 0, 0)");
    EXPECT_THROW(insert.run(), store_error);
}

TEST_F(migrations_test, an_uncommitted_transaction_rolls_back) {
    database db(path_);
    db.exec("CREATE TABLE t (n INTEGER)");
    {
        transaction tx(db);
        db.exec("INSERT INTO t VALUES (1)");
    }
    auto count = db.prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.integer(0), 0);
}

}  // namespace
}  // namespace sc::store
