// The repository of conversations and their messages, and the claims on them. Message
// bodies and the intake arrive and leave sealed: the store only ever moves ciphertext.
// Each engine implements it (the SQLite one in store/sqlite/conversations_repository.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sc::store {

struct conversation_row {
    std::string id;
    std::string channel = "chat";
    std::string lang;
    std::string status;
    std::string resume_token_hash;
    std::string sealed_key;     // read from the key vault; written there with key_vault::put
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

/// A closed conversation whose retention has run out.
struct expired_conversation {
    std::string id;
    bool evaluated = false;
};

/// Whether a conversation may be erased now.
struct erasure_state {
    std::string status;
    bool legal_hold = false;
};

/// A closed conversation as the console's retention page lists it.
struct closed_conversation_row {
    std::string id;
    std::optional<std::int64_t> closed_at;  // unix seconds
    std::string closed_by;                  // "visitor" or "advocate"; empty if unknown
    std::string advocate;                   // the name of the advocate who held it, or empty
    std::string disposition;                // empty if none was recorded
    bool legal_hold = false;
};

class conversation_repository {
  public:
    conversation_repository() = default;
    conversation_repository(const conversation_repository&) = delete;
    conversation_repository& operator=(const conversation_repository&) = delete;
    virtual ~conversation_repository() = default;

    /// A new conversation (its key goes to the key vault in the same unit of work).
    virtual void insert(const conversation_row& row) = 0;
    /// Throws store_error unless `m.seq` directly follows the last stored message, so a
    /// message whose predecessor failed to commit cannot leave a gap.
    virtual void append_message(const std::string& conversation_id, const stored_message& m) = 0;

    /// Claims are decided here, not in memory: only a waiting conversation can be accepted,
    /// and only its holder can hand an active one on, so two consoles (or two nodes) can never
    /// both take one chat. Each returns false, and changes nothing, when the claim lost.
    virtual bool claim_waiting(const std::string& id, std::int64_t staff_id, std::int64_t at) = 0;
    virtual bool claim_transfer(const std::string& id, std::int64_t from, std::int64_t to) = 0;
    /// Closes it; the resume token dies with it, so nobody can reopen it.
    virtual void mark_closed(const std::string& id, const std::string& by, std::int64_t at) = 0;
    virtual void set_disposition(const std::string& id, const std::string& disposition) = 0;
    /// Closes the live conversations whose key is missing (a crash between the engine's
    /// database and its key vault): nobody can read them, so they go to the purge.
    virtual void close_keyless(std::int64_t now) = 0;
    /// Closes one live conversation that can never be read again (its key cannot be
    /// unsealed), so it does not stay open and escape the purge.
    virtual void close_unreadable(const std::string& id, std::int64_t now) = 0;

    /// Waiting and active conversations, and closed ones still waiting for a disposition,
    /// with their sealed keys; a conversation without a key is left for the purge.
    virtual std::vector<conversation_row> live() = 0;
    /// The client ids already used in a conversation, for idempotent sends after a restart.
    virtual std::vector<stored_message> client_ids(const std::string& id) = 0;
    /// Messages with after < seq <= through, in order.
    virtual std::vector<stored_message> messages(const std::string& id, std::int64_t after,
                                                 std::int64_t through) = 0;

    /// Up to `limit` closed conversations, not on legal hold, closed at or before
    /// `closed_before`, oldest first.
    virtual std::vector<expired_conversation> expired(std::int64_t closed_before, int limit) = 0;
    virtual std::optional<erasure_state> erasure_state_of(const std::string& id) = 0;
    /// What the evaluation record is made of, with the sealed key and intake (closed_at is
    /// the creation time for a conversation that never closed).
    virtual std::optional<conversation_row> for_evaluation(const std::string& id) = 0;
    /// Marks it evaluated; false when it already was or is gone, in which case no record may
    /// be written (each conversation gets exactly one).
    virtual bool claim_evaluation(const std::string& id) = 0;
    /// Deletes the conversations and their messages (their keys are already destroyed).
    virtual void erase_rows(const std::vector<std::string>& ids) = 0;
    /// Finishes an erasure a crash left half done: the rows of closed conversations whose key
    /// is gone, and keys whose conversation is gone. Returns how many were erased.
    virtual int repair_partial_erasures() = 0;

    /// The `limit` most recently closed conversations, newest first, for the console's
    /// retention page.
    virtual std::vector<closed_conversation_row> list_closed(int limit) = 0;
};

}  // namespace sc::store
