// The SQLite engine's repository of conversations and messages. The key vault is attached
// to the same connection as `vault`, so reads that need a conversation's key join it.
#pragma once

#include "store/conversations.hpp"
#include "store/sqlite/database.hpp"

namespace sc::store {

class sqlite_conversation_repository final : public conversation_repository {
  public:
    explicit sqlite_conversation_repository(database& db) : db_(db) {}

    void insert(const conversation_row& row) override;
    void append_message(const std::string& conversation_id, const stored_message& m) override;
    bool claim_waiting(const std::string& id, std::int64_t staff_id, std::int64_t at) override;
    bool claim_transfer(const std::string& id, std::int64_t from, std::int64_t to) override;
    void mark_closed(const std::string& id, const std::string& by, std::int64_t at) override;
    void set_disposition(const std::string& id, const std::string& disposition) override;
    void close_keyless(std::int64_t now) override;
    void close_unreadable(const std::string& id, std::int64_t now) override;
    std::vector<conversation_row> live() override;
    std::vector<stored_message> client_ids(const std::string& id) override;
    std::vector<stored_message> messages(const std::string& id, std::int64_t after,
                                         std::int64_t through) override;
    std::vector<expired_conversation> expired(std::int64_t closed_before, int limit) override;
    std::optional<erasure_state> erasure_state_of(const std::string& id) override;
    std::optional<conversation_row> for_evaluation(const std::string& id) override;
    bool claim_evaluation(const std::string& id) override;
    void erase_rows(const std::vector<std::string>& ids) override;
    int repair_partial_erasures() override;
    std::vector<closed_conversation_row> list_closed(int limit) override;

  private:
    database& db_;
};

}  // namespace sc::store
