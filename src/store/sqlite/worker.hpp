// The SQLite engine's store worker: one thread that owns the write connection and runs every
// job in order. Jobs that arrive together commit in one transaction (group commit), each
// inside its own savepoint so one failing job does not undo the others; if the commit itself
// fails, each job runs again alone, so one job's writes cannot fail the rest. A job's completion
// runs only after its transaction is durable, right after the changes it published reach the
// listeners: persist first, then acknowledge.
#pragma once

#include "store/sqlite/database.hpp"
#include "store/worker.hpp"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sc::store {

class sqlite_worker final : public worker {
  public:
    /// Opens the database at `path` with the key vault at `vault_path` attached, migrates
    /// both and starts the thread.
    sqlite_worker(const std::filesystem::path& path, const std::filesystem::path& vault_path);
    /// Finishes every queued job, then stops.
    ~sqlite_worker() override;
    /// Finishes every queued job and joins the thread; later submissions are refused.
    void stop() override;

  private:
    /// What running a job came to: its outcome and, if it committed, what it published.
    struct ran {
        core::result<> result;
        std::vector<change> changes;
    };
    void enqueue(job j) override;
    void run_batch(std::deque<job>& batch);
    /// Each job's outcome in the batch's one transaction, and whether that committed.
    struct batch_outcome {
        std::vector<ran> jobs;
        bool committed = false;
    };
    batch_outcome run_together(std::deque<job>& batch);
    ran run_alone(job& j);
    void run_maintenance(job& j);
    /// Delivers what the job published, if it committed, then runs its completion.
    void finish(job& j, const ran& outcome);
    void run();

    std::unique_ptr<database> db_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<job> jobs_;
    bool stopping_ = false;  // no new jobs; the thread finishes the queued ones
    std::thread thread_;
};

}  // namespace sc::store
