// The store's job queue, as the domains see it. A job gets a unit of work; its completion runs
// once the job's writes are durable (or have failed): persist first, then acknowledge. The
// SQLite engine's writer thread (store/sqlite/worker.hpp) is the implementation.
//
// A job's work may run twice: an engine whose shared commit failed tries each job again
// alone. So work does nothing outside its unit of work but set values (never append or
// count), and its completion, which runs once, is where effects go.
#pragma once

#include "core/error.hpp"
#include "store/changes.hpp"
#include "store/error.hpp"
#include "store/unit_of_work.hpp"

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <vector>

namespace sc::store {

class worker {
  public:
    using work_fn = std::function<void(unit_of_work&)>;
    using done_fn = std::function<void(core::result<>)>;

    worker() = default;
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;
    virtual ~worker() = default;

    /// Finishes every queued job; later submissions are refused.
    virtual void stop() = 0;

    /// Queues `work`; `done` runs on the store's thread once the work is committed (or
    /// failed; after stop(), at once on the caller's thread, unless the caller is a
    /// completion the store is still running: that work is queued and run before it ends).
    void submit(work_fn work, done_fn done = {}) {
        enqueue({std::move(work), std::move(done), false});
    }
    /// Queues work that runs alone, outside any batch, committing in steps of its own
    /// (unit_of_work::atomically), and may compact the files afterwards.
    void submit_maintenance(work_fn work, done_fn done = {}) {
        enqueue({std::move(work), std::move(done), true});
    }

    /// Calls `listener` on the store's thread with every change a job publishes, once the
    /// job has committed and before its completion runs. It is called for as long as the
    /// returned handle is held.
    [[nodiscard]] std::shared_ptr<const change_listener> listen(change_listener listener) {
        auto held = std::make_shared<const change_listener>(std::move(listener));
        std::lock_guard lock(listeners_mutex_);
        std::erase_if(listeners_, [](const auto& l) { return l.expired(); });
        listeners_.push_back(held);
        return held;
    }

    /// Runs `fn` on the store and blocks the calling thread for its committed result.
    /// For blocking callers (HTTP handlers on the blocking pool, start-up, tests).
    template <class Fn>
    auto call(Fn fn) -> std::invoke_result_t<Fn, unit_of_work&> {
        return call_with(std::move(fn), false);
    }

    /// Like call, for maintenance work (see submit_maintenance).
    template <class Fn>
    auto call_maintenance(Fn fn) -> std::invoke_result_t<Fn, unit_of_work&> {
        return call_with(std::move(fn), true);
    }

  protected:
    struct job {
        work_fn work;
        done_fn done;
        bool maintenance = false;
    };
    virtual void enqueue(job j) = 0;
    /// For the engine, once `changes` have committed.
    void deliver(const std::vector<change>& changes) {
        if (changes.empty()) return;
        std::vector<std::shared_ptr<const change_listener>> to;
        {
            std::lock_guard lock(listeners_mutex_);
            for (const auto& l : listeners_) {
                if (auto held = l.lock()) to.push_back(std::move(held));
            }
        }
        for (const auto& c : changes) {
            for (const auto& l : to) (*l)(c);
        }
    }

  private:
    std::mutex listeners_mutex_;
    std::vector<std::weak_ptr<const change_listener>> listeners_;

    template <class Fn>
    auto call_with(Fn fn, bool maintenance) -> std::invoke_result_t<Fn, unit_of_work&> {
        using R = std::invoke_result_t<Fn, unit_of_work&>;
        auto promise = std::make_shared<std::promise<R>>();
        auto future = promise->get_future();
        auto slot =
            std::make_shared<std::optional<std::conditional_t<std::is_void_v<R>, int, R>>>();
        enqueue({[fn = std::move(fn), slot](unit_of_work& work) mutable {
                     if constexpr (std::is_void_v<R>) {
                         fn(work);
                     } else {
                         slot->emplace(fn(work));
                     }
                 },
                 [promise, slot](const core::result<>& r) {
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
};

}  // namespace sc::store
