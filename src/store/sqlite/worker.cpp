#include "store/sqlite/worker.hpp"

#include "core/log.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/unit_of_work.hpp"

#include <vector>

namespace sc::store {

namespace {

core::result<> storage_failed() { return core::fail(core::errc::internal, "storage failed"); }

}  // namespace

sqlite_worker::sqlite_worker(const std::filesystem::path& path,
                             const std::filesystem::path& vault_path)
    : db_(open_store(path, vault_path)) {
    thread_ = std::thread([this] { run(); });
}

sqlite_worker::~sqlite_worker() { stop(); }

void sqlite_worker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void sqlite_worker::enqueue(job j) {
    {
        std::lock_guard lock(mutex_);
        // A completion may queue follow-up work while the worker drains for stop(): it runs
        // on this thread, which will still get to it. Refusing it here would call its
        // completion at once, inside the caller's completion, under the caller's locks.
        if (!stopping_ || std::this_thread::get_id() == thread_.get_id()) {
            jobs_.push_back(std::move(j));
            ready_.notify_one();
            return;
        }
    }
    // Refused outside the lock: the callback may take other locks (the hub's).
    if (j.done) j.done(core::fail(core::errc::unavailable, "the store has stopped"));
}

void sqlite_worker::run() {
    for (;;) {
        std::deque<job> pending;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            // Once stopping, nothing new is queued, so an empty queue is the end.
            if (jobs_.empty()) return;
            pending.swap(jobs_);
        }
        // Ordinary jobs commit together; a maintenance job runs alone between batches.
        std::deque<job> batch;
        for (auto& j : pending) {
            if (!j.maintenance) {
                batch.push_back(std::move(j));
                continue;
            }
            run_batch(batch);
            run_maintenance(j);
        }
        run_batch(batch);
    }
}

void sqlite_worker::run_maintenance(job& j) {
    ran outcome;
    try {
        sqlite_unit_of_work work(*db_);
        j.work(work);
        outcome.changes = work.take_published();
    } catch (const std::exception& e) {
        spdlog::error("event=store_maintenance_failed detail=\"{}\"", e.what());
        outcome.result = storage_failed();
    }
    finish(j, outcome);
}

void sqlite_worker::finish(job& j, const ran& outcome) {
    // Neither a listener nor a completion that throws may take the store thread, and so the
    // server, with it.
    try {
        if (outcome.result) deliver(outcome.changes);
    } catch (const std::exception& e) {
        spdlog::error("event=store_listener_failed detail=\"{}\"", e.what());
    }
    if (!j.done) return;
    try {
        j.done(outcome.result);
    } catch (const std::exception& e) {
        spdlog::error("event=store_completion_failed detail=\"{}\"", e.what());
    }
}

void sqlite_worker::run_batch(std::deque<job>& batch) {
    if (batch.empty()) return;
    auto outcomes = run_together(batch);
    if (!outcomes.committed) {
        // A commit the disk refused (full, or a deferred constraint) must not fail the jobs
        // that merely shared it, a read above all: each job that ran cleanly is tried again
        // alone. One that failed on its own account, or ran alone already, stays failed.
        spdlog::warn("event=store_batch_retried_alone jobs={}", batch.size());
        outcomes.jobs.resize(batch.size());  // those after a failed BEGIN never ran
        for (std::size_t i = 0; i < batch.size(); ++i) {
            auto& o = outcomes.jobs[i];
            o = o.result && batch.size() > 1 ? run_alone(batch[i]) : ran{storage_failed(), {}};
        }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) finish(batch[i], outcomes.jobs[i]);
    batch.clear();
}

sqlite_worker::batch_outcome sqlite_worker::run_together(std::deque<job>& batch) {
    batch_outcome outcome;
    outcome.jobs.reserve(batch.size());
    try {
        transaction tx(*db_);
        sqlite_unit_of_work work(*db_);
        for (auto& j : batch) {
            db_->exec("SAVEPOINT job");
            try {
                j.work(work);
                db_->exec("RELEASE job");
                outcome.jobs.push_back({{}, work.take_published()});
            } catch (const std::exception& e) {
                db_->exec("ROLLBACK TO job; RELEASE job");
                spdlog::error("event=store_job_failed detail=\"{}\"", e.what());
                work.take_published();  // undone with the job's writes
                outcome.jobs.push_back({storage_failed(), {}});
            }
        }
        tx.commit();
        outcome.committed = true;
    } catch (const std::exception& e) {
        spdlog::error("event=store_commit_failed detail=\"{}\"", e.what());
    }
    return outcome;
}

sqlite_worker::ran sqlite_worker::run_alone(job& j) {
    try {
        transaction tx(*db_);
        sqlite_unit_of_work work(*db_);
        j.work(work);
        tx.commit();
        return {{}, work.take_published()};
    } catch (const std::exception& e) {
        spdlog::error("event=store_commit_failed detail=\"{}\"", e.what());
    }
    return {storage_failed(), {}};
}

}  // namespace sc::store
