// The repository of the de-linked evaluation records: what the domains may ask of the store, with
// plain row types. Each engine implements it (the SQLite one in
// store/sqlite/evaluations_repository.hpp).
#pragma once

namespace sc::store {

class evaluation_repository {
  public:
    evaluation_repository() = default;
    evaluation_repository(const evaluation_repository&) = delete;
    evaluation_repository& operator=(const evaluation_repository&) = delete;
    virtual ~evaluation_repository() = default;
};

}  // namespace sc::store
