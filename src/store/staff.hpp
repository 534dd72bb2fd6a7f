// The repository of staff accounts, their sessions, second factors and recovery codes: what the
// domains may ask of the store, with plain row types. Each engine implements it (the SQLite one in
// store/sqlite/staff_repository.hpp).
#pragma once

namespace sc::store {

class staff_repository {
  public:
    staff_repository() = default;
    staff_repository(const staff_repository&) = delete;
    staff_repository& operator=(const staff_repository&) = delete;
    virtual ~staff_repository() = default;
};

}  // namespace sc::store
