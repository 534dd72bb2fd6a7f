#include "privacy/purge.hpp"

#include "core/log.hpp"
#include "privacy/evaluation.hpp"

#include <boost/json/parse.hpp>

#include <charconv>

namespace sc::privacy {
namespace {

// The evaluation record a conversation never got (the visitor left and no disposition was
// recorded), made from what is stored while the key still exists. The flag and the record
// change together, so each conversation gets exactly one.
void evaluate_once(store::database& db, const keyring& keys, const std::string& id) {
    if (!claim_evaluation(db, id)) return;
    auto s = db.prepare(
        "SELECT c.channel, c.lang, c.created_at, c.accepted_at, coalesce(c.closed_at, "
        "c.created_at),"
        " coalesce(c.disposition, ''), c.policy_version, c.intake, k.sealed_key"
        " FROM conversations c LEFT JOIN vault.conversation_keys k ON k.conversation_id = c.id"
        " WHERE c.id = ?");
    s.bind(1, id);
    if (!s.step()) return;
    conversation_facts f;
    f.channel = s.text(0);
    f.lang = s.text(1);
    f.created_at = core::from_unix_seconds(s.integer(2));
    if (auto a = s.optional_integer(3)) f.accepted_at = core::from_unix_seconds(*a);
    f.closed_at = core::from_unix_seconds(s.integer(4));
    f.disposition = s.text(5);
    f.policy_version = s.integer(6);
    if (!s.is_null(7) && !s.is_null(8)) {
        try {
            auto key = keys.unseal(s.blob(8), id);
            f.intake = boost::json::parse(decrypt(key, s.blob(7), intake_context(id))).as_object();
        } catch (const std::exception&) {
            // An unreadable intake counts as none; the erasure goes ahead regardless.
        }
    }
    insert_evaluation(db, evaluate(f));
}

void erase(store::database& db, const keyring& keys, const std::vector<std::string>& ids,
           const purge_observer& after_step = {}) {
    if (ids.empty()) return;
    auto told = [&](purge_step step) {
        if (after_step) after_step(step);
    };
    {
        store::transaction tx(db);
        for (const auto& id : ids) evaluate_once(db, keys, id);
        tx.commit();
    }
    told(purge_step::evaluated);
    {
        store::transaction tx(db);
        for (const auto& id : ids) {
            db.prepare("DELETE FROM vault.conversation_keys WHERE conversation_id = ?")
                .bind(1, id)
                .run();
        }
        tx.commit();
    }
    told(purge_step::keys_destroyed);
    store::transaction tx(db);
    for (const auto& id : ids) {
        db.prepare("DELETE FROM messages WHERE conversation_id = ?").bind(1, id).run();
        db.prepare("DELETE FROM conversations WHERE id = ?").bind(1, id).run();
    }
    tx.commit();
    told(purge_step::rows_deleted);
}

}  // namespace

const char* purge_step_name(purge_step step) {
    switch (step) {
        case purge_step::evaluated:
            return "evaluated";
        case purge_step::keys_destroyed:
            return "keys_destroyed";
        case purge_step::rows_deleted:
            return "rows_deleted";
    }
    return "?";
}

std::optional<purge_step> parse_purge_step(std::string_view name) {
    for (auto step :
         {purge_step::evaluated, purge_step::keys_destroyed, purge_step::rows_deleted}) {
        if (name == purge_step_name(step)) return step;
    }
    return std::nullopt;
}

purge_batch_result purge_expired(store::database& db, const keyring& keys, core::time_point now,
                                 std::chrono::seconds retention, int limit,
                                 const purge_observer& after_step) {
    purge_batch_result out;
    auto s = db.prepare(
        "SELECT id, evaluated FROM conversations WHERE status = 'closed' AND legal_hold = 0"
        " AND closed_at <= ? ORDER BY closed_at LIMIT ?");
    s.bind(1, core::unix_seconds(now - retention)).bind(2, limit);
    while (s.step()) {
        out.purged.push_back(s.text(0));
        if (s.integer(1) == 0) ++out.evaluations_written;
    }
    erase(db, keys, out.purged, after_step);
    return out;
}

core::result<> purge_conversation(store::database& db, const keyring& keys,
                                  const std::string& conversation_id) {
    auto s = db.prepare("SELECT status, legal_hold FROM conversations WHERE id = ?");
    s.bind(1, conversation_id);
    if (!s.step()) return core::fail(core::errc::not_found, "no such conversation");
    if (s.text(0) != "closed") {
        return core::fail(core::errc::conflict, "only a closed conversation can be purged");
    }
    if (s.integer(1) != 0) {
        return core::fail(core::errc::conflict, "this conversation is on legal hold");
    }
    erase(db, keys, {conversation_id});
    return {};
}

int repair_partial_erasures(store::database& db) {
    store::transaction tx(db);
    db.exec(
        "DELETE FROM messages WHERE conversation_id IN (SELECT id FROM conversations"
        " WHERE status = 'closed' AND legal_hold = 0 AND id NOT IN"
        " (SELECT conversation_id FROM vault.conversation_keys))");
    db.exec(
        "DELETE FROM conversations WHERE status = 'closed' AND legal_hold = 0 AND id NOT IN"
        " (SELECT conversation_id FROM vault.conversation_keys)");
    int erased = db.changes();
    db.exec(
        "DELETE FROM vault.conversation_keys WHERE conversation_id NOT IN"
        " (SELECT id FROM conversations)");
    erased += db.changes();
    tx.commit();
    return erased;
}

void truncate_write_ahead_logs(store::database& db) {
    db.exec(
        "PRAGMA main.incremental_vacuum; PRAGMA vault.incremental_vacuum;"
        "PRAGMA main.wal_checkpoint(TRUNCATE); PRAGMA vault.wal_checkpoint(TRUNCATE);");
}

}  // namespace sc::privacy
