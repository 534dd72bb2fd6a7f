// Test support: holds the store worker's thread inside a job until opened, so that jobs
// submitted meanwhile queue up and later run as one batch. No sleeps: the constructor returns
// once the worker is inside the gate.
#pragma once

#include "store/sqlite/worker.hpp"

#include <chrono>
#include <future>
#include <memory>

namespace sc::test_support {

class worker_gate {
  public:
    explicit worker_gate(store::worker& w) {
        auto entered = std::make_shared<std::promise<void>>();
        auto entered_future = entered->get_future();
        w.submit([entered, opened = opened_.get_future().share()](store::unit_of_work&) {
            entered->set_value();
            // Bounded so a failing test cannot hang the worker forever.
            opened.wait_for(std::chrono::seconds(30));
        });
        entered_future.wait_for(std::chrono::seconds(30));
    }
    worker_gate(const worker_gate&) = delete;
    worker_gate& operator=(const worker_gate&) = delete;
    ~worker_gate() {
        if (!open_) open();
    }
    void open() {
        open_ = true;
        opened_.set_value();
    }

  private:
    std::promise<void> opened_;
    bool open_ = false;
};

}  // namespace sc::test_support
