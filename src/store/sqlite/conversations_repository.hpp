// The SQLite engine's repository of conversations and their messages, and the claims on them.
#pragma once

#include "store/conversations.hpp"
#include "store/sqlite/database.hpp"

namespace sc::store {

class sqlite_conversation_repository final : public conversation_repository {
  public:
    explicit sqlite_conversation_repository(database& db) : db_(db) {}

    std::vector<closed_conversation_row> list_closed(int limit) override;

  private:
    database& db_;
};

}  // namespace sc::store
