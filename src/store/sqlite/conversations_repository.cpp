#include "store/sqlite/conversations_repository.hpp"

namespace sc::store {
namespace {

void bind_optional(statement& s, int index, const std::optional<std::int64_t>& v) {
    if (v) {
        s.bind(index, *v);
    } else {
        s.bind_null(index);
    }
}

void bind_text_or_null(statement& s, int index, const std::string& v) {
    if (v.empty()) {
        s.bind_null(index);
    } else {
        s.bind(index, v);
    }
}

}  // namespace

void sqlite_conversation_repository::insert(const conversation_row& row) {
    auto s = db_.prepare(
        "INSERT INTO conversations (id, channel, lang, status, resume_token_hash, intake,"
        " created_at, policy_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, row.id).bind(2, row.channel).bind(3, row.lang).bind(4, row.status);
    s.bind(5, row.resume_token_hash);
    if (row.sealed_intake.empty()) {
        s.bind_null(6);
    } else {
        s.bind_blob(6, row.sealed_intake);
    }
    s.bind(7, row.created_at).bind(8, row.policy_version).run();
}

void sqlite_conversation_repository::append_message(const std::string& conversation_id,
                                                    const stored_message& m) {
    auto last = db_.prepare("SELECT coalesce(max(seq), 0) FROM messages WHERE conversation_id = ?");
    last.bind(1, conversation_id).step();
    if (last.integer(0) != m.seq - 1) {
        throw store_error("message " + std::to_string(m.seq) + " does not follow " +
                          std::to_string(last.integer(0)));
    }
    auto s = db_.prepare(
        "INSERT INTO messages (conversation_id, seq, sender, staff_id, client_id, body,"
        " created_at, policy_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, conversation_id).bind(2, m.seq).bind(3, m.sender);
    bind_optional(s, 4, m.staff_id);
    bind_text_or_null(s, 5, m.client_id);
    s.bind_blob(6, m.sealed_body).bind(7, m.created_at);
    bind_optional(s, 8, m.policy_version);
    s.run();
}

bool sqlite_conversation_repository::claim_waiting(const std::string& id, std::int64_t staff_id,
                                                   std::int64_t at) {
    db_.prepare(
           "UPDATE conversations SET status = 'active', staff_id = ?, accepted_at = ? "
           "WHERE id = ? AND status = 'waiting'")
        .bind(1, staff_id)
        .bind(2, at)
        .bind(3, id)
        .run();
    return db_.changes() == 1;
}

bool sqlite_conversation_repository::claim_transfer(const std::string& id, std::int64_t from,
                                                    std::int64_t to) {
    db_.prepare(
           "UPDATE conversations SET staff_id = ? "
           "WHERE id = ? AND staff_id = ? AND status = 'active'")
        .bind(1, to)
        .bind(2, id)
        .bind(3, from)
        .run();
    return db_.changes() == 1;
}

void sqlite_conversation_repository::mark_closed(const std::string& id, const std::string& by,
                                                 std::int64_t at) {
    db_.prepare(
           "UPDATE conversations SET status = 'closed', closed_by = ?, closed_at = ?,"
           " resume_token_hash = NULL WHERE id = ?")
        .bind(1, by)
        .bind(2, at)
        .bind(3, id)
        .run();
}

void sqlite_conversation_repository::set_disposition(const std::string& id,
                                                     const std::string& disposition) {
    db_.prepare("UPDATE conversations SET disposition = ? WHERE id = ?")
        .bind(1, disposition)
        .bind(2, id)
        .run();
}

void sqlite_conversation_repository::close_keyless(std::int64_t now) {
    db_.prepare(
           "UPDATE conversations SET status = 'closed', closed_at = ?, resume_token_hash = NULL"
           " WHERE status != 'closed' AND id NOT IN"
           " (SELECT conversation_id FROM vault.conversation_keys)")
        .bind(1, now)
        .run();
}

void sqlite_conversation_repository::close_unreadable(const std::string& id, std::int64_t now) {
    db_.prepare(
           "UPDATE conversations SET status = 'closed', closed_at = coalesce(closed_at, ?),"
           " resume_token_hash = NULL WHERE id = ?")
        .bind(1, now)
        .bind(2, id)
        .run();
}

std::vector<conversation_row> sqlite_conversation_repository::live() {
    auto s = db_.prepare(
        "SELECT c.id, c.lang, c.status, coalesce(c.resume_token_hash, ''), k.sealed_key,"
        " coalesce(c.intake, ''), c.created_at, c.accepted_at, c.closed_at,"
        " coalesce(c.closed_by, ''), c.staff_id, coalesce(c.disposition, ''),"
        " (SELECT coalesce(max(seq), 0) FROM messages m WHERE m.conversation_id = c.id),"
        " c.policy_version, c.channel"
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
        r.channel = s.text(14);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<stored_message> sqlite_conversation_repository::client_ids(const std::string& id) {
    auto s = db_.prepare(
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

std::vector<stored_message> sqlite_conversation_repository::messages(const std::string& id,
                                                                     std::int64_t after,
                                                                     std::int64_t through) {
    auto s = db_.prepare(
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

std::vector<expired_conversation> sqlite_conversation_repository::expired(
    std::int64_t closed_before, int limit) {
    auto s = db_.prepare(
        "SELECT id, evaluated FROM conversations WHERE status = 'closed' AND legal_hold = 0"
        " AND closed_at <= ? ORDER BY closed_at LIMIT ?");
    s.bind(1, closed_before).bind(2, limit);
    std::vector<expired_conversation> out;
    while (s.step()) out.push_back({s.text(0), s.integer(1) != 0});
    return out;
}

std::optional<erasure_state> sqlite_conversation_repository::erasure_state_of(
    const std::string& id) {
    auto s = db_.prepare("SELECT status, legal_hold FROM conversations WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return erasure_state{s.text(0), s.integer(1) != 0};
}

std::optional<conversation_row> sqlite_conversation_repository::for_evaluation(
    const std::string& id) {
    auto s = db_.prepare(
        "SELECT c.channel, c.lang, c.created_at, c.accepted_at,"
        " coalesce(c.closed_at, c.created_at), coalesce(c.disposition, ''), c.policy_version,"
        " coalesce(c.intake, ''), coalesce(k.sealed_key, '')"
        " FROM conversations c LEFT JOIN vault.conversation_keys k ON k.conversation_id = c.id"
        " WHERE c.id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    conversation_row r;
    r.id = id;
    r.channel = s.text(0);
    r.lang = s.text(1);
    r.created_at = s.integer(2);
    r.accepted_at = s.optional_integer(3);
    r.closed_at = s.integer(4);
    r.disposition = s.text(5);
    r.policy_version = s.integer(6);
    r.sealed_intake = s.blob(7);
    r.sealed_key = s.blob(8);
    return r;
}

bool sqlite_conversation_repository::claim_evaluation(const std::string& id) {
    db_.prepare("UPDATE conversations SET evaluated = 1 WHERE id = ? AND evaluated = 0")
        .bind(1, id)
        .run();
    return db_.changes() == 1;
}

void sqlite_conversation_repository::erase_rows(const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        db_.prepare("DELETE FROM messages WHERE conversation_id = ?").bind(1, id).run();
        db_.prepare("DELETE FROM conversations WHERE id = ?").bind(1, id).run();
    }
}

int sqlite_conversation_repository::repair_partial_erasures() {
    db_.exec(
        "DELETE FROM messages WHERE conversation_id IN (SELECT id FROM conversations"
        " WHERE status = 'closed' AND legal_hold = 0 AND id NOT IN"
        " (SELECT conversation_id FROM vault.conversation_keys))");
    db_.exec(
        "DELETE FROM conversations WHERE status = 'closed' AND legal_hold = 0 AND id NOT IN"
        " (SELECT conversation_id FROM vault.conversation_keys)");
    int erased = db_.changes();
    db_.exec(
        "DELETE FROM vault.conversation_keys WHERE conversation_id NOT IN"
        " (SELECT id FROM conversations)");
    erased += db_.changes();
    return erased;
}

std::vector<closed_conversation_row> sqlite_conversation_repository::list_closed(int limit) {
    auto s = db_.prepare(
        "SELECT c.id, c.closed_at, coalesce(c.closed_by, ''), coalesce(m.name, ''),"
        " coalesce(c.disposition, ''), c.legal_hold FROM conversations c"
        " LEFT JOIN staff m ON m.id = c.staff_id WHERE c.status = 'closed'"
        " ORDER BY c.closed_at DESC LIMIT ?");
    s.bind(1, limit);
    std::vector<closed_conversation_row> out;
    while (s.step()) {
        out.push_back(
            {s.text(0), s.optional_integer(1), s.text(2), s.text(3), s.text(4), s.integer(5) != 0});
    }
    return out;
}

}  // namespace sc::store
