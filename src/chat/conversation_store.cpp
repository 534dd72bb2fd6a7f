#include "chat/conversation_store.hpp"

namespace sc::chat {
namespace {

void bind_optional(store::statement& s, int index, const std::optional<std::int64_t>& v) {
    if (v) {
        s.bind(index, *v);
    } else {
        s.bind_null(index);
    }
}

void bind_text_or_null(store::statement& s, int index, const std::string& v) {
    if (v.empty()) {
        s.bind_null(index);
    } else {
        s.bind(index, v);
    }
}

}  // namespace

void insert_conversation(store::database& db, const conversation_row& row) {
    db.prepare("INSERT INTO vault.conversation_keys (conversation_id, sealed_key) VALUES (?, ?)")
        .bind(1, row.id)
        .bind_blob(2, row.sealed_key)
        .run();
    auto s = db.prepare(
        "INSERT INTO conversations (id, channel, lang, status, resume_token_hash, intake,"
        " created_at, policy_version) VALUES (?, 'chat', ?, ?, ?, ?, ?, ?)");
    s.bind(1, row.id).bind(2, row.lang).bind(3, row.status).bind(4, row.resume_token_hash);
    if (row.sealed_intake.empty()) {
        s.bind_null(5);
    } else {
        s.bind_blob(5, row.sealed_intake);
    }
    s.bind(6, row.created_at).bind(7, row.policy_version).run();
}

void insert_message(store::database& db, const std::string& conversation_id,
                    const stored_message& m) {
    // A message whose predecessor failed to commit must fail too, or its seq leaves a gap.
    auto last = db.prepare("SELECT coalesce(max(seq), 0) FROM messages WHERE conversation_id = ?");
    last.bind(1, conversation_id).step();
    if (last.integer(0) != m.seq - 1) {
        throw store::store_error("message " + std::to_string(m.seq) + " does not follow " +
                                 std::to_string(last.integer(0)));
    }
    auto s = db.prepare(
        "INSERT INTO messages (conversation_id, seq, sender, staff_id, client_id, body,"
        " created_at, policy_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, conversation_id).bind(2, m.seq).bind(3, m.sender);
    bind_optional(s, 4, m.staff_id);
    bind_text_or_null(s, 5, m.client_id);
    s.bind_blob(6, m.sealed_body).bind(7, m.created_at);
    bind_optional(s, 8, m.policy_version);
    s.run();
}

bool claim_waiting(store::database& db, const std::string& id, std::int64_t staff_id,
                   std::int64_t at) {
    db.prepare(
          "UPDATE conversations SET status = 'active', staff_id = ?, accepted_at = ? "
          "WHERE id = ? AND status = 'waiting'")
        .bind(1, staff_id)
        .bind(2, at)
        .bind(3, id)
        .run();
    return db.changes() == 1;
}

bool claim_transfer(store::database& db, const std::string& id, std::int64_t from,
                    std::int64_t to) {
    db.prepare(
          "UPDATE conversations SET staff_id = ? "
          "WHERE id = ? AND staff_id = ? AND status = 'active'")
        .bind(1, to)
        .bind(2, id)
        .bind(3, from)
        .run();
    return db.changes() == 1;
}

void mark_closed(store::database& db, const std::string& id, const std::string& by,
                 std::int64_t at) {
    // The resume token dies with the conversation: nobody can reopen it.
    db.prepare(
          "UPDATE conversations SET status = 'closed', closed_by = ?, closed_at = ?,"
          " resume_token_hash = NULL WHERE id = ?")
        .bind(1, by)
        .bind(2, at)
        .bind(3, id)
        .run();
}

void set_disposition(store::database& db, const std::string& id, const std::string& disposition) {
    db.prepare("UPDATE conversations SET disposition = ? WHERE id = ?")
        .bind(1, disposition)
        .bind(2, id)
        .run();
}

void close_unreadable_conversations(store::database& db, std::int64_t now) {
    db.prepare(
          "UPDATE conversations SET status = 'closed', closed_at = ?, resume_token_hash = NULL"
          " WHERE status != 'closed' AND id NOT IN"
          " (SELECT conversation_id FROM vault.conversation_keys)")
        .bind(1, now)
        .run();
}

void close_unreadable_conversation(store::database& db, const std::string& id, std::int64_t now) {
    db.prepare(
          "UPDATE conversations SET status = 'closed', closed_at = coalesce(closed_at, ?),"
          " resume_token_hash = NULL WHERE id = ?")
        .bind(1, now)
        .bind(2, id)
        .run();
}

std::vector<conversation_row> load_live_conversations(store::database& db) {
    auto s = db.prepare(
        "SELECT c.id, c.lang, c.status, coalesce(c.resume_token_hash, ''), k.sealed_key,"
        " coalesce(c.intake, ''), c.created_at, c.accepted_at, c.closed_at,"
        " coalesce(c.closed_by, ''), c.staff_id, coalesce(c.disposition, ''),"
        " (SELECT coalesce(max(seq), 0) FROM messages m WHERE m.conversation_id = c.id),"
        " c.policy_version"
        " FROM conversations c JOIN vault.conversation_keys k ON k.conversation_id = c.id"
        " WHERE c.status != 'closed'"
        " OR (c.closed_by = 'visitor' AND c.staff_id IS NOT NULL AND c.disposition IS NULL)"
        " ORDER BY c.created_at, c.id");
    std::vector<conversation_row> out;
    while (s.step()) {
        conversation_row r;
        r.id = s.text(0);
        r.lang = s.text(1);
        r.status = s.text(2);
        r.resume_token_hash = s.text(3);
        r.sealed_key = s.blob(4);
        r.sealed_intake = s.blob(5);
        r.created_at = s.integer(6);
        r.accepted_at = s.optional_integer(7);
        r.closed_at = s.optional_integer(8);
        r.closed_by = s.text(9);
        r.staff_id = s.optional_integer(10);
        r.disposition = s.text(11);
        r.last_seq = s.integer(12);
        r.policy_version = s.integer(13);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<stored_message> load_client_ids(store::database& db, const std::string& id) {
    auto s = db.prepare(
        "SELECT seq, sender, client_id FROM messages WHERE conversation_id = ?"
        " AND client_id IS NOT NULL");
    s.bind(1, id);
    std::vector<stored_message> out;
    while (s.step()) {
        stored_message m;
        m.seq = s.integer(0);
        m.sender = s.text(1);
        m.client_id = s.text(2);
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<stored_message> load_messages(store::database& db, const std::string& id,
                                          std::int64_t after, std::int64_t through) {
    auto s = db.prepare(
        "SELECT seq, sender, staff_id, coalesce(client_id, ''), body, created_at FROM messages"
        " WHERE conversation_id = ? AND seq > ? AND seq <= ? ORDER BY seq");
    s.bind(1, id).bind(2, after).bind(3, through);
    std::vector<stored_message> out;
    while (s.step()) {
        stored_message m;
        m.seq = s.integer(0);
        m.sender = s.text(1);
        m.staff_id = s.optional_integer(2);
        m.client_id = s.text(3);
        m.sealed_body = s.blob(4);
        m.created_at = s.integer(5);
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace sc::chat
