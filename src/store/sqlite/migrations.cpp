#include "store/sqlite/migrations.hpp"

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
    // 2: the privacy engine: holds, policy versions, de-linked evaluations, settings,
    // the append-only audit log, traffic counts.
    R"sql(
ALTER TABLE conversations ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE conversations ADD COLUMN evaluated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN policy_version INTEGER;
CREATE INDEX conversations_closed ON conversations (closed_at) WHERE status = 'closed';
CREATE TABLE policy_versions (
    version      INTEGER PRIMARY KEY,
    markdown     TEXT NOT NULL,
    effective_at INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    published_by INTEGER REFERENCES staff(id),
    retention_hours INTEGER NOT NULL
);
CREATE TABLE evaluations (
    id             TEXT PRIMARY KEY,
    day            TEXT NOT NULL,
    channel        TEXT NOT NULL,
    lang           TEXT NOT NULL,
    wait           TEXT NOT NULL,
    duration       TEXT NOT NULL,
    age_band       TEXT NOT NULL,
    gender         TEXT NOT NULL,
    state          TEXT NOT NULL,
    heard_about    TEXT NOT NULL,
    disposition    TEXT NOT NULL,
    policy_version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    staff_id INTEGER REFERENCES staff(id),
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE traffic_page_views (
    day   TEXT NOT NULL,
    page  TEXT NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (day, page)
) WITHOUT ROWID;
CREATE TABLE traffic_visitors (
    day      TEXT PRIMARY KEY,
    visitors INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 3: staff account security: a forced password change, failed sign-ins to report, TOTP
    // (sealed secret, the last step used, hashed recovery codes), and whether a session has
    // passed its second factor.
    R"sql(
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN totp_secret BLOB;
ALTER TABLE staff ADD COLUMN totp_pending BLOB;
ALTER TABLE staff ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff_sessions ADD COLUMN second_factor INTEGER NOT NULL DEFAULT 0;
CREATE TABLE staff_recovery_codes (
    staff_id  INTEGER NOT NULL REFERENCES staff(id),
    code_hash TEXT NOT NULL,
    PRIMARY KEY (staff_id, code_hash)
) WITHOUT ROWID;
)sql",
};

// The key vault (schema `vault`, file keys.db): conversation keys sealed under the master key.
constexpr std::array vault_migrations{
    R"sql(
CREATE TABLE vault.conversation_keys (
    conversation_id TEXT PRIMARY KEY,
    sealed_key      BLOB NOT NULL
) WITHOUT ROWID;
)sql",
};

template <std::size_t N>
int apply(database& db, const std::string& schema, const std::array<const char*, N>& steps) {
    auto version_stmt = db.prepare("PRAGMA " + schema + ".user_version");
    version_stmt.step();
    int version = static_cast<int>(version_stmt.integer(0));
    if (version > static_cast<int>(N)) {
        throw store_error("the " + schema + " database has schema version " +
                          std::to_string(version) + ", newer than this program's " +
                          std::to_string(N) + "; upgrade safeconnect");
    }
    int ran = 0;
    for (int v = version; v < static_cast<int>(N); ++v) {
        transaction tx(db);
        db.exec(steps[static_cast<std::size_t>(v)]);
        db.exec("PRAGMA " + schema + ".user_version = " + std::to_string(v + 1));
        tx.commit();
        ++ran;
    }
    return ran;
}

}  // namespace

int latest_schema_version() { return static_cast<int>(migrations.size()); }

int migrate(database& db) {
    return apply(db, "main", migrations) + apply(db, "vault", vault_migrations);
}

std::unique_ptr<database> open_store(const std::filesystem::path& main,
                                     const std::filesystem::path& vault) {
    auto db = std::make_unique<database>(main);
    db->attach(vault, "vault");
    migrate(*db);
    return db;
}

}  // namespace sc::store
