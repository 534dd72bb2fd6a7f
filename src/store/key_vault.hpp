// The key vault: each conversation's key, sealed under the master key, kept where no backup
// of the conversations reaches (decision 0001). Destroying a key is what erases a
// conversation, its messages and every copy of them. Each engine implements it (the SQLite
// one in store/sqlite/key_vault_repository.hpp).
#pragma once

#include <string>
#include <vector>

namespace sc::store {

class key_vault {
  public:
    key_vault() = default;
    key_vault(const key_vault&) = delete;
    key_vault& operator=(const key_vault&) = delete;
    virtual ~key_vault() = default;

    virtual void put(const std::string& conversation_id, const std::string& sealed_key) = 0;
    virtual void destroy(const std::vector<std::string>& conversation_ids) = 0;
};

}  // namespace sc::store
