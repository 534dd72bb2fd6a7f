// The repository of policy versions and the settings they promise (retention): what the domains may
// ask of the store, with plain row types. Each engine implements it (the SQLite one in
// store/sqlite/policy_repository.hpp).
#pragma once

namespace sc::store {

class policy_repository {
  public:
    policy_repository() = default;
    policy_repository(const policy_repository&) = delete;
    policy_repository& operator=(const policy_repository&) = delete;
    virtual ~policy_repository() = default;
};

}  // namespace sc::store
