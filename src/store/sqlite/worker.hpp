// The store worker: one thread that owns the write connection and runs every database job
// in order. Jobs that arrive together commit in one transaction (group commit), each inside
// its own savepoint so one failing job does not undo the others. A job's completion runs
// only after its transaction is durable: persist first, then acknowledge.
#pragma once

#include "core/error.hpp"
#include "store/sqlite/database.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>

namespace sc::store {

class worker {
  public:
    using work_fn = std::function<void(database&)>;
    using done_fn = std::function<void(core::result<>)>;

    /// Opens the database at `path` with the key vault at `vault_path` attached, migrates
    /// both and starts the thread.
    worker(const std::filesystem::path& path, const std::filesystem::path& vault_path);
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;
    /// Finishes every queued job, then stops.
    ~worker();
    /// Finishes every queued job and joins the thread; later submissions are refused.
    void stop();

    /// Queues `work`; `done` runs on the worker thread once the work is committed (or failed;
    /// after stop(), at once on the caller's thread, unless the caller is a completion the
    /// worker is still running: that work is queued and run before the worker ends).
    void submit(work_fn work, done_fn done = {});
    /// Queues work that must run outside any transaction (checkpoints, VACUUM), alone.
    void submit_maintenance(work_fn work, done_fn done = {});

    /// Runs `fn` on the worker and blocks the calling thread for its committed result.
    /// For blocking callers (HTTP handlers on the blocking pool, start-up, tests).
    template <class Fn>
    auto call(Fn fn) -> std::invoke_result_t<Fn, database&> {
        return call_with(std::move(fn), false);
    }

    /// Like call, for work that manages its own transactions (see submit_maintenance).
    template <class Fn>
    auto call_maintenance(Fn fn) -> std::invoke_result_t<Fn, database&> {
        return call_with(std::move(fn), true);
    }

  private:
    template <class Fn>
    auto call_with(Fn fn, bool maintenance) -> std::invoke_result_t<Fn, database&> {
        using R = std::invoke_result_t<Fn, database&>;
        auto promise = std::make_shared<std::promise<R>>();
        auto future = promise->get_future();
        auto slot =
            std::make_shared<std::optional<std::conditional_t<std::is_void_v<R>, int, R>>>();
        enqueue({[fn = std::move(fn), slot](database& db) mutable {
                     if constexpr (std::is_void_v<R>) {
                         fn(db);
                     } else {
                         slot->emplace(fn(db));
                     }
                 },
                 [promise, slot](core::result<> r) {
                     if (!r) {
                         promise->set_exception(
                             std::make_exception_ptr(store_error(r.error().message)));
                     } else if constexpr (std::is_void_v<R>) {
                         promise->set_value();
                     } else {
                         promise->set_value(std::move(**slot));
                     }
                 },
                 maintenance});
        return future.get();
    }

    struct job {
        work_fn work;
        done_fn done;
        bool maintenance = false;
    };
    void enqueue(job j);
    void run_batch(std::deque<job>& batch);
    void run_maintenance(job& j);
    void finish(job& j, const core::result<>& outcome);
    void run();

    std::unique_ptr<database> db_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<job> jobs_;
    bool stopping_ = false;  // no new jobs; the thread finishes the queued ones
    std::thread thread_;
};

}  // namespace sc::store
