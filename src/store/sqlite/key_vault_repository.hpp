// The SQLite engine's key vault: a file of its own (keys.db), attached as `vault`, that
// backups never include.
#pragma once

#include "store/key_vault.hpp"
#include "store/sqlite/database.hpp"

namespace sc::store {

class sqlite_key_vault_repository final : public key_vault {
  public:
    explicit sqlite_key_vault_repository(database& db) : db_(db) {}

    void put(const std::string& conversation_id, const std::string& sealed_key) override;
    void destroy(const std::vector<std::string>& conversation_ids) override;

  private:
    database& db_;
};

}  // namespace sc::store
