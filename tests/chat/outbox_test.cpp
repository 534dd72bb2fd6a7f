// The fan-out part of the hub: what is decided under the lock is delivered after it, in the
// order decided, and one section's deliveries reach a connection before the next section's.
#include "chat/outbox.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sc::chat {
namespace {

using namespace std::chrono_literals;

/// Everything delivered, to any connection or endpoint, in one list.
struct record {
    std::mutex mutex;
    std::vector<std::string> seen;
    void add(std::string what) {
        std::lock_guard lock(mutex);
        seen.push_back(std::move(what));
    }
    std::vector<std::string> all() {
        std::lock_guard lock(mutex);
        return seen;
    }
};

class named_link final : public link {
  public:
    named_link(std::string name, record& r) : name_(std::move(name)), record_(r) {}
    void deliver(frame_ptr frame) override {
        if (hold_) {
            entered_.set_value();
            hold_->wait();
            hold_.reset();
        }
        record_.add(name_ + " " + *frame);
    }
    void close(std::uint16_t code, std::string reason) override {
        record_.add(name_ + " close " + std::to_string(code) + " " + reason);
    }
    /// Makes each delivery wait until `until` is ready: a connection that is slow to queue.
    /// Returns a future that is ready once the held delivery has started.
    std::future<void> hold(std::shared_future<void> until) {
        hold_ = std::move(until);
        return entered_.get_future();
    }

  private:
    std::string name_;
    record& record_;
    std::optional<std::shared_future<void>> hold_;
    std::promise<void> entered_;
};

class silent_endpoint final : public conversations::visitor_endpoint {
  public:
    conversations::channel channel() const override { return conversations::channel::chat; }
    void started(std::string_view, const conversations::visitor_view&) override {}
    void resumed(const conversations::visitor_view&, conversations::transcript_ptr) override {}
    void message(const conversations::message_ptr&) override {}
    void acknowledged(std::string_view, std::int64_t) override {}
    void waiting(std::size_t, std::chrono::seconds) override {}
    void advocate_typing(bool) override {}
    void ended(conversations::closed_by) override {}
    void failed(const core::error&, std::string_view) override {}
    void replaced() override {}
};

TEST(outbox, delivers_in_the_order_decided_after_letting_go_of_the_lock) {
    record r;
    std::mutex hub_lock;
    outbox out;
    auto ana = std::make_shared<named_link>("ana", r);
    auto ben = std::make_shared<named_link>("ben", r);
    auto visitor = std::make_shared<silent_endpoint>();
    std::unique_lock held(hub_lock);
    auto shared = make_frame("queue");  // one encoded frame for both consoles
    out.send(ana, shared);
    out.tell(visitor, [&](conversations::visitor_endpoint&) {
        bool free = hub_lock.try_lock();
        if (free) hub_lock.unlock();
        r.add(std::string("visitor, hub lock free: ") + (free ? "yes" : "no"));
    });
    out.send(ben, shared);
    out.send(ana, std::make_shared<deferred_frame>([] { return std::string("history"); }));
    out.close(ben, 4401, "signed out");
    out.send(nullptr, make_frame("to a connection that is gone"));
    EXPECT_TRUE(r.all().empty()) << "nothing is delivered under the lock";
    out.deliver(held);
    EXPECT_FALSE(held.owns_lock());
    EXPECT_EQ(r.all(),
              (std::vector<std::string>{"ana queue", "visitor, hub lock free: yes", "ben queue",
                                        "ana history", "ben close 4401 signed out"}));
}

TEST(outbox, a_later_section_delivers_after_an_earlier_one_still_delivering) {
    record r;
    std::mutex hub_lock;
    outbox out;
    auto ana = std::make_shared<named_link>("ana", r);
    std::promise<void> let_go;
    auto stuck = ana->hold(let_go.get_future().share());
    // Each section locks, decides and delivers on a thread of its own, as hub calls do.
    auto section = [&](const char* frame) {
        std::unique_lock held(hub_lock);
        out.send(ana, make_frame(frame));
        out.deliver(held);
    };
    auto first = std::async(std::launch::async, section, "first");
    stuck.wait();  // the first has let go of the hub's lock and is delivering to ana
    auto second = std::async(std::launch::async, section, "second");
    EXPECT_EQ(second.wait_for(200ms), std::future_status::timeout)
        << "the second section waits for the first to finish delivering";
    let_go.set_value();
    first.get();
    second.get();
    EXPECT_EQ(r.all(), (std::vector<std::string>{"ana first", "ana second"}));
}

TEST(outbox, with_nothing_queued_it_only_lets_go) {
    std::mutex hub_lock;
    outbox out;
    std::unique_lock held(hub_lock);
    out.deliver(held);
    EXPECT_FALSE(held.owns_lock());
}

}  // namespace
}  // namespace sc::chat
