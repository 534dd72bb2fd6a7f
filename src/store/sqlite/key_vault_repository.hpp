// The SQLite engine's repository of the conversations' sealed keys, kept apart from every backup
// (decision 0001).
#pragma once

#include "store/key_vault.hpp"
#include "store/sqlite/database.hpp"

namespace sc::store {

class sqlite_key_vault_repository final : public key_vault {
  public:
    explicit sqlite_key_vault_repository(database& db) : db_(db) {}

  private:
    [[maybe_unused]] database& db_;
};

}  // namespace sc::store
