// The repository of the daily page-view and visitor counts: what the domains may ask of the store,
// with plain row types. Each engine implements it (the SQLite one in
// store/sqlite/traffic_repository.hpp).
#pragma once

namespace sc::store {

class traffic_repository {
  public:
    traffic_repository() = default;
    traffic_repository(const traffic_repository&) = delete;
    traffic_repository& operator=(const traffic_repository&) = delete;
    virtual ~traffic_repository() = default;
};

}  // namespace sc::store
