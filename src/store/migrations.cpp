#include "store/migrations.hpp"

#include <array>
#include <string>

namespace sc::store {
namespace {

// Never edit a migration that has shipped: add a new one. Every column is listed in
// docs/PRIVACY.md, and a test checks that list against this schema.
constexpr std::array migrations{
    // 1: staff accounts and sessions, conversations and their messages.
    R"sql(
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('coordinator', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE TABLE staff_sessions (
    token_hash   TEXT PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff(id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE conversations (
    id                TEXT PRIMARY KEY,
    channel           TEXT NOT NULL CHECK (channel IN ('chat')),
    lang              TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'closed')),
    resume_token_hash TEXT UNIQUE,
    sealed_key        BLOB NOT NULL,
    intake            BLOB,
    created_at        INTEGER NOT NULL,
    accepted_at       INTEGER,
    closed_at         INTEGER,
    closed_by         TEXT CHECK (closed_by IN ('visitor', 'advocate')),
    staff_id          INTEGER REFERENCES staff(id),
    disposition       TEXT
) WITHOUT ROWID;
CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    sender          TEXT NOT NULL CHECK (sender IN ('visitor', 'advocate', 'system')),
    staff_id        INTEGER REFERENCES staff(id),
    client_id       TEXT,
    body            BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_client_id ON messages (conversation_id, sender, client_id)
    WHERE client_id IS NOT NULL;
CREATE INDEX conversations_open ON conversations (status) WHERE status != 'closed';
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations.size()); }

int migrate(database& db) {
    auto version_stmt = db.prepare("PRAGMA user_version");
    version_stmt.step();
    int version = static_cast<int>(version_stmt.integer(0));
    if (version > latest_schema_version()) {
        throw store_error("the database has schema version " + std::to_string(version) +
                          ", newer than this program's " +
                          std::to_string(latest_schema_version()) + "; upgrade safeconnect");
    }
    int ran = 0;
    for (int v = version; v < latest_schema_version(); ++v) {
        transaction tx(db);
        db.exec(migrations[static_cast<std::size_t>(v)]);
        db.exec("PRAGMA user_version = " + std::to_string(v + 1));
        tx.commit();
        ++ran;
    }
    return ran;
}

}  // namespace sc::store
