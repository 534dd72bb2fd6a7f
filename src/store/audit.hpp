// The repository of the append-only audit log: what the domains may ask of the store, with plain
// row types. Each engine implements it (the SQLite one in store/sqlite/audit_repository.hpp).
#pragma once

namespace sc::store {

class audit_repository {
  public:
    audit_repository() = default;
    audit_repository(const audit_repository&) = delete;
    audit_repository& operator=(const audit_repository&) = delete;
    virtual ~audit_repository() = default;
};

}  // namespace sc::store
