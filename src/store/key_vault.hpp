// The repository of the conversations' sealed keys, kept apart from every backup (decision 0001):
// what the domains may ask of the store, with plain row types. Each engine implements it (the
// SQLite one in store/sqlite/key_vault_repository.hpp).
#pragma once

namespace sc::store {

class key_vault {
  public:
    key_vault() = default;
    key_vault(const key_vault&) = delete;
    key_vault& operator=(const key_vault&) = delete;
    virtual ~key_vault() = default;
};

}  // namespace sc::store
