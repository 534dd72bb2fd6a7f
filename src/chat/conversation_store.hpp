// The SQL of conversations and messages. Every message body and the intake are stored
// encrypted under the conversation's key; these functions only move ciphertext.
#pragma once

#include "store/sqlite/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sc::chat {

struct conversation_row {
    std::string id;
    std::string lang;
    std::string status;
    std::string resume_token_hash;
    std::string sealed_key;     // kept in the key vault, not in the conversations table
    std::string sealed_intake;  // empty: no intake
    std::int64_t created_at = 0;
    std::optional<std::int64_t> accepted_at;
    std::optional<std::int64_t> closed_at;
    std::string closed_by;
    std::optional<std::int64_t> staff_id;
    std::string disposition;
    std::int64_t policy_version = 1;
    std::int64_t last_seq = 0;
};

struct stored_message {
    std::int64_t seq = 0;
    std::string sender;
    std::optional<std::int64_t> staff_id;
    std::string client_id;
    std::string sealed_body;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> policy_version;  // for what the visitor wrote
};

void insert_conversation(store::database& db, const conversation_row& row);
/// Throws unless `m.seq` directly follows the conversation's last stored message.
void insert_message(store::database& db, const std::string& conversation_id,
                    const stored_message& m);
/// Claims are decided here, not in memory: only a waiting conversation can be accepted, and
/// only its holder can hand an active one on, so two consoles (or two nodes) can never both
/// take one chat. Each returns false, and changes nothing, when the claim lost.
bool claim_waiting(store::database& db, const std::string& id, std::int64_t staff_id,
                   std::int64_t at);
bool claim_transfer(store::database& db, const std::string& id, std::int64_t from, std::int64_t to);
void mark_closed(store::database& db, const std::string& id, const std::string& by,
                 std::int64_t at);
void set_disposition(store::database& db, const std::string& id, const std::string& disposition);
/// Closes live conversations whose key is missing (a crash between the two files): nobody
/// can read them, so they go to the purge.
void close_unreadable_conversations(store::database& db, std::int64_t now);
/// Closes one live conversation whose key is there but cannot be unsealed (the master key
/// was replaced): it can never be read again, so it must not stay open and escape the purge.
void close_unreadable_conversation(store::database& db, const std::string& id, std::int64_t now);

/// Waiting and active conversations, and closed ones still waiting for a disposition. A
/// conversation whose key is missing (a crash between the two files) cannot be read and is
/// left for the purge.
std::vector<conversation_row> load_live_conversations(store::database& db);
/// The client ids already used in a conversation, for idempotent sends after a restart.
std::vector<stored_message> load_client_ids(store::database& db, const std::string& id);
/// Messages with after < seq <= through, in order.
std::vector<stored_message> load_messages(store::database& db, const std::string& id,
                                          std::int64_t after, std::int64_t through);

}  // namespace sc::chat
