// The SQLite engine's unit of work: the repositories over one connection. The worker gives
// each job one inside the batch's transaction (a savepoint per job); a maintenance job gets
// one outside it and commits its steps with atomically().
#pragma once

#include "store/sqlite/audit_repository.hpp"
#include "store/sqlite/conversations_repository.hpp"
#include "store/sqlite/database.hpp"
#include "store/sqlite/evaluations_repository.hpp"
#include "store/sqlite/key_vault_repository.hpp"
#include "store/sqlite/policy_repository.hpp"
#include "store/sqlite/staff_repository.hpp"
#include "store/sqlite/traffic_repository.hpp"
#include "store/unit_of_work.hpp"

namespace sc::store {

class sqlite_unit_of_work final : public unit_of_work {
  public:
    explicit sqlite_unit_of_work(database& db) : db_(db) {}

    conversation_repository& conversations() override { return conversations_; }
    key_vault& keys() override { return keys_; }
    evaluation_repository& evaluations() override { return evaluations_; }
    staff_repository& staff() override { return staff_; }
    audit_repository& audit() override { return audit_; }
    policy_repository& policy() override { return policy_; }
    traffic_repository& traffic() override { return traffic_; }

    void atomically(const std::function<void()>& steps) override;
    void flush_erased() override;
    /// The connection, for the engine's own tests.
    database& sql() { return db_; }

  private:
    database& db_;
    sqlite_conversation_repository conversations_{db_};
    sqlite_key_vault_repository keys_{db_};
    sqlite_evaluation_repository evaluations_{db_};
    sqlite_staff_repository staff_{db_};
    sqlite_audit_repository audit_{db_};
    sqlite_policy_repository policy_{db_};
    sqlite_traffic_repository traffic_{db_};
};

}  // namespace sc::store
