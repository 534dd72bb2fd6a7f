// The SQLite engine's repository of the de-linked evaluation records.
#pragma once

#include "store/evaluations.hpp"
#include "store/sqlite/database.hpp"

namespace sc::store {

class sqlite_evaluation_repository final : public evaluation_repository {
  public:
    explicit sqlite_evaluation_repository(database& db) : db_(db) {}

  private:
    [[maybe_unused]] database& db_;
};

}  // namespace sc::store
