// What a store job receives: the repositories it may use, all writing into one transaction
// of the engine (decision 0006). Everything a job writes, through any repository, commits
// together or not at all; the job's completion runs only once that commit is durable.
#pragma once

#include "store/changes.hpp"

#include <functional>
#include <utility>
#include <vector>

namespace sc::store {

class audit_repository;
class conversation_repository;
class evaluation_repository;
class key_vault;
class policy_repository;
class staff_repository;
class traffic_repository;

class unit_of_work {
  public:
    unit_of_work() = default;
    unit_of_work(const unit_of_work&) = delete;
    unit_of_work& operator=(const unit_of_work&) = delete;
    virtual ~unit_of_work() = default;

    virtual conversation_repository& conversations() = 0;
    virtual key_vault& keys() = 0;
    virtual evaluation_repository& evaluations() = 0;
    virtual staff_repository& staff() = 0;
    virtual audit_repository& audit() = 0;
    virtual policy_repository& policy() = 0;
    virtual traffic_repository& traffic() = 0;

    /// For maintenance jobs, which run outside the batch's transaction: runs `steps` in a
    /// transaction of its own and commits it before returning (inside an ordinary job, it is
    /// part of that job's transaction).
    virtual void atomically(const std::function<void()>& steps) = 0;

    /// For maintenance jobs after an erasure: returns freed pages to the file system and
    /// truncates the write-ahead logs, so no file still holds a deleted row or key.
    virtual void flush_erased() = 0;

    /// Tells the store's listeners of `c` once this job commits (store/changes.hpp).
    void publish(change c) { published_.push_back(std::move(c)); }
    /// For the engine: what the job published since the last call.
    std::vector<change> take_published() { return std::exchange(published_, {}); }

  private:
    std::vector<change> published_;
};

}  // namespace sc::store
