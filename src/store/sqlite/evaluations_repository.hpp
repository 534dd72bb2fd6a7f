// The SQLite engine's repository of evaluation records.
#pragma once

#include "store/evaluations.hpp"
#include "store/sqlite/database.hpp"

namespace sc::store {

class sqlite_evaluation_repository final : public evaluation_repository {
  public:
    explicit sqlite_evaluation_repository(database& db) : db_(db) {}

    void insert(const evaluation_row& row) override;

  private:
    database& db_;
};

}  // namespace sc::store
